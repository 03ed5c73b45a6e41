from importlib.util import find_spec

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from twincity.core import views as core_views
from twincity.matters import views as matter_views

# Registers being built: mounted when their URL module exists. TODO(lead): list them explicitly once all have landed.
REGISTER_APPS = ("agreements", "visits", "exchanges", "policies", "siting")

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("", core_views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("twincity.accounts.urls")),
    path("audit/", include("twincity.audit.urls")),
    path("p/<int:pk>/", matter_views.dashboard, name="dashboard"),
    path("p/", include("twincity.regions.urls")),
    path("matters/", include("twincity.matters.urls")),
    path("meetings/", include("twincity.meetings.urls")),
    path("notifications/", include("twincity.notifications.urls")),
    path("registers/", include("twincity.registers.urls")),
    path("petitions/", include("twincity.petitions.urls")),
    *[
        path(f"{app}/", include(f"twincity.{app}.urls"))
        for app in REGISTER_APPS
        if find_spec(f"twincity.{app}") and find_spec(f"twincity.{app}.urls")
    ],
    path("files/", include("twincity.core.urls")),
    path("api/", include("twincity.api_urls")),
    path("admin/", admin.site.urls),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
]

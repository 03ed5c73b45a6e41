from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from twincity.core import views as core_views
from twincity.workspace import views as workspace_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("", core_views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("twincity.accounts.urls")),
    path("audit/", include("twincity.audit.urls")),
    path("p/<int:pk>/", workspace_views.dashboard, name="dashboard"),
    path("", include("twincity.workspace.urls")),
    path("p/", include("twincity.regions.urls")),
    path("matters/", include("twincity.matters.urls")),
    path("meetings/", include("twincity.meetings.urls")),
    path("notifications/", include("twincity.notifications.urls")),
    path("supervision/", include("twincity.supervision.urls")),
    path("registers/", include("twincity.registers.urls")),
    path("petitions/", include("twincity.petitions.urls")),
    path("agreements/", include("twincity.agreements.urls")),
    path("visits/", include("twincity.visits.urls")),
    path("exchanges/", include("twincity.exchanges.urls")),
    path("policies/", include("twincity.policies.urls")),
    path("siting/", include("twincity.siting.urls")),
    path("indicators/", include("twincity.indicators.urls")),
    path("files/", include("twincity.core.urls")),
    path("api/", include("twincity.api_urls")),
    path("admin/", admin.site.urls),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
]

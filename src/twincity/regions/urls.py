from django.urls import path

from twincity.regions import views

app_name = "regions"
urlpatterns = [
    path("", views.partnership_list, name="partnerships"),
    path("<int:pk>/about/", views.partnership_detail, name="partnership"),
    path("<int:pk>/settings/", views.partnership_settings, name="settings"),
    path("<int:partnership_pk>/units/add/", views.organisation_edit, name="organisation_add"),
    path("units/options/", views.unit_options, name="unit_options"),
    path("units/<int:pk>/", views.organisation_detail, name="organisation"),
    path("units/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
]

from django.urls import path

from twincity.regions import views

app_name = "regions"
urlpatterns = [
    path("", views.partnership_list, name="partnerships"),
    path("<int:pk>/about/", views.partnership_detail, name="partnership"),
    path("units/<int:pk>/", views.organisation_detail, name="organisation"),
]

from django.urls import path

from twincity.registers import views

app_name = "registers"
urlpatterns = [
    path("<str:label>/<int:pk>/follow-up/", views.follow_up, name="follow_up"),
    path("<str:label>/<int:pk>/link/", views.link, name="link"),
    path("<str:label>/<int:pk>/upload/", views.upload, name="upload"),
    path("links/<int:pk>/unlink/", views.unlink, name="unlink"),
]

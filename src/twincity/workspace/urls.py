from django.urls import path

from twincity.workspace import views

app_name = "workspace"
urlpatterns = [path("my-work/", views.my_work, name="my_work")]

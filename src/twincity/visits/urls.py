from django.urls import path

from twincity.visits import views

app_name = "visits"
urlpatterns = [
    *views.visits.urls(),
    *views.lessons.urls("lessons/"),
    *views.gaps.urls("gaps/"),
    path("<int:pk>/held/", views.held, name="held"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
]

from django.urls import path

from twincity.petitions import views

app_name = "petitions"
urlpatterns = [
    *views.views.urls(),
    path("<int:pk>/text/", views.revise_text, name="revise_text"),
    path("sides/<int:pk>/endorse/", views.endorse, name="endorse"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/consider/", views.consider, name="consider"),
    path("<int:pk>/respond/", views.respond, name="respond"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
]

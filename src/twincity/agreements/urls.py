from django.urls import path

from twincity.agreements import views

app_name = "agreements"
urlpatterns = [
    *views.views.urls(),
    path("<int:pk>/renew/", views.renew, name="renew"),
    path("<int:pk>/terminate/", views.terminate, name="terminate"),
    path("<int:pk>/lapse/", views.record_lapse, name="record_lapse"),
    path("documents/<int:pk>/withdraw/", views.withdraw_document, name="withdraw_document"),
    path("<int:pk>/obligations/", views.add_obligation, name="add_obligation"),
    path("obligations/<int:pk>/edit/", views.obligation_edit, name="obligation_edit"),
    path("obligations/<int:pk>/archive/", views.obligation_archive, name="obligation_archive"),
]

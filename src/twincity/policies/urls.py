from django.urls import path

from twincity.policies import views

app_name = "policies"
urlpatterns = [
    *views.policies.urls(),
    *views.groups.urls("groups/"),
    path("clauses/<int:pk>/edit/", views.ClauseEditView.as_view(), name="clause_edit"),
]

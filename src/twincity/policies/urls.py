from django.urls import path

from twincity.policies import views

app_name = "policies"
urlpatterns = [
    *views.policy_views.urls(),
    *views.group_views.urls("groups/"),
    path("<int:pk>/clauses/add/", views.clause_add, name="clause_add"),
    path("clauses/<int:pk>/edit/", views.clause_edit, name="clause_edit"),
    path("clauses/<int:pk>/archive/", views.clause_archive, name="clause_archive"),
    path("groups/<int:pk>/members/add/", views.member_add, name="member_add"),
    path("groups/members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("groups/<int:pk>/status/", views.set_status, name="set_status"),
    path("groups/<int:pk>/resume/", views.resume, name="resume"),
]

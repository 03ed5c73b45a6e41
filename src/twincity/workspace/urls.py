from django.urls import path

from twincity.workspace import search, views

app_name = "workspace"
urlpatterns = [
    path("my-work/", views.my_work, name="my_work"),
    path("search/", search.search_page, name="search"),
]

from django.urls import path

from twincity.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.ObjectChangeListView.as_view(), name="log"),
    path("export.xlsx", views.ObjectChangeExportView.as_view(), name="export"),
]

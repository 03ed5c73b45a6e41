from django.urls import path

from twincity.exchanges import views

app_name = "exchanges"
urlpatterns = [
    *views.views.urls(),
    path("<int:pk>/report/", views.file_report, name="file_report"),
    path("<int:pk>/cut-short/", views.cut_short, name="cut_short"),
    path("<int:pk>/evaluate/", views.evaluate, name="evaluate"),
    path("reports/<int:pk>/edit/", views.edit_report, name="report_edit"),
    path("reports/<int:pk>/archive/", views.archive_report, name="report_archive"),
]

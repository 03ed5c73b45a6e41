from django.urls import path

from twincity.exchanges import views
from twincity.exchanges.register import secondments

app_name = "exchanges"
urlpatterns = [
    *secondments.urls(),
    path("<int:pk>/evaluate/", views.evaluate, name="evaluate"),
    path("reports/<int:pk>/edit/", views.ReportEditView.as_view(), name="report_edit"),
]

from django.contrib.auth.decorators import login_required
from django.urls import path
from django.views.generic import RedirectView

from twincity.matters import views

app_name = "matters"
urlpatterns = [
    path("", views.MatterListView.as_view(), name="list"),
    path("add/", views.MatterCreateView.as_view(), name="add"),
    path("bulk/status/", views.bulk_status, name="bulk_status"),
    path("bulk/roll-over/", views.bulk_roll_over, name="bulk_roll_over"),
    path("export.xlsx", views.MatterExportView.as_view(), name="export"),
    path("export.pdf", views.MatterPdfView.as_view(), name="export_pdf"),
    path("import/", views.import_xlsx, name="import"),
    # My work moved to the workspace (/my-work/); the old address and name still lead there.
    path(
        "my-work/",
        login_required(RedirectView.as_view(pattern_name="workspace:my_work", query_string=True)),
        name="my_work",
    ),
    path("<int:pk>/", views.MatterDetailView.as_view(), name="matter"),
    path("<int:pk>/edit/", views.MatterEditView.as_view(), name="edit"),
    path("<int:pk>/progress/", views.FileProgressView.as_view(), name="file_progress"),
    path("<int:pk>/milestones/", views.AddMilestoneView.as_view(), name="add_milestone"),
    path("<int:pk>/status/", views.ChangeStatusView.as_view(), name="change_status"),
    path("<int:pk>/reopen/", views.ReopenView.as_view(), name="reopen"),
    path("<int:pk>/roll-over/", views.RollOverView.as_view(), name="roll_over"),
    path("<int:pk>/archive/", views.archive, name="archive"),
    path("<int:pk>/notes/", views.AddNoteView.as_view(), name="add_note"),
    path("<int:pk>/history/", views.MatterHistoryView.as_view(), name="history"),
    path("milestones/<int:pk>/close/", views.CloseMilestoneView.as_view(), name="close_milestone"),
    path("milestones/<int:pk>/edit/", views.EditMilestoneView.as_view(), name="edit_milestone"),
    path("milestones/<int:pk>/archive/", views.ArchiveMilestoneView.as_view(), name="archive_milestone"),
    path("reports/<int:pk>/edit/", views.ReportEditView.as_view(), name="edit_report"),
]

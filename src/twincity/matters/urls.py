from django.contrib.auth.decorators import login_required
from django.urls import path
from django.views.generic import RedirectView

from twincity.matters import views

app_name = "matters"
urlpatterns = [
    path("", views.MatterListView.as_view(), name="list"),
    path("add/", views.matter_create, name="add"),
    path("bulk/status/", views.bulk_status, name="bulk_status"),
    path("export.xlsx", views.export_xlsx, name="export"),
    path("import/", views.import_xlsx, name="import"),
    # My work moved to the workspace (/my-work/); the old address and name still lead there.
    path(
        "my-work/",
        login_required(RedirectView.as_view(pattern_name="workspace:my_work", query_string=True)),
        name="my_work",
    ),
    path("<int:pk>/", views.matter_detail, name="matter"),
    path("<int:pk>/edit/", views.matter_edit, name="edit"),
    path("<int:pk>/progress/", views.file_progress, name="file_progress"),
    path("<int:pk>/milestones/", views.add_milestone, name="add_milestone"),
    path("<int:pk>/status/", views.change_status, name="change_status"),
    path("<int:pk>/roll-over/", views.roll_over, name="roll_over"),
    path("<int:pk>/archive/", views.archive, name="archive"),
    path("<int:pk>/notes/", views.add_note, name="add_note"),
    path("milestones/<int:pk>/close/", views.close_milestone, name="close_milestone"),
    path("reports/<int:pk>/edit/", views.edit_report, name="edit_report"),
]

from django.urls import path

from twincity.meetings import views, views_documents

app_name = "meetings"
urlpatterns = [
    path("", views.SessionListView.as_view(), name="index"),
    path("series/add/", views.series_add, name="series_add"),
    path("series/<int:pk>/", views.series_detail, name="series"),
    path("series/<int:pk>/edit/", views.series_edit, name="series_edit"),
    path("series/<int:pk>/generate/", views.generate, name="generate"),
    path("series/<int:pk>/sessions/add/", views.session_add, name="session_add"),
    path("series/<int:pk>/propose/", views.propose, name="propose"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<int:pk>/reschedule/", views.reschedule, name="reschedule"),
    path("sessions/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("sessions/<int:pk>/held/", views.mark_held, name="held"),
    path("sessions/<int:pk>/proposals/", views.add_proposals, name="add_proposals"),
    path("sessions/<int:pk>/items/", views.add_item, name="add_item"),
    path("sessions/<int:pk>/schedule/", views.schedule_item, name="schedule_item"),
    path("sessions/<int:pk>/publish/", views.publish, name="publish"),
    path("sessions/<int:pk>/attendance/", views.attendance_add, name="attendance_add"),
    path("sessions/<int:pk>/outcomes/", views.outcome_add, name="outcome_add"),
    path("sessions/<int:pk>/summary/", views.summary, name="summary"),
    path("sessions/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("sessions/<int:pk>/lock/", views.lock, name="lock"),
    path("sessions/<int:pk>/amend/", views.amend, name="amend"),
    # Documents (built by meetings.documents): the meeting pack and the minutes.
    path("sessions/<int:pk>/pack.pdf", views_documents.pack_pdf, name="pack_pdf"),
    path("sessions/<int:pk>/minutes.pdf", views_documents.minutes_pdf, name="minutes_pdf"),
    path("sessions/<int:pk>/minutes.docx", views_documents.minutes_docx, name="minutes_docx"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:pk>/move/", views.item_move, name="item_move"),
    path("items/<int:pk>/remove/", views.item_remove, name="item_remove"),
    path("items/<int:pk>/withdraw/", views.item_withdraw, name="item_withdraw"),
    path("attendance/<int:pk>/remove/", views.attendance_remove, name="attendance_remove"),
    path("outcomes/<int:pk>/edit/", views.outcome_edit, name="outcome_edit"),
    path("actions/", views.ActionListView.as_view(), name="actions"),
    path("actions/<int:pk>/", views.action_detail, name="action"),
    path("actions/<int:pk>/edit/", views.action_edit, name="action_edit"),
    path("actions/<int:pk>/<slug:step>/", views.action_step, name="action_step"),
]

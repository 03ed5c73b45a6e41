"""Supervision pages: one views module per concern, each with its own ``urlpatterns``."""

from twincity.supervision.views import cases, digests, scoring, sheets, todos

app_name = "supervision"

urlpatterns = [
    *cases.urlpatterns,
    *sheets.urlpatterns,
    *todos.urlpatterns,
    *digests.urlpatterns,
    *scoring.urlpatterns,
]

"""The REST API under /api/: one router, the OpenAPI 3 schema and its browsable documentation."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from twincity.agreements import api as agreements_api
from twincity.core.api import api_docs, not_found
from twincity.exchanges import api as exchanges_api
from twincity.indicators.api import runs as indicator_runs_api
from twincity.indicators.api import statistics as indicator_statistics_api
from twincity.matters.api import MatterViewSet, MilestoneViewSet, ProgressReportViewSet
from twincity.meetings.api import (
    ActionItemViewSet,
    AgendaItemViewSet,
    MeetingSeriesViewSet,
    OutcomeViewSet,
    SessionViewSet,
)
from twincity.notifications import api as notifications_api
from twincity.petitions import api as petitions_api
from twincity.policies import api as policies_api
from twincity.regions.api import OrganisationViewSet, PartnershipViewSet, RegionViewSet
from twincity.siting import api as siting_api
from twincity.supervision import api as supervision_api
from twincity.visits import api as visits_api

app_name = "api"

router = DefaultRouter()
router.register("partnerships", PartnershipViewSet, basename="partnership")
router.register("regions", RegionViewSet, basename="region")
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("matters", MatterViewSet, basename="matter")
router.register("milestones", MilestoneViewSet, basename="milestone")
router.register("progress-reports", ProgressReportViewSet, basename="progress-report")
router.register("meeting-series", MeetingSeriesViewSet, basename="meeting-series")
router.register("sessions", SessionViewSet, basename="session")
router.register("agenda-items", AgendaItemViewSet, basename="agenda-item")
router.register("outcomes", OutcomeViewSet, basename="outcome")
router.register("actions", ActionItemViewSet, basename="action")
# The registers declare their routes (prefix, viewset, basename) in their api.py.
for _module in (
    petitions_api,
    agreements_api,
    visits_api,
    exchanges_api,
    policies_api,
    siting_api,
    supervision_api,
    indicator_statistics_api,
    indicator_runs_api,
):
    for _prefix, _viewset, _basename in _module.ROUTES:
        router.register(_prefix, _viewset, basename=_basename)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", api_docs, name="docs"),
    *router.urls,
    # Personal preferences and the office's outbox and robots: not rows every member reads (notifications/api.py).
    path("notices/", include(notifications_api.urlpatterns)),
    re_path(r"^", not_found),  # last: whatever the router does not match is a JSON 404, not the HTML page
]

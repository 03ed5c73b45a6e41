"""The REST API under /api/: one router, the OpenAPI 3 schema and its browsable documentation."""

from importlib import import_module
from importlib.util import find_spec

from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from twincity.core.api import api_docs
from twincity.matters.api import MatterViewSet, MilestoneViewSet, ProgressReportViewSet
from twincity.meetings.api import (
    ActionItemViewSet,
    AgendaItemViewSet,
    MeetingSeriesViewSet,
    OutcomeViewSet,
    SessionViewSet,
)
from twincity.petitions.api import PetitionViewSet
from twincity.regions.api import OrganisationViewSet, PartnershipViewSet, RegionViewSet

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
router.register("petitions", PetitionViewSet, basename="petition")
# Registers being built declare ROUTES = [(prefix, viewset, basename), ...] in their api.py. TODO(lead): make explicit.
for _app in ("agreements", "visits", "exchanges", "policies", "siting"):
    if find_spec(f"twincity.{_app}") and find_spec(f"twincity.{_app}.api"):
        for _prefix, _viewset, _basename in import_module(f"twincity.{_app}.api").ROUTES:
            router.register(_prefix, _viewset, basename=_basename)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", api_docs, name="docs"),
    *router.urls,
]

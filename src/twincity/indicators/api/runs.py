"""API of the index runs and their results: ``/api/index-runs/`` lists the runs the caller may see (without their
inputs and results), ``/api/index-runs/<id>/`` gives one with its spec and results; ``POST`` starts a run and
``POST /api/index-runs/<id>/publish/`` publishes it (both the office's). Not visible = 404."""

from django.core.exceptions import PermissionDenied, ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as APIPermissionDenied
from rest_framework.exceptions import ValidationError as APIValidationError
from rest_framework.response import Response

from twincity.audit.context import acting
from twincity.core.api import AuditedAPIMixin
from twincity.indicators import runs
from twincity.indicators.models import Framework, IndexRun, ReferencePanel
from twincity.regions.models import Partnership

LIST_FIELDS = ["id", "partnership", "framework", "title", "status", "error", "data_sha256", "started_at",
               "finished_at", "published_at", "created"]  # fmt: skip


class RunListSerializer(serializers.ModelSerializer):
    class Meta:
        model = IndexRun
        fields = LIST_FIELDS
        read_only_fields = fields


class RunSerializer(serializers.ModelSerializer):
    class Meta:
        model = IndexRun
        fields = [*LIST_FIELDS, "spec", "results"]
        read_only_fields = fields


class RunStartSerializer(serializers.Serializer):
    partnership = serializers.PrimaryKeyRelatedField(queryset=Partnership.objects.all())
    framework = serializers.PrimaryKeyRelatedField(queryset=Framework.objects.all())
    title = serializers.CharField(max_length=200)
    regions = serializers.ListField(child=serializers.IntegerField(), min_length=2)
    periods = serializers.ListField(child=serializers.CharField(max_length=7), min_length=1)
    panel = serializers.PrimaryKeyRelatedField(queryset=ReferencePanel.objects.all(), required=False, allow_null=True)
    options = serializers.DictField(required=False)


def _refusal(exc):
    if isinstance(exc, PermissionDenied):
        return APIPermissionDenied(str(exc))
    return APIValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)


class IndexRunViewSet(AuditedAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Index runs 测算: their specification, status and results (the partnership's members read them)."""

    queryset = IndexRun.objects.all()

    def get_queryset(self):
        qs = IndexRun.objects.restrict(self.request.user).order_by("-created", "-pk")
        return qs.defer("inputs", "results") if self.action == "list" else qs.defer("inputs")

    def get_serializer_class(self):
        return RunListSerializer if self.action == "list" else RunSerializer

    @extend_schema(request=RunStartSerializer, responses=RunSerializer)
    def create(self, request):
        """Start a run (the office): it is computed at once and answered with its results."""
        data = RunStartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        try:
            with acting(request.user):
                run = runs.start_run(
                    d["partnership"], d["framework"], title=d["title"], region_ids=d["regions"],
                    periods=d["periods"], panel=d.get("panel"), options=d.get("options") or {}, user=request.user,
                )  # fmt: skip
        except (ValidationError, PermissionDenied) as exc:
            raise _refusal(exc) from exc
        run.refresh_from_db()
        return Response(RunSerializer(run).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=RunSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish a finished run (the office): frozen afterwards."""
        run = self.get_object()
        try:
            with acting(request.user):
                run = runs.publish_run(run, user=request.user)
        except (ValidationError, PermissionDenied) as exc:
            raise _refusal(exc) from exc
        return Response(RunSerializer(run).data)


ROUTES: list = [("index-runs", IndexRunViewSet, "indexrun")]

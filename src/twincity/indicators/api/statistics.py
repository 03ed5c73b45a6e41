"""API of the statistics: data elements, figures (bulk write), indicators, frameworks, reference panels.

Members read; the office writes the definitions (others who see them: 403). Figures are written in bulk
through ``services.record_observations`` (every item valid or nothing written; 400 names each wrong item's
index and field; 403 when an item is another side's); the office finalises, a final figure is revised with
a reason; edits carry the version (``version`` or ``If-Match``) like every other endpoint."""

from __future__ import annotations

import unicodedata

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from twincity.accounts.access import partnerships_for
from twincity.accounts.choices import Action
from twincity.core.api import IF_MATCH, RestrictedViewSetMixin, refuse_unless
from twincity.core.services import lock
from twincity.indicators import services
from twincity.indicators.api.serializers import (
    DataElementSerializer,
    DataElementWriteSerializer,
    FigureBulkResultSerializer,
    FigureBulkSerializer,
    FigureFinaliseSerializer,
    FigureRevisionSerializer,
    FrameworkSerializer,
    FrameworkWriteSerializer,
    IndicatorSerializer,
    IndicatorWriteSerializer,
    ObservationSerializer,
    ReferencePanelSerializer,
)
from twincity.indicators.filtersets import ElementFilterSet, IndicatorFilterSet, ObservationFilterSet
from twincity.indicators.models import DataElement, Framework, Indicator, Observation, ReferencePanel
from twincity.indicators.services import FigureErrors, FigureRow
from twincity.regions.models import Region


class DefinitionViewSet(
    RestrictedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Read by every member; created, edited (PATCH with a version) and archived by the office."""

    http_method_names = ["get", "post", "patch", "head", "options"]
    write_serializer_class = None
    create_service = None
    update_service = None
    archive_service = None

    def respond(self, obj, code=status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=obj.pk)
        data = type(self).serializer_class(fresh, context=self.get_serializer_context()).data
        return Response(data, status=code, headers={"ETag": f'"{fresh.version}"'})

    def create(self, request, *args, **kwargs):
        serializer = self.write_serializer_class(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        partnership = data.pop("partnership", None)
        if partnership is None:
            raise serializers.ValidationError({"partnership": [serializers.Field.default_error_messages["required"]]})
        obj = type(self).create_service(partnership=partnership, user=request.user, **data)
        return self.respond(obj, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        obj = self.get_object()
        refuse_unless(request.user, Action.ADMINISTER, obj)
        serializer = self.write_serializer_class(data=request.data, partial=True, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = self.expected_version(data)
        data.pop("version", None)
        data.pop("partnership", None)
        type(self).update_service(obj, user=request.user, version=version, **data)
        return self.respond(obj)

    @extend_schema(request=None, parameters=[IF_MATCH])
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        """Archive the definition (the office; kept in the history). With If-Match, only the version named."""
        obj = self.get_object()
        refuse_unless(request.user, Action.ADMINISTER, obj)
        if request.headers.get("If-Match"):
            lock(obj, version=self.expected_version())
        type(self).archive_service(obj, user=request.user)
        return self.respond(obj)


class DataElementViewSet(DefinitionViewSet):
    queryset = DataElement.objects.all()
    serializer_class = DataElementSerializer
    write_serializer_class = DataElementWriteSerializer
    filterset_class = ElementFilterSet
    create_service = staticmethod(services.create_element)
    update_service = staticmethod(services.update_element)
    archive_service = staticmethod(services.archive_element)


class IndicatorViewSet(DefinitionViewSet):
    queryset = Indicator.objects.select_related("numerator", "denominator")
    serializer_class = IndicatorSerializer
    write_serializer_class = IndicatorWriteSerializer
    filterset_class = IndicatorFilterSet
    create_service = staticmethod(services.create_indicator)
    update_service = staticmethod(services.update_indicator)
    archive_service = staticmethod(services.archive_indicator)


class FrameworkViewSet(DefinitionViewSet):
    queryset = Framework.objects.prefetch_related("nodes")
    serializer_class = FrameworkSerializer
    write_serializer_class = FrameworkWriteSerializer
    filterset_fields = ["partnership"]
    create_service = staticmethod(services.create_framework)
    update_service = staticmethod(services.update_framework)
    archive_service = staticmethod(services.archive_framework)


class ReferencePanelViewSet(RestrictedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = ReferencePanel.objects.prefetch_related("regions")
    serializer_class = ReferencePanelSerializer
    filterset_fields = ["partnership"]


def _nfkc(text: str) -> str:
    """Full-width digits and letters as people type them on a Chinese keyboard (２０２０Ｑ１ → 2020Q1)."""
    return unicodedata.normalize("NFKC", str(text or "")).strip()


def _region_id(raw: str, codes: dict[str, int]) -> int | None:
    raw = _nfkc(raw)
    if raw.isdigit() and len(raw) < 10:
        return int(raw)
    return codes.get(raw)


class ObservationViewSet(RestrictedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Figures: read by every member (filtered like the figures' page); written in bulk by each side."""

    queryset = Observation.objects.select_related("element", "region")
    serializer_class = ObservationSerializer
    filterset_class = ObservationFilterSet
    filterset_handles_archived = True

    def respond(self, obj) -> Response:
        fresh = self.get_queryset().get(pk=obj.pk)
        data = ObservationSerializer(fresh, context=self.get_serializer_context()).data
        return Response(data, headers={"ETag": f'"{fresh.version}"'})

    @extend_schema(request=FigureBulkSerializer, responses={201: FigureBulkResultSerializer})
    @action(detail=False, methods=["post"], serializer_class=FigureBulkSerializer)
    def bulk(self, request):
        """Record figures in bulk: every item valid or nothing written; 400 names each wrong item's index and
        field; 403 if an item is not the caller's to enter (another side's, or not in their unit's name)."""
        body = request.data
        if isinstance(body, list):
            body = {"figures": body}
        serializer = FigureBulkSerializer(data=body, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        partnerships = partnerships_for(request.user)
        wanted = data.get("partnership")
        partnership = next((p for p in partnerships if wanted in (None, p.pk)), None)
        if partnership is None:
            raise Http404
        codes = dict(Region.objects.filter(archived_at__isnull=True).values_list("code", "pk"))
        rows, versions, errors = [], {}, []
        for index, item in enumerate(data["figures"]):
            region = _region_id(item["region"], codes)
            if region is None:
                errors.append({"index": index, "field": "region", "message": _("no such region")})
                continue
            rows.append(
                FigureRow(
                    element=_nfkc(item["element"]),
                    region=region,
                    period=_nfkc(item["period"]),
                    value=item["value"],
                    source=item.get("source", ""),
                    note=item.get("note", ""),
                    line=index,
                )
            )
            if "version" in item:
                versions[index] = item["version"]
        if not errors:
            try:
                outcome = services.record_observations_checked(partnership, rows, user=request.user, versions=versions)
            except FigureErrors as exc:
                errors = [{"index": e.line, "field": _field_name(e.column), "message": e.message} for e in exc.errors]
        if errors:
            errors.sort(key=lambda e: e["index"])
            return Response(
                {"detail": _("Nothing was recorded: correct the items listed."), "errors": errors},
                status=status.HTTP_400_BAD_REQUEST,
            )
        result = {
            "created": len(outcome.created),
            "updated": len(outcome.updated),
            "unchanged": outcome.unchanged,
            "ids": [o.pk for o in [*outcome.created, *outcome.updated]],
        }
        return Response(result, status=status.HTTP_201_CREATED)

    @extend_schema(request=FigureFinaliseSerializer, parameters=[IF_MATCH], responses=ObservationSerializer)
    @action(detail=True, methods=["post"], serializer_class=FigureFinaliseSerializer)
    def finalise(self, request, pk=None):
        """Finalise a provisional figure (the office; 403 for others). With a version, only that version."""
        obs = self.get_object()
        refuse_unless(request.user, Action.ADMINISTER, obs)
        serializer = FigureFinaliseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if serializer.validated_data.get("version") or request.headers.get("If-Match"):
            lock(obs, version=self.expected_version(serializer.validated_data))
        if services.finalise(obs.partnership, [obs], user=request.user) == 0:
            raise serializers.ValidationError({"non_field_errors": [_("This figure is not provisional.")]})
        return self.respond(obs)

    @extend_schema(request=FigureRevisionSerializer, parameters=[IF_MATCH], responses=ObservationSerializer)
    @action(detail=True, methods=["post"], serializer_class=FigureRevisionSerializer)
    def revise(self, request, pk=None):
        """Revise a final figure with the reason (its side or the office); needs the version edited."""
        obs = self.get_object()
        refuse_unless(request.user, Action.REPORT, obs)
        serializer = FigureRevisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        version = self.expected_version(data)
        services.revise(obs, value=data["value"], reason=data["reason"], user=request.user, version=version)
        return self.respond(obs)

    @extend_schema(request=None, parameters=[IF_MATCH], responses=ObservationSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Withdraw a provisional figure entered by mistake (kept, archived); a final one is revised instead."""
        obs = self.get_object()
        refuse_unless(request.user, Action.REPORT, obs)
        version = self.expected_version() if request.headers.get("If-Match") else None
        services.archive_observation(obs, user=request.user, version=version)
        return self.respond(obs)


def _field_name(column: str) -> str:
    """The API's field name for a column a service names in the user's language."""
    for name in ("element", "region", "period", "value"):
        label = {"element": _("data element"), "region": _("region"), "period": _("period"), "value": _("value")}[name]
        if column == label:
            return name
    return column


ROUTES: list = [
    ("indicator-elements", DataElementViewSet, "indicator-element"),
    ("indicator-figures", ObservationViewSet, "indicator-figure"),
    ("indicators", IndicatorViewSet, "indicator"),
    ("indicator-frameworks", FrameworkViewSet, "indicator-framework"),
    ("indicator-panels", ReferencePanelViewSet, "indicator-panel"),
]

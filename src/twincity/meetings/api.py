"""Meeting series, sessions, agenda items, outcomes and actions over the API.

Thin like the pages: reads through ``restrict``, writes through ``meetings.services`` (which decide
who may do what and leave the audit trail). Router lines (in ``api_urls.py``)::

    router.register("meeting-series", MeetingSeriesViewSet, basename="meeting-series")
    router.register("sessions", SessionViewSet, basename="session")
    router.register("agenda-items", AgendaItemViewSet, basename="agenda-item")
    router.register("outcomes", OutcomeViewSet, basename="outcome")
    router.register("actions", ActionItemViewSet, basename="action")
"""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from twincity.core.api import RestrictedPrimaryKeyRelatedField, RestrictedViewSetMixin
from twincity.matters.models import Matter
from twincity.meetings import services
from twincity.meetings.choices import ActionLight, OutcomeKind
from twincity.meetings.filtersets import (
    ActionFilterSet,
    AgendaItemFilterSet,
    MeetingSeriesFilterSet,
    OutcomeFilterSet,
    SessionFilterSet,
)
from twincity.meetings.models import ActionItem, ActionOwner, ActionUpdate, AgendaItem, MeetingSeries, Outcome, Session
from twincity.meetings.services import SERIES_FIELDS
from twincity.regions.models import Organisation, Region

# ------------------------------------------------------------------------------------------------ read


class MeetingSeriesSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = MeetingSeries
        fields = ["id", "partnership", *SERIES_FIELDS, "kind_label", "version", "archived_at"]
        read_only_fields = fields


class SessionSerializer(serializers.ModelSerializer):
    host_name = serializers.CharField(source="host.name", read_only=True)
    ends_at = serializers.DateTimeField(read_only=True)

    class Meta:
        model = Session
        fields = [
            "id",
            "series",
            "partnership",
            "number",
            "host",
            "host_name",
            "host_fixed",
            "starts_at",
            "ends_at",
            "duration_minutes",
            "venue",
            "chair",
            "secretariat",
            "status",
            "cancelled_reason",
            "agenda_published_at",
            "minutes_status",
            "minutes_summary",
            "minutes_locked_at",
            "version",
        ]
        read_only_fields = fields


class AgendaItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgendaItem
        fields = [
            "id",
            "series",
            "session",
            "status",
            "source",
            "order",
            "title",
            "description",
            "presenter",
            "side",
            "organisation",
            "duration_minutes",
            "matter",
            "action",
            "version",
        ]
        read_only_fields = fields


class OutcomeSerializer(serializers.ModelSerializer):
    actions = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Outcome
        fields = ["id", "session", "item", "kind", "number", "text", "actions", "version", "created"]
        read_only_fields = fields


class ActionOwnerSerializer(serializers.Serializer):
    organisation = serializers.IntegerField(source="organisation_id", read_only=True)
    name = serializers.CharField(source="organisation.name", read_only=True)
    side = serializers.IntegerField(source="side_id", read_only=True)


class ActionUpdateSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", read_only=True, default=None)

    class Meta:
        model = ActionUpdate
        fields = ["id", "kind", "text", "on", "author", "organisation", "created"]
        read_only_fields = fields


class ActionItemSerializer(serializers.ModelSerializer):
    owners = ActionOwnerSerializer(many=True, read_only=True)
    updates = ActionUpdateSerializer(many=True, read_only=True)
    light = serializers.SerializerMethodField()

    class Meta:
        model = ActionItem
        fields = [
            "id",
            "partnership",
            "session",
            "outcome",
            "code",
            "title",
            "description",
            "due_date",
            "status",
            "light",
            "matter",
            "owners",
            "acknowledged_at",
            "last_feedback_on",
            "reported_done_at",
            "verified_at",
            "updates",
            "version",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=ActionLight.choices))
    def get_light(self, obj) -> str:
        light = getattr(obj, "light", None)
        if light is None:
            light = ActionItem.objects.with_light().values_list("light", flat=True).get(pk=obj.pk)
        return light


class ReadOnly(RestrictedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    pass


class MeetingSeriesViewSet(ReadOnly):
    """The partnership's standing meetings."""

    queryset = MeetingSeries.objects.order_by("partnership", "kind", "pk")
    serializer_class = MeetingSeriesSerializer
    filterset_class = MeetingSeriesFilterSet


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class SessionViewSet(ReadOnly):
    """Numbered sessions with their host; publishing and cancelling go through the services."""

    queryset = Session.objects.select_related("host").order_by("starts_at", "pk")
    serializer_class = SessionSerializer
    filterset_class = SessionFilterSet

    def respond(self, session) -> Response:
        fresh = self.get_queryset().get(pk=session.pk)
        return Response(SessionSerializer(fresh, context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses=SessionSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish the agenda to both sides (open actions are carried onto it) and freeze it."""
        session = self.get_object()
        services.publish_agenda(session, user=request.user)
        return self.respond(session)

    @extend_schema(request=ReasonSerializer, responses=SessionSerializer)
    @action(detail=True, methods=["post"], serializer_class=ReasonSerializer)
    def cancel(self, request, pk=None):
        """Cancel the session; its host hosts the next one."""
        session = self.get_object()
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.cancel_session(session, user=request.user, reason=serializer.validated_data["reason"])
        return self.respond(session)


class ProposeSerializer(serializers.Serializer):
    series = RestrictedPrimaryKeyRelatedField(queryset=MeetingSeries.objects.all())
    side = RestrictedPrimaryKeyRelatedField(queryset=Region.objects.all())
    title = serializers.CharField(max_length=300)
    presenter = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    duration_minutes = serializers.IntegerField(min_value=1, max_value=600, default=10)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    matter = RestrictedPrimaryKeyRelatedField(queryset=Matter.objects.all(), required=False, allow_null=True)


class AgendaItemViewSet(ReadOnly):
    """Items of the series backlogs and of the sessions' agendas; a side proposes with POST."""

    queryset = AgendaItem.objects.order_by("series", "session", "order", "pk")
    serializer_class = AgendaItemSerializer
    filterset_class = AgendaItemFilterSet
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(request=ProposeSerializer, responses={201: AgendaItemSerializer})
    def create(self, request, *args, **kwargs):
        serializer = ProposeSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        series, side, title = data.pop("series"), data.pop("side"), data.pop("title")
        item = services.propose_item(series, user=request.user, title=title, side=side, **data)
        fresh = self.get_queryset().get(pk=item.pk)
        return Response(AgendaItemSerializer(fresh).data, status=status.HTTP_201_CREATED)


class OutcomeCreateSerializer(serializers.Serializer):
    session = RestrictedPrimaryKeyRelatedField(queryset=Session.objects.all())
    item = RestrictedPrimaryKeyRelatedField(queryset=AgendaItem.objects.all(), required=False, allow_null=True)
    kind = serializers.ChoiceField(choices=OutcomeKind.choices)
    text = serializers.CharField()
    action_title = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    owners = RestrictedPrimaryKeyRelatedField(queryset=Organisation.objects.all(), many=True, required=False)
    due_date = serializers.DateField(required=False, allow_null=True)
    matter = RestrictedPrimaryKeyRelatedField(queryset=Matter.objects.all(), required=False, allow_null=True)
    new_matter_title = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class OutcomeViewSet(ReadOnly):
    """What the sessions concluded; the secretariat records an outcome (and the action it creates) with POST."""

    queryset = Outcome.objects.prefetch_related("actions").order_by("session", "pk")
    serializer_class = OutcomeSerializer
    filterset_class = OutcomeFilterSet
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(request=OutcomeCreateSerializer, responses={201: OutcomeSerializer})
    def create(self, request, *args, **kwargs):
        serializer = OutcomeCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        spec = None
        if data.get("owners") or data.get("due_date") or data["kind"] == OutcomeKind.ACTION:
            spec = services.ActionSpec(
                title=data["action_title"] or data["text"][:300],
                due_date=data.get("due_date"),
                owners=list(data.get("owners") or []),
                matter=data.get("matter"),
                new_matter_title=data["new_matter_title"],
            )
        outcome = services.record_outcome(
            data["session"], user=request.user, kind=data["kind"], text=data["text"], item=data.get("item"), action=spec
        )
        fresh = self.get_queryset().get(pk=outcome.pk)
        return Response(OutcomeSerializer(fresh).data, status=status.HTTP_201_CREATED)


class StepSerializer(serializers.Serializer):
    text = serializers.CharField(required=False, allow_blank=True, default="")


class ActionItemViewSet(ReadOnly):
    """Supervised actions with their light and history; each step of the cycle is a POST."""

    queryset = ActionItem.objects.order_by("due_date", "pk")
    serializer_class = ActionItemSerializer
    filterset_class = ActionFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .with_light()
            .prefetch_related(
                Prefetch("owners", queryset=ActionOwner.objects.select_related("organisation")),
                Prefetch("updates", queryset=ActionUpdate.objects.select_related("author").order_by("created", "pk")),
            )
        )

    def _step(self, request, call):
        item = self.get_object()
        serializer = StepSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        call(item, request.user, serializer.validated_data["text"])
        fresh = self.get_queryset().get(pk=item.pk)
        return Response(ActionItemSerializer(fresh, context=self.get_serializer_context()).data)

    @extend_schema(request=StepSerializer, responses=ActionItemSerializer)
    @action(detail=True, methods=["post"], serializer_class=StepSerializer)
    def acknowledge(self, request, pk=None):
        return self._step(request, lambda a, u, t: services.acknowledge_action(a, user=u, note=t))

    @extend_schema(request=StepSerializer, responses=ActionItemSerializer)
    @action(detail=True, methods=["post"], serializer_class=StepSerializer)
    def feedback(self, request, pk=None):
        return self._step(request, lambda a, u, t: services.feed_back(a, user=u, text=t))

    @extend_schema(request=StepSerializer, responses=ActionItemSerializer)
    @action(detail=True, methods=["post"], serializer_class=StepSerializer, url_path="report-done")
    def report_done(self, request, pk=None):
        return self._step(request, lambda a, u, t: services.report_done(a, user=u, text=t))

    @extend_schema(request=StepSerializer, responses=ActionItemSerializer)
    @action(detail=True, methods=["post"], serializer_class=StepSerializer)
    def verify(self, request, pk=None):
        return self._step(request, lambda a, u, t: services.verify_action(a, user=u, note=t))

    @extend_schema(request=StepSerializer, responses=ActionItemSerializer)
    @action(detail=True, methods=["post"], serializer_class=StepSerializer, url_path="return")
    def return_to_owner(self, request, pk=None):
        return self._step(request, lambda a, u, t: services.return_action(a, user=u, reason=t))

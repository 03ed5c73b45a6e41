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

from twincity.accounts.choices import Action
from twincity.core.api import (
    IF_MATCH,
    RestrictedPrimaryKeyRelatedField,
    RestrictedViewSetMixin,
    VersionField,
    refuse_unless,
)
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
from twincity.meetings.services import SERIES_FIELDS, SESSION_FIELDS
from twincity.regions.models import Organisation, Partnership, Region
from twincity.supervision.choices import Rating

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


class SeriesWriteSerializer(serializers.ModelSerializer):
    """A series to create (``partnership`` and ``name`` required) or edit (any of its fields, with ``version``)."""

    partnership = RestrictedPrimaryKeyRelatedField(queryset=Partnership.objects.all(), required=False)
    first_host = RestrictedPrimaryKeyRelatedField(queryset=Region.objects.all(), required=False, allow_null=True)
    version = VersionField()

    class Meta:
        model = MeetingSeries
        fields = ["partnership", *SERIES_FIELDS, "version"]
        extra_kwargs = {name: {"required": False} for name in SERIES_FIELDS}


class GenerateSerializer(serializers.Serializer):
    count = serializers.IntegerField(min_value=1, max_value=24, default=3)


class WritableMixin(mixins.CreateModelMixin, mixins.UpdateModelMixin):
    """Create and PATCH (with the version the client read) through the services; never PUT, never DELETE."""

    http_method_names = ["get", "post", "patch", "head", "options"]

    def respond(self, obj, code=status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=obj.pk)
        data = type(self).serializer_class(fresh, context=self.get_serializer_context()).data
        return Response(data, status=code, headers={"ETag": f'"{fresh.version}"'})

    def validated(self, serializer_class, **kwargs) -> dict:
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context(), **kwargs)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


def _required(data: dict, *names: str) -> None:
    missing = {name: [serializers.Field.default_error_messages["required"]] for name in names if not data.get(name)}
    if missing:
        raise serializers.ValidationError(missing)


class MeetingSeriesViewSet(WritableMixin, ReadOnly):
    """The partnership's standing meetings: the office creates and edits them and plans their sessions."""

    queryset = MeetingSeries.objects.order_by("partnership", "kind", "pk")
    serializer_class = MeetingSeriesSerializer
    filterset_class = MeetingSeriesFilterSet

    @extend_schema(request=SeriesWriteSerializer, responses={201: MeetingSeriesSerializer})
    def create(self, request, *args, **kwargs):
        data = self.validated(SeriesWriteSerializer)
        data.pop("version", None)
        _required(data, "partnership", "name")
        series = services.create_series(user=request.user, **data)
        return self.respond(series, status.HTTP_201_CREATED)

    @extend_schema(request=SeriesWriteSerializer, responses=MeetingSeriesSerializer, parameters=[IF_MATCH])
    def partial_update(self, request, *args, **kwargs):
        series = self.get_object()
        refuse_unless(request.user, Action.CHANGE, series)
        data = self.validated(SeriesWriteSerializer, partial=True)
        version = self.expected_version(data)
        data.pop("version", None)
        data.pop("partnership", None)  # a series does not move between partnerships
        services.update_series(series, user=request.user, version=version, **data)
        return self.respond(series)

    @extend_schema(request=GenerateSerializer, responses={201: SessionSerializer(many=True)})
    @action(detail=True, methods=["post"], serializer_class=GenerateSerializer)
    def generate(self, request, pk=None):
        """Plan the next ``count`` sessions (1–24) on the series' cadence, hosts in rotation."""
        series = self.get_object()
        refuse_unless(request.user, Action.CHANGE, series)
        created = services.generate_sessions(series, user=request.user, **self.validated(GenerateSerializer))
        sessions = Session.objects.select_related("host").filter(pk__in=[s.pk for s in created]).order_by("starts_at")
        data = SessionSerializer(sessions, many=True, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class SessionCreateSerializer(serializers.Serializer):
    """A session added by hand; its host follows the rotation (choose another one by PATCH)."""

    series = RestrictedPrimaryKeyRelatedField(queryset=MeetingSeries.objects.all())
    starts_at = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField(min_value=15, max_value=24 * 60, required=False)
    venue = serializers.CharField(required=False, allow_blank=True)
    chair = serializers.CharField(required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True)


class SessionUpdateSerializer(serializers.ModelSerializer):
    host = RestrictedPrimaryKeyRelatedField(queryset=Region.objects.all(), required=False)
    secretariat = RestrictedPrimaryKeyRelatedField(queryset=Organisation.objects.all(), required=False, allow_null=True)
    version = VersionField()

    class Meta:
        model = Session
        fields = [*SESSION_FIELDS, "version"]
        extra_kwargs = {name: {"required": False} for name in SESSION_FIELDS}


class RescheduleSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    version = VersionField()


class SessionViewSet(WritableMixin, ReadOnly):
    """Numbered sessions with their host: added, edited, rescheduled, published and cancelled through the
    services (the office plans them; the host side's coordinator edits its session)."""

    queryset = Session.objects.select_related("host").order_by("starts_at", "pk")
    serializer_class = SessionSerializer
    filterset_class = SessionFilterSet

    @extend_schema(request=SessionCreateSerializer, responses={201: SessionSerializer})
    def create(self, request, *args, **kwargs):
        data = self.validated(SessionCreateSerializer)
        series = data.pop("series")
        refuse_unless(request.user, Action.CHANGE, series)
        session = services.add_session(series, user=request.user, **data)
        return self.respond(session, status.HTTP_201_CREATED)

    @extend_schema(request=SessionUpdateSerializer, responses=SessionSerializer, parameters=[IF_MATCH])
    def partial_update(self, request, *args, **kwargs):
        session = self.get_object()
        refuse_unless(request.user, Action.CHANGE, session)
        data = self.validated(SessionUpdateSerializer, partial=True)
        version = self.expected_version(data)
        data.pop("version", None)
        services.update_session(session, user=request.user, version=version, **data)
        return self.respond(session)

    @extend_schema(request=RescheduleSerializer, responses=SessionSerializer, parameters=[IF_MATCH])
    @action(detail=True, methods=["post"], serializer_class=RescheduleSerializer)
    def reschedule(self, request, pk=None):
        """Move a planned session (between its neighbours); the host stays, the reason is recorded."""
        session = self.get_object()
        refuse_unless(request.user, Action.CHANGE, session)
        data = self.validated(RescheduleSerializer)
        version = self.expected_version(data)
        services.reschedule_session(
            session, user=request.user, starts_at=data["starts_at"], reason=data["reason"], version=version
        )
        return self.respond(session)

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
        refuse_unless(request.user, Action.CHANGE, session)
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
    rating = serializers.ChoiceField(
        choices=Rating.choices, required=False, allow_blank=True, default="", help_text="verify: the office's rating"
    )


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

    def _step(self, request, call, **extra):
        item = self.get_object()
        serializer = StepSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        call(item, request.user, serializer.validated_data["text"], **extra)
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
        rating = str(request.data.get("rating") or "") if hasattr(request.data, "get") else ""
        return self._step(request, lambda a, u, t: services.verify_action(a, user=u, note=t, rating=rating))

    @extend_schema(request=StepSerializer, responses=ActionItemSerializer)
    @action(detail=True, methods=["post"], serializer_class=StepSerializer, url_path="return")
    def return_to_owner(self, request, pk=None):
        return self._step(request, lambda a, u, t: services.return_action(a, user=u, reason=t))

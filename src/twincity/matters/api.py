"""Key cooperation matters, their milestones and progress reports over the API.

Thin on purpose: every write goes through ``matters.services`` (which check access, keep the
derived dates and leave the audit trail); every read through ``restrict``. The list of matters is
one query for the page plus one per related list, however many rows it holds.
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, Prefetch, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from twincity.accounts.choices import Action
from twincity.core.api import (
    IF_MATCH,
    LeanListMixin,
    RestrictedPrimaryKeyRelatedField,
    RestrictedViewSetMixin,
    VersionField,
    json_date,
    json_datetime,
    refuse_unless,
)
from twincity.core.models import Attachment
from twincity.matters import services
from twincity.matters.choices import Light, MatterStatus, OwnerRole
from twincity.matters.filtersets import MatterFilterSet, MilestoneFilterSet, ProgressReportFilterSet
from twincity.matters.health import explain
from twincity.matters.models import Matter, MatterOwner, MatterSide, Milestone, ProgressReport
from twincity.regions.models import Field, Organisation, Partnership, PartnershipRegion, Region

# ------------------------------------------------------------------------------------------------ matters


_SIDE_VALUES = (
    "matter_id", "region_id", "region__name", "region__short_name", "responsible_leader", "percent_complete",
    "last_reported_on",
)  # fmt: skip


def _side_rotation():
    return PartnershipRegion.objects.filter(
        partnership=OuterRef("matter__partnership"), region=OuterRef("region")
    ).values("rotation_order")[:1]


def matter_read_queryset(queryset):
    """Matters with everything the serializer reads, in a fixed number of queries."""
    sides = (
        MatterSide.objects.select_related("region")
        .annotate(rotation=Subquery(_side_rotation()))
        .order_by("rotation", "pk")
    )
    owners = MatterOwner.objects.select_related("organisation").order_by("role", "pk")
    return (
        queryset.with_light()
        .select_related("year_list", "field")
        .prefetch_related(
            Prefetch("sides", queryset=sides, to_attr="api_sides"),
            Prefetch("owners", queryset=owners, to_attr="api_owners"),
        )
    )


class OwnerSerializer(serializers.Serializer):
    organisation = serializers.IntegerField(source="organisation_id", read_only=True)
    name = serializers.CharField(source="organisation.name", read_only=True)
    role = serializers.ChoiceField(choices=OwnerRole.choices, read_only=True)


class MatterSideSerializer(serializers.Serializer):
    """One side's half of a matter: its leader, its own percent, and its lead and supporting units."""

    region = serializers.IntegerField(source="region_id", read_only=True)
    name = serializers.CharField(source="region.name", read_only=True)
    short_name = serializers.CharField(source="region.short_name", read_only=True)
    responsible_leader = serializers.CharField(read_only=True)
    percent_complete = serializers.IntegerField(read_only=True)
    last_reported_on = serializers.DateField(read_only=True, allow_null=True)  # no report yet
    owners = OwnerSerializer(source="api_side_owners", many=True, read_only=True)


class MatterSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="year_list.year", read_only=True)
    field_name = serializers.CharField(source="field.name", read_only=True, default=None, allow_null=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    light = serializers.SerializerMethodField()
    sides = serializers.SerializerMethodField()

    class Meta:
        model = Matter
        fields = [
            "id",
            "partnership",
            "year",
            "code",
            "title",
            "field",
            "field_name",
            "goal",
            "description",
            "status",
            "status_label",
            "light",
            "start_date",
            "due_date",
            "percent_complete",
            "next_milestone_due",
            "completion_requested_at",
            "completed_on",
            "sides",
            "version",
            "archived_at",
            "created",
            "last_updated",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=Light.choices))
    def get_light(self, matter) -> str:
        # Annotated by the database on lists; a record read another way gets the same verdict in Python.
        light = getattr(matter, "light", None)
        return light if light is not None else explain(matter, timezone.localdate()).light

    @extend_schema_field(MatterSideSerializer(many=True))
    def get_sides(self, matter) -> list:
        sides = getattr(matter, "api_sides", None)
        owners = getattr(matter, "api_owners", None)
        if sides is None:
            sides = list(matter.sides.select_related("region"))
        if owners is None:
            owners = list(matter.owners.select_related("organisation"))
        for side in sides:
            side.api_side_owners = [o for o in owners if o.side_id == side.region_id]
        return MatterSideSerializer(sides, many=True, context=self.context).data


_LIST_FIELDS = (
    "id", "partnership_id", "year", "code", "title", "field_id", "goal", "description", "status", "light", "start_date",
    "due_date", "percent_complete", "next_milestone_due", "completion_requested_at", "completed_on", "version",
    "archived_at", "created", "last_updated",
)  # fmt: skip


def matter_list_queryset(queryset):
    """The list's matters as plain values (no model instance per row): what ``matter_rows`` reads. No join: the
    count of the page then reads the matters alone (``year`` is kept equal to its list's; the field's name is a
    subquery on the page's rows)."""
    field_name = Field.objects.filter(pk=OuterRef("field_id")).values("name")[:1]
    return queryset.with_light().values(*_LIST_FIELDS, field_name=Subquery(field_name))


def matter_rows(rows: list[dict]) -> list[dict]:
    """``MatterSerializer(matters, many=True).data`` without serializers or model instances: the page's rows of
    ``matter_list_queryset``, their sides and owners read as values in one query each for the whole page (the
    list's answers; ``matters/tests/test_api_lean.py`` compares the two)."""
    ids = [row["id"] for row in rows]
    sides, owners = defaultdict(list), defaultdict(list)
    if ids:
        for matter_id, side_id, org_id, name, role in (
            MatterOwner.objects.filter(matter_id__in=ids)
            .order_by("role", "pk")
            .values_list("matter_id", "side_id", "organisation_id", "organisation__name", "role")
        ):
            owners[matter_id, side_id].append({"organisation": org_id, "name": name, "role": role})
        for matter_id, region_id, name, short_name, leader, percent, reported in (
            MatterSide.objects.filter(matter_id__in=ids)
            .annotate(rotation=Subquery(_side_rotation()))
            .order_by("rotation", "pk")
            .values_list(*_SIDE_VALUES)
        ):
            sides[matter_id].append(
                {
                    "region": region_id,
                    "name": name,
                    "short_name": short_name,
                    "responsible_leader": leader,
                    "percent_complete": percent,
                    "last_reported_on": json_date(reported),
                    "owners": owners.get((matter_id, region_id), []),
                }
            )
    labels = dict(MatterStatus.choices)
    return [
        {
            "id": row["id"],
            "partnership": row["partnership_id"],
            "year": row["year"],
            "code": row["code"],
            "title": row["title"],
            "field": row["field_id"],
            "field_name": row["field_name"],
            "goal": row["goal"],
            "description": row["description"],
            "status": row["status"],
            "status_label": str(labels.get(row["status"], row["status"])),
            "light": row["light"],
            "start_date": json_date(row["start_date"]),
            "due_date": json_date(row["due_date"]),
            "percent_complete": row["percent_complete"],
            "next_milestone_due": json_date(row["next_milestone_due"]),
            "completion_requested_at": json_datetime(row["completion_requested_at"]),
            "completed_on": json_date(row["completed_on"]),
            "sides": sides.get(row["id"], []),
            "version": row["version"],
            "archived_at": json_datetime(row["archived_at"]),
            "created": json_datetime(row["created"]),
            "last_updated": json_datetime(row["last_updated"]),
        }
        for row in rows
    ]


class OwnerInputSerializer(serializers.Serializer):
    organisation = RestrictedPrimaryKeyRelatedField(queryset=Organisation.objects.all())
    role = serializers.ChoiceField(choices=OwnerRole.choices, default=OwnerRole.LEAD)


class LeaderInputSerializer(serializers.Serializer):
    region = RestrictedPrimaryKeyRelatedField(queryset=Region.objects.all())
    name = serializers.CharField(max_length=100, allow_blank=True)


class MatterWriteSerializer(serializers.Serializer):
    """What a person edits on a matter: its own fields, the owning units and each side's leader."""

    code = serializers.CharField(max_length=30, required=False)
    title = serializers.CharField(max_length=300)
    field = RestrictedPrimaryKeyRelatedField(queryset=Field.objects.all(), required=False, allow_null=True)
    goal = serializers.CharField(required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    start_date = serializers.DateField(required=False, allow_null=True)
    due_date = serializers.DateField(required=False, allow_null=True)
    owners = OwnerInputSerializer(
        many=True,
        required=False,
        help_text=gettext_lazy("The owning units, all of them: units left out stop owning the matter."),
    )
    leaders = LeaderInputSerializer(many=True, required=False)

    def partnership_of(self, attrs) -> Partnership:
        raise NotImplementedError

    def validate(self, attrs):
        partnership = self.partnership_of(attrs)
        field = attrs.get("field")
        if field is not None and field.partnership_id != partnership.pk:
            raise serializers.ValidationError({"field": _("This field belongs to another partnership.")})
        side_ids = set(partnership.memberships.values_list("region_id", flat=True))
        if any(leader["region"].pk not in side_ids for leader in attrs.get("leaders", ())):
            raise serializers.ValidationError({"leaders": _("Leaders are named for the sides of the partnership.")})
        return attrs  # the dates are the model's rule (Matter.clean): the services refuse them, a 400 on due_date

    @staticmethod
    def owner_specs(attrs) -> list[services.OwnerSpec] | None:
        if "owners" not in attrs:
            return None
        return [services.OwnerSpec(o["organisation"], o["role"]) for o in attrs["owners"]]

    @staticmethod
    def leader_names(attrs) -> dict[int, str] | None:
        if "leaders" not in attrs:
            return None
        return {leader["region"].pk: leader["name"] for leader in attrs["leaders"]}


class MatterCreateSerializer(MatterWriteSerializer):
    partnership = RestrictedPrimaryKeyRelatedField(queryset=Partnership.objects.all())
    year = serializers.IntegerField(min_value=2000, max_value=2100)

    def partnership_of(self, attrs):
        return attrs["partnership"]


class MatterUpdateSerializer(MatterWriteSerializer):
    version = VersionField()

    def partnership_of(self, attrs):
        return self.context["matter"].partnership


class StatusChangeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=MatterStatus.choices, help_text=gettext_lazy("The status to move to."))
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    version = VersionField()


class ReopenSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000, help_text=gettext_lazy("Why the matter is reopened."))
    version = VersionField()


class MatterViewSet(
    LeanListMixin, RestrictedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Key cooperation matters (重点合作事项): the rolling annual list, filtered like the list page."""

    queryset = Matter.objects.order_by("year", "code", "pk")
    serializer_class = MatterSerializer
    lean_queryset = staticmethod(matter_list_queryset)
    list_rows = staticmethod(matter_rows)
    filterset_class = MatterFilterSet
    filterset_handles_archived = True
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            queryset = matter_read_queryset(queryset)  # the list's rows are values (matter_list_queryset)
        # Writes get plain rows: the services must not read relations from a stale prefetch cache.
        return queryset

    def read(self, pk: int) -> dict:
        matter = matter_read_queryset(Matter.objects.restrict(self.request.user, Action.VIEW)).get(pk=pk)
        return MatterSerializer(matter, context=self.get_serializer_context()).data

    def respond(self, matter, code=status.HTTP_200_OK) -> Response:
        data = self.read(matter.pk)
        return Response(data, status=code, headers={"ETag": f'"{data["version"]}"'})

    def conflict_representation(self, current):
        return self.read(current.pk)

    @extend_schema(request=MatterCreateSerializer, responses={201: MatterSerializer})
    def create(self, request, *args, **kwargs):
        serializer = MatterCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        owners = serializer.owner_specs(data) or []
        leaders = serializer.leader_names(data) or {}
        for name in ("owners", "leaders"):
            data.pop(name, None)
        matter = services.create_matter(
            partnership=data.pop("partnership"),
            year=data.pop("year"),
            title=data.pop("title"),
            code=data.pop("code", None) or None,
            user=request.user,
            owners=owners,
            leaders=leaders,
            **data,
        )
        return self.respond(matter, status.HTTP_201_CREATED)

    @extend_schema(request=MatterUpdateSerializer, responses=MatterSerializer, parameters=[IF_MATCH])
    def partial_update(self, request, *args, **kwargs):
        matter = self.get_object()
        refuse_unless(request.user, Action.CHANGE, matter)
        context = {**self.get_serializer_context(), "matter": matter}
        serializer = MatterUpdateSerializer(data=request.data, partial=True, context=context)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = self.expected_version(data)
        owners, leaders = serializer.owner_specs(data), serializer.leader_names(data)
        for name in ("version", "owners", "leaders"):
            data.pop(name, None)
        services.update_matter(matter, user=request.user, version=version, owners=owners, leaders=leaders, **data)
        return self.respond(matter)

    @extend_schema(request=StatusChangeSerializer, responses=MatterSerializer, parameters=[IF_MATCH])
    @action(detail=True, methods=["post"], url_path="status", serializer_class=StatusChangeSerializer)
    def change_status(self, request, pk=None):
        """Move the matter along its workflow (completion is confirmed by the office or a leader)."""
        matter = self.get_object()
        serializer = StatusChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        version = self.expected_version(data)
        services.change_status(matter, data["status"], user=request.user, reason=data["reason"], version=version)
        return self.respond(matter)

    @extend_schema(request=ReopenSerializer, responses=MatterSerializer, parameters=[IF_MATCH])
    @action(detail=True, methods=["post"], serializer_class=ReopenSerializer)
    def reopen(self, request, pk=None):
        """Reopen a completed matter, saying why (a leader or the office); its supervised item is open again."""
        matter = self.get_object()
        serializer = ReopenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        version = self.expected_version(data)
        services.reopen_matter(matter, user=request.user, reason=data["reason"], version=version)
        return self.respond(matter)

    @extend_schema(request=None, responses=MatterSerializer)
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        """Archive the matter (the office's records are never deleted)."""
        matter = self.get_object()
        refuse_unless(request.user, Action.CHANGE, matter)
        services.archive_matter(matter, user=request.user)
        return self.respond(matter)


# --------------------------------------------------------------------------------------------- milestones


class MilestoneSerializer(serializers.ModelSerializer):
    side_name = serializers.CharField(source="side.name", read_only=True)
    is_open = serializers.SerializerMethodField()

    class Meta:
        model = Milestone
        fields = [
            "id",
            "matter",
            "side",
            "side_name",
            "title",
            "due_date",
            "done_date",
            "evidence",
            "is_open",
            "version",
            "archived_at",
            "created",
            "last_updated",
        ]
        read_only_fields = fields

    def get_is_open(self, milestone) -> bool:
        return milestone.done_date is None


class MilestoneCreateSerializer(serializers.Serializer):
    matter = RestrictedPrimaryKeyRelatedField(queryset=Matter.objects.all())
    side = RestrictedPrimaryKeyRelatedField(queryset=Region.objects.all())
    title = serializers.CharField(max_length=300)
    due_date = serializers.DateField()


class MilestoneCloseSerializer(serializers.Serializer):
    done_date = serializers.DateField()
    evidence = serializers.CharField()
    version = VersionField()


class MilestoneEditSerializer(serializers.Serializer):
    side = RestrictedPrimaryKeyRelatedField(queryset=Region.objects.all(), required=False)
    title = serializers.CharField(max_length=300, required=False)
    due_date = serializers.DateField(required=False)
    version = VersionField()


class MilestoneArchiveSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)
    version = VersionField()


class MilestoneViewSet(
    RestrictedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Dated steps of one side's half of a matter, closed with evidence."""

    queryset = Milestone.objects.select_related("side").order_by("due_date", "pk")
    serializer_class = MilestoneSerializer
    filterset_class = MilestoneFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def respond(self, milestone, code=status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=milestone.pk)
        data = MilestoneSerializer(fresh, context=self.get_serializer_context()).data
        return Response(data, status=code, headers={"ETag": f'"{fresh.version}"'})

    @extend_schema(request=MilestoneCreateSerializer, responses={201: MilestoneSerializer})
    def create(self, request, *args, **kwargs):
        serializer = MilestoneCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        milestone = services.add_milestone(
            data["matter"], side_id=data["side"].pk, title=data["title"], due_date=data["due_date"], user=request.user
        )
        return self.respond(milestone, status.HTTP_201_CREATED)

    @extend_schema(request=MilestoneCloseSerializer, responses=MilestoneSerializer, parameters=[IF_MATCH])
    @action(detail=True, methods=["post"], serializer_class=MilestoneCloseSerializer)
    def close(self, request, pk=None):
        """Close the milestone with what shows it is done (its side's owners, coordinator, or the office)."""
        milestone = self.get_object()
        refuse_unless(request.user, Action.REPORT, milestone)
        serializer = MilestoneCloseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        version = self.expected_version(data)
        services.close_milestone(
            milestone, user=request.user, done_date=data["done_date"], evidence=data["evidence"], version=version
        )
        return self.respond(milestone)

    @extend_schema(request=MilestoneEditSerializer, responses=MilestoneSerializer, parameters=[IF_MATCH])
    @action(detail=True, methods=["post"], serializer_class=MilestoneEditSerializer)
    def edit(self, request, pk=None):
        """Correct the milestone's title, due date or side (whoever may close it)."""
        milestone = self.get_object()
        refuse_unless(request.user, Action.REPORT, milestone)
        serializer = MilestoneEditSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = self.expected_version(data)
        data.pop("version", None)
        if "side" in data:
            data["side_id"] = data.pop("side").pk
        services.update_milestone(milestone, user=request.user, version=version, **data)
        return self.respond(milestone)

    @extend_schema(request=MilestoneArchiveSerializer, responses=MilestoneSerializer, parameters=[IF_MATCH])
    @action(detail=True, methods=["post"], serializer_class=MilestoneArchiveSerializer)
    def archive(self, request, pk=None):
        """Archive the milestone with a reason (never deleted; its trail stays)."""
        milestone = self.get_object()
        refuse_unless(request.user, Action.REPORT, milestone)
        serializer = MilestoneArchiveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        version = self.expected_version(data)
        services.archive_milestone(milestone, user=request.user, reason=data["reason"], version=version)
        return self.respond(milestone)


# --------------------------------------------------------------------------------------- progress reports


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "name", "size", "mime_type", "url"]

    def get_url(self, attachment) -> str:
        path = reverse("core:attachment", args=[attachment.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class ProgressReportSerializer(serializers.ModelSerializer):
    side_name = serializers.CharField(source="side.name", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True, default=None)
    author = serializers.CharField(source="author.get_username", read_only=True, default=None)
    attachments = serializers.SerializerMethodField()

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "matter",
            "side",
            "side_name",
            "organisation",
            "organisation_name",
            "author",
            "period",
            "reported_on",
            "text",
            "percent_complete",
            "attachments",
            "version",
            "archived_at",
            "created",
            "last_updated",
        ]
        read_only_fields = fields

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_attachments(self, report) -> list:
        by_report = self.context.get("attachments")
        if by_report is None:
            by_report = attachments_of([report.pk])
        return AttachmentSerializer(by_report.get(report.pk, []), many=True, context=self.context).data


def attachments_of(report_ids) -> dict[int, list[Attachment]]:
    """The live attachments of these reports, in one query."""
    result: dict[int, list[Attachment]] = {}
    rows = Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(ProgressReport),
        object_id__in=list(report_ids),
        archived_at__isnull=True,
    ).order_by("pk")
    for attachment in rows:
        result.setdefault(attachment.object_id, []).append(attachment)
    return result


class ProgressReportCreateSerializer(serializers.Serializer):
    matter = RestrictedPrimaryKeyRelatedField(queryset=Matter.objects.all())
    side = RestrictedPrimaryKeyRelatedField(queryset=Region.objects.all())
    period = serializers.CharField(max_length=20, help_text=gettext_lazy("For example 2020-06 or 2020-Q2"))
    text = serializers.CharField()
    percent_complete = serializers.IntegerField(min_value=0, max_value=100)
    organisation = RestrictedPrimaryKeyRelatedField(
        queryset=Organisation.objects.all(),
        required=False,
        allow_null=True,
        help_text=gettext_lazy("The reporting unit; by default your own unit on that side."),
    )
    reported_on = serializers.DateField(required=False, allow_null=True)
    files = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        help_text=gettext_lazy("Attachments (multipart/form-data)."),
    )

    def validate(self, attrs):
        organisation, matter, side = attrs.get("organisation"), attrs["matter"], attrs["side"]
        if organisation is not None:
            own_side = organisation.side_for(matter.partnership)
            if own_side is None or own_side.pk != side.pk:
                raise serializers.ValidationError({"organisation": _("This unit does not speak for that side.")})
        reported_on = attrs.get("reported_on")
        if reported_on and reported_on > timezone.localdate():
            raise serializers.ValidationError({"reported_on": _("A report cannot be dated in the future.")})
        return attrs


class ProgressReportViewSet(
    RestrictedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """What each side reports on a matter, period by period, with its attachments."""

    queryset = ProgressReport.objects.select_related("side", "organisation", "author").order_by("-reported_on", "-pk")
    serializer_class = ProgressReportSerializer
    filterset_class = ProgressReportFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = page if page is not None else list(queryset)
        context = {**self.get_serializer_context(), "attachments": attachments_of(r.pk for r in rows)}
        data = ProgressReportSerializer(rows, many=True, context=context).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    @extend_schema(request=ProgressReportCreateSerializer, responses={201: ProgressReportSerializer})
    def create(self, request, *args, **kwargs):
        serializer = ProgressReportCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        report = services.file_progress(
            data["matter"],
            user=request.user,
            side_id=data["side"].pk,
            period=data["period"],
            text=data["text"],
            percent_complete=data["percent_complete"],
            organisation=data.get("organisation"),
            files=data.get("files", ()),
            reported_on=data.get("reported_on"),
        )
        fresh = self.get_queryset().get(pk=report.pk)
        return Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)

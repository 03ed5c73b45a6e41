"""Policy alignment over the API: policies with their clauses, clauses edited with their version, and
alignment groups with their comparison and steps (clauses in and out, negotiation, agreeing to differ)."""

from django.utils.translation import gettext as _
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
from twincity.policies import services
from twincity.policies.choices import HELD_STATUSES, AlignmentStatus
from twincity.policies.filtersets import AlignmentGroupFilterSet, ClauseFilterSet, PolicyFilterSet
from twincity.policies.forms import ClauseForm, GroupForm, PolicyForm
from twincity.policies.models import AlignmentGroup, AlignmentMember, Clause, Policy
from twincity.regions.models import Region
from twincity.registers.api import RegisterSerializer, RegisterViewSet, RegisterWriteSerializer

CLAUSE_FIELDS = ClauseForm.Meta.fields  # the API writes what the pages' forms write


def _require(data: dict, names: tuple[str, ...]) -> None:
    """Fields optional on an edit (PATCH) but needed to create."""
    missing = [name for name in names if data.get(name) in (None, "")]
    if missing:
        required = serializers.Field.default_error_messages["required"]
        raise serializers.ValidationError({name: [required] for name in missing})


class ClauseSerializer(serializers.ModelSerializer):
    side = serializers.IntegerField(source="policy.side_id", read_only=True)

    class Meta:
        model = Clause
        fields = ["id", "policy", "side", *CLAUSE_FIELDS, "version", "archived_at"]


class ClauseWriteSerializer(serializers.ModelSerializer):
    version = VersionField()

    class Meta:
        model = Clause
        fields = [*CLAUSE_FIELDS, "version"]


class PolicySerializer(RegisterSerializer):
    clauses = serializers.SerializerMethodField()

    class Meta:
        model = Policy
        fields = [
            *RegisterSerializer.COMMON,
            "side",
            "issuing_body",
            "document_number",
            "effective_on",
            "expires_on",
            "clauses",
        ]

    @extend_schema_field(ClauseSerializer(many=True))
    def get_clauses(self, obj):
        live = [c for c in obj.clauses.all() if c.archived_at is None]
        return ClauseSerializer(live, many=True, context=self.context).data


class PolicyWriteSerializer(RegisterWriteSerializer):
    side = RestrictedPrimaryKeyRelatedField(queryset=Region.objects.all(), required=False)

    class Meta:
        model = Policy
        fields = ["partnership", *PolicyForm.Meta.fields, "version"]
        extra_kwargs = {"title": {"required": False}}


class PolicyViewSet(RegisterViewSet):
    queryset = Policy.objects.select_related("field", "side").prefetch_related("clauses")
    serializer_class = PolicySerializer
    write_serializer_class = PolicyWriteSerializer
    filterset_class = PolicyFilterSet

    def create_service(self, **data):
        _require(data, ("side", "title"))
        return services.create_policy(**data)

    def update_service(self, obj, **data):
        if "side" in data and data.pop("side") != obj.side:
            raise serializers.ValidationError({"side": [_("A policy stays with the side that issued it.")]})
        return services.update_policy(obj, **data)

    @extend_schema(request=ClauseWriteSerializer, responses={201: ClauseSerializer})
    @action(detail=True, methods=["post"], serializer_class=ClauseWriteSerializer)
    def clauses(self, request, pk=None):
        """Add a clause with its term as a figure (who may edit the policy)."""
        # Not ``take_step``: the answer is the new clause (201), not the policy.
        policy = self.get_object()
        refuse_unless(request.user, Action.CHANGE, policy)
        serializer = ClauseWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        clause = services.add_clause(policy, user=request.user, **data)
        return Response(ClauseSerializer(clause).data, status=status.HTTP_201_CREATED)


class ClauseViewSet(
    RestrictedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The clauses of policies; a new value is compared at once in every group the clause is in."""

    queryset = Clause.objects.select_related("policy").order_by("policy", "reference", "pk")
    serializer_class = ClauseSerializer
    filterset_class = ClauseFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    write_serializer_class = ClauseWriteSerializer
    # A clause is edited and archived as an entry is; it is only created through its policy
    # (``PolicyViewSet.clauses``), so it borrows the register's steps without its create.
    respond = RegisterViewSet.respond
    take_step = RegisterViewSet.take_step

    def update_service(self, clause, **data):
        return services.update_clause(clause, **data)

    @extend_schema(request=ClauseWriteSerializer, responses=ClauseSerializer, parameters=[IF_MATCH])
    def partial_update(self, request, *args, **kwargs):
        return RegisterViewSet.partial_update(self, request, *args, **kwargs)

    @extend_schema(request=None, responses=ClauseSerializer)
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        """Archive the clause: it leaves every comparison it was in."""
        return self.take_step(request, lambda clause, data: services.archive_clause(clause, user=request.user))


class GroupMemberSerializer(serializers.ModelSerializer):
    side = serializers.IntegerField(source="clause.policy.side_id", read_only=True)
    policy = serializers.IntegerField(source="clause.policy_id", read_only=True)
    value = serializers.DecimalField(source="clause.value", max_digits=18, decimal_places=4, read_only=True)
    qualifier = serializers.CharField(source="clause.qualifier", read_only=True)

    class Meta:
        model = AlignmentMember
        fields = ["id", "clause", "policy", "side", "value", "qualifier"]


class AlignmentGroupSerializer(RegisterSerializer):
    members = serializers.SerializerMethodField()
    flagged = serializers.SerializerMethodField()

    class Meta:
        model = AlignmentGroup
        fields = [
            *RegisterSerializer.COMMON,
            "term_name",
            "unit",
            "tolerance",
            "tolerance_kind",
            "divergence",
            "flagged",
            "status",
            "status_reason",
            "members",
        ]

    @extend_schema_field(GroupMemberSerializer(many=True))
    def get_members(self, obj):
        live = [m for m in obj.members.all() if m.archived_at is None]
        return GroupMemberSerializer(live, many=True, context=self.context).data

    def get_flagged(self, obj) -> bool:
        """Is the divergence beyond the tolerance?"""
        return obj.divergence is not None and obj.divergence > obj.tolerance


class AlignmentGroupWriteSerializer(RegisterWriteSerializer):
    clauses = RestrictedPrimaryKeyRelatedField(
        queryset=Clause.objects.all(), many=True, required=False, write_only=True
    )

    class Meta:
        model = AlignmentGroup
        fields = ["partnership", *GroupForm.Meta.fields, "clauses", "version"]
        extra_kwargs = {"title": {"required": False}, "term_name": {"required": False}, "unit": {"required": False}}


class GroupAddMemberSerializer(serializers.Serializer):
    clause = RestrictedPrimaryKeyRelatedField(queryset=Clause.objects.all())


class GroupRemoveMemberSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    reason = serializers.CharField(max_length=500)


class GroupHoldSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[(s.value, s.label) for s in AlignmentStatus if s in HELD_STATUSES])
    reason = serializers.CharField(max_length=500)


class GroupReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class AlignmentGroupViewSet(RegisterViewSet):
    queryset = AlignmentGroup.objects.select_related("field").prefetch_related("members__clause__policy")
    serializer_class = AlignmentGroupSerializer
    write_serializer_class = AlignmentGroupWriteSerializer
    filterset_class = AlignmentGroupFilterSet

    def create_service(self, **data):
        _require(data, ("title", "term_name", "unit", "tolerance"))
        return services.create_group(**data)

    def update_service(self, obj, **data):
        data.pop("clauses", None)  # clauses come and go through the members actions
        return services.update_group(obj, **data)

    @extend_schema(request=GroupAddMemberSerializer, responses=AlignmentGroupSerializer)
    @action(detail=True, methods=["post"], serializer_class=GroupAddMemberSerializer)
    def members(self, request, pk=None):
        """Put a clause into the comparison: a coordinator their own side's, the office any side's."""
        # A coordinator reads the group and changes only their clause: the service checks both.
        return self.take_step(
            request,
            lambda group, data: services.add_member(group, data["clause"], user=request.user),
            serializer_class=GroupAddMemberSerializer,
            action=Action.VIEW,
        )

    @extend_schema(request=GroupRemoveMemberSerializer, responses=AlignmentGroupSerializer)
    @action(detail=True, methods=["post"], url_path="remove-member", serializer_class=GroupRemoveMemberSerializer)
    def remove_member(self, request, pk=None):
        """Take a clause out of the comparison (the office), with a reason."""
        return self.take_step(
            request,
            lambda group, data: services.remove_member(
                _live_member(group, data["member"]), user=request.user, reason=data["reason"]
            ),
            serializer_class=GroupRemoveMemberSerializer,
        )

    @extend_schema(request=GroupHoldSerializer, responses=AlignmentGroupSerializer)
    @action(detail=True, methods=["post"], url_path="status", serializer_class=GroupHoldSerializer)
    def hold(self, request, pk=None):
        """Put the group under negotiation (the office or a member side) or record that the sides agreed to differ
        (the office); the status then stays while the figures move."""
        # A member side's coordinator may hold a group they only read: the service decides (may_hold).
        return self.take_step(
            request,
            lambda group, data: services.set_status(group, user=request.user, **data),
            serializer_class=GroupHoldSerializer,
            action=Action.VIEW,
        )

    @extend_schema(request=GroupReasonSerializer, responses=AlignmentGroupSerializer)
    @action(detail=True, methods=["post"], serializer_class=GroupReasonSerializer)
    def resume(self, request, pk=None):
        """End a negotiation or an agreement to differ: the figures decide the status again."""
        return self.take_step(
            request,
            lambda group, data: services.resume_comparison(group, user=request.user, **data),
            serializer_class=GroupReasonSerializer,
            action=Action.VIEW,
        )


def _live_member(group, pk: int) -> AlignmentMember:
    member = AlignmentMember.objects.filter(group=group, pk=pk, archived_at__isnull=True).first()
    if member is None:
        raise serializers.ValidationError({"member": [_("No such clause in this group.")]})
    return member


ROUTES = [
    ("policies", PolicyViewSet, "policy"),
    ("policy-clauses", ClauseViewSet, "policy-clause"),
    ("alignment-groups", AlignmentGroupViewSet, "alignment-group"),
]

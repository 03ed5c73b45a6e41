"""Siting cases over the API: the register's standard endpoints, each side's bid, the negotiation record
and the decision."""

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action

from twincity.accounts.choices import Action
from twincity.core.api import RestrictedPrimaryKeyRelatedField, RestrictedViewSetMixin, VersionField
from twincity.meetings.models import Outcome
from twincity.regions.models import Organisation, Region
from twincity.registers.api import RegisterSerializer, RegisterViewSet, RegisterWriteSerializer
from twincity.siting import services
from twincity.siting.filtersets import SitingCaseFilterSet
from twincity.siting.models import SitingBid, SitingCase
from twincity.siting.services import BidSpec

BID_FIELDS = ["side", "unit", "candidate_site", "need", "existing_capacity", "policy_offer"]


class SitingBidSerializer(serializers.ModelSerializer):
    class Meta:
        model = SitingBid
        fields = ["id", "case", *BID_FIELDS, "withdrawn_on", "withdrawal_reason", "version"]
        read_only_fields = fields


class SitingNegotiationSerializer(serializers.Serializer):
    outcome = serializers.IntegerField(source="outcome_id")
    session = serializers.IntegerField(source="outcome.session_id")
    number = serializers.IntegerField(source="outcome.number", allow_null=True)
    text = serializers.CharField(source="outcome.text")
    note = serializers.CharField()


class SitingCaseSerializer(RegisterSerializer):
    bids = SitingBidSerializer(many=True, read_only=True)
    negotiations = serializers.SerializerMethodField()

    class Meta:
        model = SitingCase
        fields = [
            *RegisterSerializer.COMMON,
            "industry",
            "description",
            "status",
            "decided_side",
            "decided_site",
            "rationale",
            "decided_on",
            "withdrawal_reason",
            "bids",
            "negotiations",
        ]

    @extend_schema_field(SitingNegotiationSerializer(many=True))
    def get_negotiations(self, obj) -> list[dict]:
        live = [r for r in obj.negotiations.all() if r.archived_at is None]
        return SitingNegotiationSerializer(live, many=True).data


class SitingBidInputSerializer(serializers.Serializer):
    """A side's bid as it is put in: with a new case, or later on the case."""

    side = RestrictedPrimaryKeyRelatedField(queryset=Region.objects.all())
    unit = RestrictedPrimaryKeyRelatedField(queryset=Organisation.objects.all(), required=False, allow_null=True)
    candidate_site = serializers.CharField(max_length=300)
    need = serializers.CharField(required=False, allow_blank=True)
    existing_capacity = serializers.CharField(required=False, allow_blank=True)
    policy_offer = serializers.CharField(required=False, allow_blank=True)


class SitingCaseWriteSerializer(RegisterWriteSerializer):
    bids = SitingBidInputSerializer(many=True, required=False, write_only=True)

    class Meta:
        model = SitingCase
        fields = ["partnership", "code", "title", "field", "industry", "description", "note", "bids", "version"]
        extra_kwargs = {"title": {"required": False}, "industry": {"required": False}}


class SitingDecisionSerializer(serializers.Serializer):
    side = RestrictedPrimaryKeyRelatedField(queryset=Region.objects.all())
    site = serializers.CharField(max_length=300, required=False, allow_blank=True)
    rationale = serializers.CharField()
    decided_on = serializers.DateField()


class SitingWithdrawalSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class SitingNegotiationInputSerializer(serializers.Serializer):
    outcome = RestrictedPrimaryKeyRelatedField(queryset=Outcome.objects.all())
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class SitingCaseViewSet(RegisterViewSet):
    queryset = SitingCase.objects.select_related("field", "decided_side").prefetch_related(
        "bids", "negotiations__outcome"
    )
    serializer_class = SitingCaseSerializer
    write_serializer_class = SitingCaseWriteSerializer
    filterset_class = SitingCaseFilterSet

    def create_service(self, **data):
        bids = [BidSpec(**bid) for bid in data.pop("bids", [])]
        return services.create_siting_case(bids=bids, **data)

    def update_service(self, obj, **data):
        data.pop("bids", None)  # bids are put in and edited one side each (``bid``, ``/siting-bids/``)
        return services.update_siting_case(obj, **data)

    @extend_schema(request=SitingBidInputSerializer, responses=SitingCaseSerializer)
    @action(detail=True, methods=["post"], serializer_class=SitingBidInputSerializer)
    def bid(self, request, pk=None):
        """A side puts in its bid on an open case (its coordinator for their own side, or the office)."""
        # A side that has not bid yet is not among the case's regions: the service checks the side's bid.
        return self.take_step(
            request,
            lambda case, data: services.submit_bid(case, user=request.user, **data),
            serializer_class=SitingBidInputSerializer,
            action=Action.VIEW,
        )

    @extend_schema(request=SitingNegotiationInputSerializer, responses=SitingCaseSerializer)
    @action(detail=True, methods=["post"], serializer_class=SitingNegotiationInputSerializer)
    def negotiation(self, request, pk=None):
        """Link a joint-meeting decision into the case's negotiation record (while the case is open)."""
        return self.take_step(
            request,
            lambda case, data: services.link_negotiation(case, user=request.user, **data),
            serializer_class=SitingNegotiationInputSerializer,
        )

    @extend_schema(request=SitingDecisionSerializer, responses=SitingCaseSerializer)
    @action(detail=True, methods=["post"], serializer_class=SitingDecisionSerializer)
    def decide(self, request, pk=None):
        """Record the joint meeting's decision (the office only): a side with a live bid, the site, the rationale."""
        # The service refuses anyone but the office (403), whatever the sides' coordinators may change.
        return self.take_step(
            request,
            lambda case, data: services.decide(case, user=request.user, **data),
            serializer_class=SitingDecisionSerializer,
        )

    @extend_schema(request=SitingWithdrawalSerializer, responses=SitingCaseSerializer)
    @action(detail=True, methods=["post"], serializer_class=SitingWithdrawalSerializer)
    def withdraw(self, request, pk=None):
        """Withdraw the case (the office only), with the reason."""
        return self.take_step(
            request,
            lambda case, data: services.withdraw_case(case, user=request.user, **data),
            serializer_class=SitingWithdrawalSerializer,
        )


class SitingBidWriteSerializer(serializers.ModelSerializer):
    unit = RestrictedPrimaryKeyRelatedField(queryset=Organisation.objects.all(), required=False, allow_null=True)
    version = VersionField()

    class Meta:
        model = SitingBid
        fields = ["unit", "candidate_site", "need", "existing_capacity", "policy_offer", "version"]
        extra_kwargs = {"candidate_site": {"required": False}}


class SitingBidViewSet(
    RestrictedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Each side's bids: read by every member, edited (PATCH with a version) and withdrawn by their side."""

    queryset = SitingBid.objects.select_related("case", "side")
    serializer_class = SitingBidSerializer
    write_serializer_class = SitingBidWriteSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    # The register's versioned edit, on a bid: the same code path as every entry's PATCH.
    partial_update = RegisterViewSet.partial_update
    respond = RegisterViewSet.respond
    take_step = RegisterViewSet.take_step

    def update_service(self, obj, **data):
        return services.update_bid(obj, **data)

    @extend_schema(request=SitingWithdrawalSerializer, responses=SitingBidSerializer)
    @action(detail=True, methods=["post"], serializer_class=SitingWithdrawalSerializer)
    def withdraw(self, request, pk=None):
        """The side withdraws its bid, with the reason; the bid stays on the case."""
        return self.take_step(
            request,
            lambda bid, data: services.withdraw_bid(bid, user=request.user, **data),
            serializer_class=SitingWithdrawalSerializer,
        )


ROUTES = [("siting-cases", SitingCaseViewSet, "siting-case"), ("siting-bids", SitingBidViewSet, "siting-bid")]

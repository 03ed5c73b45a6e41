"""Agreements over the API: the register's standard endpoints plus renewal, termination, a recorded lapse
and obligations; obligations are read on their own endpoint and turned into matters there."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from twincity.accounts.choices import Action
from twincity.agreements import services
from twincity.agreements.filtersets import AgreementFilterSet, ObligationFilterSet
from twincity.agreements.models import Agreement, Obligation
from twincity.agreements.register import agreements
from twincity.agreements.services import PartySpec
from twincity.core.api import RestrictedPrimaryKeyRelatedField, RestrictedViewSetMixin, refuse_unless
from twincity.matters.api import MatterSerializer
from twincity.regions.models import Organisation, Region
from twincity.registers.api import RegisterSerializer, RegisterViewSet, RegisterWriteSerializer


class PartySerializer(serializers.Serializer):
    organisation = serializers.IntegerField(source="organisation_id")
    side = serializers.IntegerField(source="side_id", read_only=True)
    signatory = serializers.CharField()
    signatory_post = serializers.CharField()


class FollowUpMatterSerializer(serializers.Serializer):
    """A matter following up an obligation, with its state."""

    id = serializers.IntegerField(source="matter.pk")
    code = serializers.CharField(source="matter.code")
    title = serializers.CharField(source="matter.title")
    status = serializers.CharField(source="matter.status")
    percent_complete = serializers.IntegerField(source="matter.percent_complete")
    relation = serializers.CharField()


class ObligationSerializer(serializers.ModelSerializer):
    follow_ups = serializers.SerializerMethodField()

    class Meta:
        model = Obligation
        fields = ["id", "agreement", "side", "organisation", "text", "due_date", "version", "archived_at", "follow_ups"]

    def get_follow_ups(self, obj) -> list[dict]:
        links = [link for link in obj.matter_links.all() if link.archived_at is None]
        return FollowUpMatterSerializer(links, many=True).data


class AgreementSerializer(RegisterSerializer):
    parties = PartySerializer(many=True, read_only=True)
    state = serializers.SerializerMethodField()
    obligations = serializers.SerializerMethodField()

    class Meta:
        model = Agreement
        fields = [
            *RegisterSerializer.COMMON,
            "topic",
            "signed_on",
            "starts_on",
            "expires_on",
            "status",
            "state",
            "terminated_on",
            "termination_reason",
            "renewed_by",
            "parties",
            "obligations",
        ]

    def get_state(self, obj) -> str:
        """The status as of today: "expired" once an in-force agreement's date has passed."""
        return obj.state_on()

    def get_obligations(self, obj) -> list[int]:
        return [o.pk for o in obj.obligations.all() if o.archived_at is None]


class PartyInputSerializer(serializers.Serializer):
    organisation = RestrictedPrimaryKeyRelatedField(queryset=Organisation.objects.all())
    signatory = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    signatory_post = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class AgreementWriteSerializer(RegisterWriteSerializer):
    parties = PartyInputSerializer(many=True, required=False)
    term_years = serializers.IntegerField(min_value=1, max_value=50, required=False, write_only=True)

    class Meta:
        model = Agreement
        fields = [
            "partnership",
            "code",
            "title",
            "field",
            "topic",
            "signed_on",
            "starts_on",
            "expires_on",
            "note",
            "parties",
            "term_years",
            "version",
        ]
        extra_kwargs = {"title": {"required": False}}
        validators = []  # a number used twice is refused by the services, with the reason


class ObligationInputSerializer(serializers.Serializer):
    side = RestrictedPrimaryKeyRelatedField(queryset=Region.objects.all(), required=False)
    organisation = RestrictedPrimaryKeyRelatedField(queryset=Organisation.objects.all(), required=False)
    text = serializers.CharField()
    due_date = serializers.DateField(required=False)


class ObligationFollowUpSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    title = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


def _parties(data: dict):
    parties = data.pop("parties", None)
    return None if parties is None else [PartySpec(**p) for p in parties]


class AgreementViewSet(RegisterViewSet):
    queryset = Agreement.objects.select_related("field")
    serializer_class = AgreementSerializer
    write_serializer_class = AgreementWriteSerializer
    filterset_class = AgreementFilterSet
    register = agreements  # renew, terminate, record-lapse: its steps

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action in ("list", "retrieve"):
            queryset = queryset.prefetch_related("parties", "obligations")
        # Writes get plain rows: the services must not read the parties from a stale prefetch cache.
        return queryset

    def create_service(self, **data):
        return services.create_agreement(parties=_parties(data) or [], **data)

    def update_service(self, obj, **data):
        data.pop("term_years", None)  # a term fills the expiry date of a new agreement only
        return services.update_agreement(obj, parties=_parties(data), **data)

    @extend_schema(request=ObligationInputSerializer, responses=ObligationSerializer)
    @action(detail=True, methods=["post"], serializer_class=ObligationInputSerializer)
    def obligations(self, request, pk=None):
        """Record an obligation of one side (a coordinator records their own side's)."""
        # Not ``take_step``: the answer is the obligation created (its id for the follow-up), not the agreement.
        agreement = self.get_object()
        refuse_unless(request.user, Action.CHANGE, agreement)
        serializer = ObligationInputSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        obligation = services.add_obligation(agreement, user=request.user, **serializer.validated_data)
        data = ObligationSerializer(obligation, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)


class ObligationViewSet(
    RestrictedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The obligations of agreements, each with the matters that follow it up; ``?agreement=`` narrows the list."""

    queryset = Obligation.objects.select_related("agreement").prefetch_related("matter_links__matter")
    serializer_class = ObligationSerializer
    filterset_class = ObligationFilterSet

    @extend_schema(request=ObligationFollowUpSerializer, responses=MatterSerializer)
    @action(detail=True, methods=["post"], url_path="follow-up", serializer_class=ObligationFollowUpSerializer)
    def follow_up(self, request, pk=None):
        """Turn the obligation into a key cooperation matter in one step (owners: its unit and the other parties)."""
        # Not ``take_step``: an obligation is not a register entry, and the answer is the new matter.
        obligation = self.get_object()
        refuse_unless(request.user, Action.CHANGE, obligation)
        serializer = ObligationFollowUpSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        matter = services.follow_up_obligation(obligation, user=request.user, **serializer.validated_data)
        data = MatterSerializer(matter, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)


ROUTES = [("agreements", AgreementViewSet, "agreement"), ("obligations", ObligationViewSet, "obligation")]

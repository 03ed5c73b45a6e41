"""Joint requests over the API: the register's standard endpoints plus endorse and submit."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action

from twincity.accounts.choices import Action
from twincity.core.api import RestrictedPrimaryKeyRelatedField
from twincity.petitions import services
from twincity.petitions.choices import Channel
from twincity.petitions.filtersets import PetitionFilterSet
from twincity.petitions.models import Petition
from twincity.regions.models import Organisation, Region
from twincity.registers.api import RegisterSerializer, RegisterViewSet, RegisterWriteSerializer


class PetitionSideSerializer(serializers.Serializer):
    side = serializers.IntegerField(source="region_id")
    drafting_units = serializers.SerializerMethodField()
    endorsed_text = serializers.IntegerField(allow_null=True)  # null until the side endorses
    endorsed_at = serializers.DateTimeField(allow_null=True)

    def get_drafting_units(self, half) -> list[int]:
        return [u.pk for u in half.drafting_units.all()]


class PetitionSerializer(RegisterSerializer):
    sides = PetitionSideSerializer(many=True, read_only=True)
    current_text = serializers.SerializerMethodField()

    class Meta:
        model = Petition
        fields = [
            *RegisterSerializer.COMMON,
            "year",
            "target_authority",
            "status",
            "submitted_on",
            "channel",
            "response",
            "response_on",
            "sides",
            "current_text",
        ]

    def get_current_text(self, obj) -> dict | None:
        texts = sorted(obj.texts.all(), key=lambda t: -t.number)
        return {"version": texts[0].number, "text": texts[0].text} if texts else None


class PetitionWriteSerializer(RegisterWriteSerializer):
    drafting_units = RestrictedPrimaryKeyRelatedField(queryset=Organisation.objects.all(), many=True, required=False)
    text = serializers.CharField(required=False, allow_blank=True, write_only=True)

    class Meta:
        model = Petition
        fields = [
            "partnership",
            "code",
            "year",
            "title",
            "field",
            "target_authority",
            "note",
            "drafting_units",
            "text",
            "version",
        ]
        extra_kwargs = {
            "year": {"required": False},
            "title": {"required": False},
            "target_authority": {"required": False},
        }


class EndorseSerializer(serializers.Serializer):
    side = RestrictedPrimaryKeyRelatedField(queryset=Region.objects.all())


class SubmitSerializer(serializers.Serializer):
    submitted_on = serializers.DateField()
    channel = serializers.ChoiceField(choices=Channel.choices)


class PetitionViewSet(RegisterViewSet):
    queryset = Petition.objects.select_related("field").prefetch_related("sides__drafting_units", "texts")
    serializer_class = PetitionSerializer
    write_serializer_class = PetitionWriteSerializer
    filterset_class = PetitionFilterSet

    def create_service(self, **data):
        data.pop("version", None)
        return services.create_petition(**data)

    def update_service(self, obj, **data):
        data.pop("text", None)  # the text has versions of its own: revised on the page
        return services.update_petition(obj, **data)

    @extend_schema(request=EndorseSerializer, responses=PetitionSerializer)
    @action(detail=True, methods=["post"], serializer_class=EndorseSerializer)
    def endorse(self, request, pk=None):
        """A side endorses the current text (its coordinator or the office); the last one makes the request endorsed."""
        # Either side's coordinator reaches the step; the service lets each endorse only its own side.
        return self.take_step(
            request,
            lambda petition, data: services.endorse(petition, user=request.user, side=data["side"]),
            serializer_class=EndorseSerializer,
            action=Action.VIEW,
        )

    @extend_schema(request=SubmitSerializer, responses=PetitionSerializer)
    @action(detail=True, methods=["post"], serializer_class=SubmitSerializer)
    def submit(self, request, pk=None):
        """Submit to the authority: refused until every side endorsed the current text."""
        return self.take_step(
            request,
            lambda petition, data: services.submit(petition, user=request.user, **data),
            serializer_class=SubmitSerializer,
        )


ROUTES = [("petitions", PetitionViewSet, "petition")]

"""Joint requests over the API: the register's standard endpoints plus the steps its declaration gives the
API (endorse and submit)."""

from rest_framework import serializers

from twincity.core.api import RestrictedPrimaryKeyRelatedField
from twincity.petitions import services
from twincity.petitions.filtersets import PetitionFilterSet
from twincity.petitions.models import Petition
from twincity.petitions.register import petitions
from twincity.regions.models import Organisation
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


class PetitionViewSet(RegisterViewSet):
    queryset = Petition.objects.select_related("field").prefetch_related("sides__drafting_units", "texts")
    serializer_class = PetitionSerializer
    write_serializer_class = PetitionWriteSerializer
    filterset_class = PetitionFilterSet
    register = petitions  # endorse and submit: its steps

    def create_service(self, **data):
        data.pop("version", None)
        return services.create_petition(**data)

    def update_service(self, obj, **data):
        data.pop("text", None)  # the text has versions of its own: revised on the page
        return services.update_petition(obj, **data)


ROUTES = [("petitions", PetitionViewSet, "petition")]

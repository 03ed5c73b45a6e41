"""Secondments over the API: the register's standard endpoints plus reports, cutting short and the evaluation."""

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action

from twincity.accounts.choices import Action
from twincity.core.api import RestrictedPrimaryKeyRelatedField
from twincity.exchanges import services
from twincity.exchanges.choices import Rating, SecondmentStatus
from twincity.exchanges.filtersets import SecondmentFilterSet
from twincity.exchanges.models import Secondment
from twincity.regions.models import Organisation
from twincity.registers.api import RegisterSerializer, RegisterViewSet, RegisterWriteSerializer


class SecondmentReportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    period = serializers.CharField()
    reported_on = serializers.DateField()
    text = serializers.CharField()
    version = serializers.IntegerField()


class SecondmentSerializer(RegisterSerializer):
    status = serializers.SerializerMethodField()
    rating = serializers.ChoiceField(choices=Rating.choices, allow_blank=True, read_only=True)  # "" until rated
    reports = serializers.SerializerMethodField()

    class Meta:
        model = Secondment
        fields = [
            *RegisterSerializer.COMMON,
            *services.FACTS,
            "home_side",
            "host_side",
            "status",
            "cut_short_on",
            "cut_short_reason",
            "rating",
            "evaluation",
            "evaluated_on",
            "reports",
        ]

    @extend_schema_field(serializers.ChoiceField(choices=SecondmentStatus.choices))
    def get_status(self, obj) -> str:
        return getattr(obj, "status", None) or obj.status_on()

    @extend_schema_field(SecondmentReportSerializer(many=True))
    def get_reports(self, obj) -> list[dict]:
        live = [r for r in obj.reports.all() if r.archived_at is None]
        return SecondmentReportSerializer(live, many=True).data


class SecondmentWriteSerializer(RegisterWriteSerializer):
    home_organisation = RestrictedPrimaryKeyRelatedField(queryset=Organisation.objects.all(), required=False)
    host_organisation = RestrictedPrimaryKeyRelatedField(queryset=Organisation.objects.all(), required=False)

    class Meta:
        model = Secondment
        fields = ["partnership", *services.EDITABLE_FIELDS, "version"]
        extra_kwargs = {
            "title": {"required": False, "allow_blank": True},
            "person_name": {"required": False},
            "post": {"required": False},
            "start_date": {"required": False},
            "end_date": {"required": False},
        }


class ReportSerializer(serializers.Serializer):
    period = serializers.CharField(max_length=20)
    text = serializers.CharField()
    reported_on = serializers.DateField(required=False)


class CutShortSerializer(serializers.Serializer):
    on = serializers.DateField()
    reason = serializers.CharField()


class EvaluationSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=Rating.choices)
    evaluation = serializers.CharField()
    evaluated_on = serializers.DateField(required=False)


# Optional in the write serializer (a PATCH sends only what changes), required when a secondment is added.
REQUIRED_ON_CREATE = ("person_name", "post", "home_organisation", "host_organisation", "start_date", "end_date")


class SecondmentViewSet(RegisterViewSet):
    queryset = Secondment.objects.with_status().prefetch_related("reports")
    serializer_class = SecondmentSerializer
    write_serializer_class = SecondmentWriteSerializer
    filterset_class = SecondmentFilterSet

    def create_service(self, **data):
        missing = [name for name in REQUIRED_ON_CREATE if name not in data]
        if missing:
            required = serializers.Field.default_error_messages["required"]
            raise serializers.ValidationError({name: [required] for name in missing})
        return services.create_secondment(**data)

    def update_service(self, obj, **data):
        return services.update_secondment(obj, **data)

    @extend_schema(request=ReportSerializer, responses=SecondmentSerializer)
    @action(detail=True, methods=["post"], serializer_class=ReportSerializer)
    def report(self, request, pk=None):
        """File a periodic report (either unit's contact, either coordinator, or the office): one per period."""
        return self.take_step(
            request,
            lambda secondment, data: services.file_report(secondment, user=request.user, **data),
            serializer_class=ReportSerializer,
            action=Action.REPORT,
            code=status.HTTP_201_CREATED,
        )

    @extend_schema(request=CutShortSerializer, responses=SecondmentSerializer)
    @action(detail=True, methods=["post"], serializer_class=CutShortSerializer)
    def cut_short(self, request, pk=None):
        """End the term early, saying why (either side's coordinator or the office)."""
        return self.take_step(
            request,
            lambda secondment, data: services.cut_short(secondment, user=request.user, **data),
            serializer_class=CutShortSerializer,
        )

    @extend_schema(request=EvaluationSerializer, responses=SecondmentSerializer)
    @action(detail=True, methods=["post"], serializer_class=EvaluationSerializer)
    def evaluate(self, request, pk=None):
        """The host's end-of-term evaluation (the office, the host side's coordinator or the host unit's contact)."""
        # Whoever reads the secondment reaches the step; the service lets only the host evaluate
        # (``Action.EVALUATE``: the office, the host side's coordinator or the host unit's contact).
        return self.take_step(
            request,
            lambda secondment, data: services.evaluate(secondment, user=request.user, **data),
            serializer_class=EvaluationSerializer,
            action=Action.VIEW,
        )


ROUTES = [("secondments", SecondmentViewSet, "secondment")]

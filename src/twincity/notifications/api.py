"""The notices API under /api/notices/: my preferences (my own only), the office's deliveries (read, retry) and
group robots (add, change, disable; the secret is written, never read back).

These are not partnership records every member reads (the router's walk in core/tests/test_permissions.py
assumes that of its endpoints): preferences are personal and the outbox and robots are the office's. They
have a router of their own, mounted by ``api_urls.py``, and their own rows in the permission matrix.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from twincity.accounts.access import restrict
from twincity.accounts.choices import Action
from twincity.core.api import AuditedAPIMixin, VersionField
from twincity.notifications import kinds, services
from twincity.notifications.choices import PERSONAL_CHANNELS, Channel, DeliveryError, Timing
from twincity.notifications.models import Delivery, Preference, Robot
from twincity.regions.models import Partnership, Region


class PreferenceSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[])
    channel = serializers.ChoiceField(choices=[(c, Channel(c).label) for c in PERSONAL_CHANNELS])
    timing = serializers.ChoiceField(choices=Timing.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds.choices()

    def validate(self, attrs):
        if attrs["channel"] == Channel.IN_APP and attrs["timing"] == Timing.DIGEST:
            raise serializers.ValidationError({"timing": _("The application has no digest: immediately or off.")})
        return attrs


class PreferenceRowSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    channel = serializers.CharField()
    timing = serializers.CharField()


class ChangedSerializer(serializers.Serializer):
    changed = serializers.IntegerField()


class RobotTestSerializer(serializers.Serializer):
    sent = serializers.BooleanField()
    error = serializers.CharField(allow_blank=True)


class PreferenceViewSet(AuditedAPIMixin, viewsets.GenericViewSet):
    """My notice preferences: every kind × channel with its timing (GET); change some (POST a list)."""

    serializer_class = PreferenceSerializer
    pagination_class = None
    parser_classes = [JSONParser]  # a list of choices: JSON only
    queryset = Preference.objects.none()  # a person's own table is read in ``list``

    @extend_schema(responses=PreferenceRowSerializer(many=True))
    def list(self, request):
        table = services.preferences_table(request.user)
        rows = [{"kind": k, "label": kinds.label(k), "channel": c, "timing": t} for (k, c), t in sorted(table.items())]
        return Response(rows)

    @extend_schema(request=PreferenceSerializer(many=True), responses={200: ChangedSerializer})
    def create(self, request):
        serializer = PreferenceSerializer(data=request.data, many=True)
        serializer.is_valid(raise_exception=True)
        choices = {(row["kind"], row["channel"]): row["timing"] for row in serializer.validated_data}
        changed = services.set_preferences(request.user, choices)
        return Response({"changed": changed}, status=status.HTTP_200_OK)


class DeliverySerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    error = serializers.CharField(source="get_error_kind_display", read_only=True)
    robot = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    error_kind = serializers.CharField(read_only=True, help_text="empty, or one of: " + ", ".join(DeliveryError.values))

    class Meta:
        model = Delivery
        fields = [
            "id",
            "kind",
            "channel",
            "recipient",
            "robot",
            "partnership",
            "subject",
            "url",
            "state",
            "state_label",
            "attempts",
            "due_at",
            "sent_at",
            "error_kind",
            "error",
            "last_error",
            "created",
        ]
        read_only_fields = fields


class DeliveryViewSet(AuditedAPIMixin, viewsets.ReadOnlyModelViewSet):
    """The outbox of the partnerships whose office the caller runs; ``?state=failed``; retry a failed one."""

    serializer_class = DeliverySerializer
    queryset = Delivery.objects.all()

    def get_queryset(self):
        qs = restrict(Delivery.objects.all(), self.request.user, Action.ADMINISTER)
        state = self.request.query_params.get("state") if self.action == "list" else None
        return qs.filter(state=state) if state else qs

    @extend_schema(request=None, responses=DeliverySerializer)
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        row = self.get_object()
        try:
            row = services.retry_delivery(row, user=request.user)
        except ValueError:
            raise serializers.ValidationError({"state": [_("Only a failed delivery can be retried.")]}) from None
        return Response(DeliverySerializer(row).data)


class RobotSerializer(serializers.ModelSerializer):
    secret = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=200)
    has_secret = serializers.SerializerMethodField()
    kinds = serializers.ListField(child=serializers.ChoiceField(choices=[]), required=False)
    version = VersionField()
    partnership = serializers.PrimaryKeyRelatedField(queryset=Partnership.objects.all())
    side = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all(), allow_null=True, required=False)

    class Meta:
        model = Robot
        fields = [
            "id",
            "partnership",
            "side",
            "name",
            "kind",
            "webhook_url",
            "secret",
            "has_secret",
            "kinds",
            "active",
            "version",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kinds"].child.choices = kinds.choices()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        self.fields["partnership"].queryset = restrict(Partnership.objects.all(), user, Action.ADMINISTER)
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            self.fields["partnership"].read_only = True

    def get_has_secret(self, obj) -> bool:
        return bool(obj.secret)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["version"] = instance.version
        return data


class RobotViewSet(
    AuditedAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The group robots of the partnerships whose office the caller runs. Disable with ``active: false``."""

    serializer_class = RobotSerializer
    queryset = Robot.objects.all()
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return restrict(Robot.objects.all(), self.request.user, Action.ADMINISTER).select_related("partnership")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        partnership = data.pop("partnership")
        with transaction.atomic():
            serializer.instance = services.save_robot(Robot(partnership=partnership), user=self.request.user, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        version = self.expected_version(serializer.validated_data)
        robot = Robot.objects.get(pk=serializer.instance.pk)
        serializer.instance = services.save_robot(robot, user=self.request.user, version=version, **data)

    @extend_schema(request=None, responses=RobotTestSerializer)
    @action(detail=True, methods=["post"])
    def test(self, request, pk=None):
        error = services.test_robot(self.get_object(), user=request.user)
        return Response({"sent": not error, "error": error})


router = SimpleRouter()
router.register("preferences", PreferenceViewSet, basename="notice-preference")
router.register("deliveries", DeliveryViewSet, basename="delivery")
router.register("robots", RobotViewSet, basename="robot")
urlpatterns = router.urls

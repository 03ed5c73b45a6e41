"""Supervision API: sheets 督办单, read only, through the same door as the pages. ROUTES are (prefix, viewset,
basename), registered by api_urls.py."""

from __future__ import annotations

from rest_framework import mixins, serializers, viewsets

from twincity.core.api import RestrictedViewSetMixin
from twincity.supervision.models import Sheet, SheetStep
from twincity.supervision.sheets import SheetFilterSet, sheet_queryset, visible_sheets


class SheetStepSerializer(serializers.ModelSerializer):
    class Meta:
        model = SheetStep
        fields = ["kind", "level", "escalation", "at", "note"]
        read_only_fields = fields


class SheetCaseSideSerializer(serializers.Serializer):
    side = serializers.IntegerField(source="side_id")
    organisation = serializers.IntegerField(source="organisation_id", allow_null=True)


class SheetSerializer(serializers.ModelSerializer):
    display_number = serializers.CharField(read_only=True)
    item_code = serializers.CharField(source="case.code", read_only=True)
    item_title = serializers.CharField(source="case.title", read_only=True)
    item_url = serializers.CharField(source="case.url", read_only=True)
    item_kind = serializers.CharField(source="case.kind", read_only=True)
    due_on = serializers.DateField(source="case.due_on", read_only=True)
    owners = SheetCaseSideSerializer(source="case.sides", many=True, read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Sheet
        fields = [
            "id",
            "partnership",
            "case",
            "year",
            "number",
            "display_number",
            "level",
            "escalation",
            "reason",
            "item_kind",
            "item_code",
            "item_title",
            "item_url",
            "due_on",
            "owners",
            "issued_at",
            "raised_at",
            "escalated_at",
            "closed_at",
            "url",
            "version",
        ]
        read_only_fields = fields


class SheetDetailSerializer(SheetSerializer):
    steps = SheetStepSerializer(many=True, read_only=True)

    class Meta(SheetSerializer.Meta):
        fields = [*SheetSerializer.Meta.fields, "steps"]
        read_only_fields = fields


class SheetViewSet(RestrictedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Supervision sheets 督办单: the office sees all of its partnership, coordinators their side's, units their
    own, leaders all of their partnership."""

    queryset = Sheet.objects.order_by("-year", "-number")
    serializer_class = SheetSerializer
    filterset_class = SheetFilterSet

    def get_queryset(self):
        queryset = sheet_queryset(visible_sheets(self.queryset.all(), self.request.user))
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("steps")
        return queryset

    def get_serializer_class(self):
        return SheetDetailSerializer if self.action == "retrieve" else SheetSerializer


ROUTES = [("supervision-sheets", SheetViewSet, "supervision-sheet")]

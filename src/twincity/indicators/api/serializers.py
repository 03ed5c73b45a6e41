"""The statistics API's serializers: definitions as members read them and the office writes them, figures,
and the bulk write of figures."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from twincity.core.api import RestrictedPrimaryKeyRelatedField, VersionField
from twincity.indicators import services
from twincity.indicators.models import (
    DataElement,
    Framework,
    FrameworkNode,
    Indicator,
    Observation,
    ReferencePanel,
    Revision,
)
from twincity.indicators.tables import direction_text, formula_text
from twincity.regions.models import Partnership

ELEMENT_FIELDS = list(services.ELEMENT_FIELDS)
INDICATOR_FIELDS = list(services.INDICATOR_FIELDS)
FRAMEWORK_FIELDS = list(services.FRAMEWORK_FIELDS)


class DataElementSerializer(serializers.ModelSerializer):
    class Meta:
        model = DataElement
        fields = ["id", "partnership", *ELEMENT_FIELDS, "version", "archived_at"]
        read_only_fields = fields


class DataElementWriteSerializer(serializers.ModelSerializer):
    partnership = RestrictedPrimaryKeyRelatedField(queryset=Partnership.objects.all(), required=False)
    version = VersionField()

    class Meta:
        model = DataElement
        fields = ["partnership", *ELEMENT_FIELDS, "version"]
        extra_kwargs = {"code": {"required": False, "validators": []}, "name": {"required": False}}


class IndicatorSerializer(serializers.ModelSerializer):
    formula = serializers.SerializerMethodField()
    direction_text = serializers.SerializerMethodField()

    class Meta:
        model = Indicator
        fields = ["id", "partnership", *INDICATOR_FIELDS, "formula", "direction_text", "version", "archived_at"]
        read_only_fields = fields

    def get_formula(self, obj) -> str:
        return formula_text(obj)

    def get_direction_text(self, obj) -> str:
        return direction_text(obj.direction)


class IndicatorWriteSerializer(serializers.ModelSerializer):
    partnership = RestrictedPrimaryKeyRelatedField(queryset=Partnership.objects.all(), required=False)
    numerator = RestrictedPrimaryKeyRelatedField(queryset=DataElement.objects.all(), required=False)
    denominator = RestrictedPrimaryKeyRelatedField(queryset=DataElement.objects.all(), required=False, allow_null=True)
    factor = serializers.DecimalField(max_digits=18, decimal_places=6, required=False)
    version = VersionField()

    class Meta:
        model = Indicator
        fields = ["partnership", *INDICATOR_FIELDS, "version"]
        extra_kwargs = {"code": {"required": False, "validators": []}, "name": {"required": False}}


class FrameworkNodeSerializer(serializers.ModelSerializer):
    class Meta:
        model = FrameworkNode
        fields = ["id", "parent", "code", "name", "name_en", "indicator", "direction", "weight", "order"]
        read_only_fields = fields


class FrameworkSerializer(serializers.ModelSerializer):
    nodes = FrameworkNodeSerializer(many=True, read_only=True)

    class Meta:
        model = Framework
        fields = ["id", "partnership", *FRAMEWORK_FIELDS, "nodes", "version", "archived_at"]
        read_only_fields = fields


class FrameworkWriteSerializer(serializers.ModelSerializer):
    partnership = RestrictedPrimaryKeyRelatedField(queryset=Partnership.objects.all(), required=False)
    version = VersionField()

    class Meta:
        model = Framework
        fields = ["partnership", *FRAMEWORK_FIELDS, "version"]
        extra_kwargs = {"code": {"required": False, "validators": []}, "name": {"required": False}}


class ReferencePanelSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReferencePanel
        fields = ["id", "partnership", "name", "name_en", "description", "regions", "version", "archived_at"]
        read_only_fields = fields


class RevisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Revision
        fields = ["id", "old_value", "new_value", "reason", "revised_by", "created"]
        read_only_fields = fields


class ObservationSerializer(serializers.ModelSerializer):
    element_code = serializers.CharField(source="element.code", read_only=True)
    region_code = serializers.CharField(source="region.code", read_only=True)
    revisions = serializers.SerializerMethodField()

    class Meta:
        model = Observation
        fields = [
            "id",
            "partnership",
            "element",
            "element_code",
            "region",
            "region_code",
            "period",
            "value",
            "source",
            "note",
            "status",
            "side",
            "organisation",
            "finalised_at",
            "revisions",
            "version",
            "archived_at",
        ]
        read_only_fields = fields

    @extend_schema_field(RevisionSerializer(many=True))
    def get_revisions(self, obj) -> list[dict]:
        if self.context.get("view") is not None and getattr(self.context["view"], "action", None) == "list":
            return []  # a list stays one query per page; a figure's own page carries its revisions
        return RevisionSerializer(obj.revisions.all(), many=True).data


class FigureItemSerializer(serializers.Serializer):
    """One figure of a bulk write. ``value`` is a number or its text (``"1,234.5"``); ``version``, when given,
    is the version of the figure the client saw (0: none yet): a figure changed since is refused."""

    element = serializers.CharField(max_length=40, help_text="The data element's code.")
    region = serializers.CharField(max_length=40, help_text="The region's id or code.")
    period = serializers.CharField(max_length=10)
    value = serializers.CharField(max_length=60)
    source = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False, min_value=0, max_value=2**31 - 1)


class FigureBulkSerializer(serializers.Serializer):
    partnership = serializers.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, help_text="Default: your first partnership."
    )
    figures = FigureItemSerializer(many=True, allow_empty=False, max_length=5000)


class FigureBulkResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    ids = serializers.ListField(child=serializers.IntegerField())


class FigureFinaliseSerializer(serializers.Serializer):
    version = VersionField()


class FigureRevisionSerializer(serializers.Serializer):
    value = serializers.CharField(max_length=60)
    reason = serializers.CharField(max_length=500)
    version = VersionField()

"""The partnership and its units over the API: read-only, through the same door as the pages."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from twincity.accounts.choices import Action
from twincity.core.api import RestrictedViewSetMixin
from twincity.regions.filtersets import OrganisationFilterSet, PartnershipFilterSet, RegionFilterSet
from twincity.regions.models import Field, Organisation, Partnership, PartnershipRegion, Region


class SideSerializer(serializers.ModelSerializer):
    """A member region of the partnership, in host-rotation order."""

    id = serializers.IntegerField(source="region.id", read_only=True)
    code = serializers.CharField(source="region.code", read_only=True)
    name = serializers.CharField(source="region.name", read_only=True)
    name_en = serializers.CharField(source="region.name_en", read_only=True)
    short_name = serializers.CharField(source="region.short_name", read_only=True)

    class Meta:
        model = PartnershipRegion
        fields = ["id", "code", "name", "name_en", "short_name", "rotation_order"]


class FieldSerializer(serializers.ModelSerializer):
    class Meta:
        model = Field
        fields = ["id", "name", "name_en", "order"]


class PartnershipSerializer(serializers.ModelSerializer):
    sides = SideSerializer(source="api_sides", many=True, read_only=True)
    # Not "fields": that name belongs to the serializer itself.
    cooperation_fields = FieldSerializer(source="api_fields", many=True, read_only=True)

    class Meta:
        model = Partnership
        fields = [
            "id",
            "name",
            "name_en",
            "short_name",
            "established_on",
            "meeting_cadence",
            "description",
            "health_near_days",
            "health_lag_margin",
            "sides",
            "cooperation_fields",
            "version",
            "archived_at",
            "created",
            "last_updated",
        ]


class PartnershipViewSet(RestrictedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Partnerships (合作机制) the user is a member of, with their sides in rotation order and their fields."""

    queryset = Partnership.objects.prefetch_related(
        Prefetch(
            "memberships",
            queryset=PartnershipRegion.objects.filter(archived_at__isnull=True)
            .select_related("region")
            .order_by("rotation_order", "pk"),
            to_attr="api_sides",
        ),
        Prefetch("fields", queryset=Field.objects.filter(archived_at__isnull=True), to_attr="api_fields"),
    ).order_by("name", "pk")
    serializer_class = PartnershipSerializer
    filterset_class = PartnershipFilterSet


class RegionSerializer(serializers.ModelSerializer):
    partnerships = serializers.SerializerMethodField()

    class Meta:
        model = Region
        fields = [
            "id",
            "code",
            "name",
            "name_en",
            "short_name",
            "parent",
            "partnerships",
            "version",
            "archived_at",
            "created",
            "last_updated",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_partnerships(self, region) -> list[int]:
        # Only the partnerships the reader belongs to: a region may also sit in partnerships they cannot see.
        return [p.pk for p in region.api_partnerships]


class RegionViewSet(RestrictedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Regions (地区 / 新区) of the user's partnerships, and the regions under them."""

    queryset = Region.objects.order_by("code")
    serializer_class = RegionSerializer
    filterset_class = RegionFilterSet

    def get_queryset(self):
        visible = Partnership.objects.restrict(self.request.user, Action.VIEW).order_by("pk")
        return (
            super()
            .get_queryset()
            .prefetch_related(Prefetch("partnerships", queryset=visible, to_attr="api_partnerships"))
        )


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "name_en",
            "short_name",
            "kind",
            "region",
            "parent",
            "contact_name",
            "contact_phone",
            "contact_email",
            "version",
            "archived_at",
            "created",
            "last_updated",
        ]


class OrganisationViewSet(RestrictedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Units (单位) of the user's partnerships: departments, subdistricts, function zones, enterprises."""

    queryset = Organisation.objects.order_by("region__code", "kind", "name", "pk")
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilterSet

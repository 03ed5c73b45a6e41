from django.contrib import admin

from twincity.core.admin import ArchiveOnlyAdmin
from twincity.regions.models import CounterpartPair, Field, Organisation, Partnership, PartnershipRegion, Region


class PartnershipRegionInline(admin.TabularInline):
    model = PartnershipRegion
    extra = 0
    can_delete = False


@admin.register(Partnership)
class PartnershipAdmin(ArchiveOnlyAdmin):
    list_display = ("name", "name_en", "established_on", "meeting_cadence", "archived_at")
    search_fields = ("name", "name_en")
    inlines = [PartnershipRegionInline]


@admin.register(Region)
class RegionAdmin(ArchiveOnlyAdmin):
    list_display = ("code", "name", "name_en", "parent")
    search_fields = ("code", "name", "name_en")


@admin.register(Organisation)
class OrganisationAdmin(ArchiveOnlyAdmin):
    list_display = ("name", "region", "kind", "archived_at")
    list_filter = ("kind", "region")
    search_fields = ("name", "name_en", "short_name")


@admin.register(CounterpartPair)
class CounterpartPairAdmin(ArchiveOnlyAdmin):
    list_display = ("partnership", "first", "second")


@admin.register(Field)
class FieldAdmin(ArchiveOnlyAdmin):
    list_display = ("partnership", "name", "name_en", "order")

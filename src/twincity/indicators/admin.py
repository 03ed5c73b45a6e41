from django.contrib import admin

from twincity.core.admin import ArchiveOnlyAdmin
from twincity.indicators.models import DataElement, Framework, IndexRun, Indicator, Observation


@admin.register(DataElement, Indicator, Framework)
class DefinitionAdmin(ArchiveOnlyAdmin):
    """Read-mostly: definitions are kept in the application, where the rules and the trail live."""

    list_display = ("code", "name", "archived_at")
    search_fields = ("code", "name", "name_en")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Observation)
class ObservationAdmin(ArchiveOnlyAdmin):
    list_display = ("element", "region", "period", "value", "status")
    list_filter = ("status",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(IndexRun)
class IndexRunAdmin(ArchiveOnlyAdmin):
    list_display = ("title", "framework", "status", "published_at")
    list_filter = ("status",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

from django.contrib import admin

from twincity.core.admin import ArchiveOnlyAdmin
from twincity.siting.models import SitingBid, SitingCase


class SitingBidInline(admin.TabularInline):
    model = SitingBid
    extra = 0
    can_delete = False
    fields = ("side", "unit", "candidate_site", "withdrawn_on")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SitingCase)
class SitingCaseAdmin(ArchiveOnlyAdmin):
    """Read-mostly: cases are negotiated and decided in the application, where the rules live."""

    list_display = ("code", "title", "industry", "status", "decided_side", "decided_on", "archived_at")
    list_filter = ("status",)
    search_fields = ("code", "title", "industry")
    readonly_fields = [f.name for f in SitingCase._meta.concrete_fields]
    inlines = [SitingBidInline]

    def has_add_permission(self, request):
        return False

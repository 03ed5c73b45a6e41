from django.contrib import admin

from twincity.core.admin import ArchiveOnlyAdmin
from twincity.policies.models import AlignmentGroup, AlignmentMember, Clause, Policy


class ReadOnlyAdmin(ArchiveOnlyAdmin):
    """Read-mostly: policies and groups are edited in the application, where the comparison and its checks live."""

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.concrete_fields]

    def has_add_permission(self, request):
        return False


class ClauseInline(admin.TabularInline):
    model = Clause
    fields = ("reference", "term_name", "value", "unit", "qualifier", "archived_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class MemberInline(admin.TabularInline):
    model = AlignmentMember
    fields = ("clause", "added_by", "archived_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Policy)
class PolicyAdmin(ReadOnlyAdmin):
    list_display = ("title", "side", "issuing_body", "document_number", "effective_on", "expires_on", "archived_at")
    list_filter = ("side",)
    search_fields = ("title", "document_number", "issuing_body")
    inlines = [ClauseInline]


@admin.register(AlignmentGroup)
class AlignmentGroupAdmin(ReadOnlyAdmin):
    list_display = ("code", "title", "term_name", "unit", "tolerance", "tolerance_kind", "divergence", "status")
    list_filter = ("status", "tolerance_kind")
    search_fields = ("code", "title", "term_name")
    inlines = [MemberInline]

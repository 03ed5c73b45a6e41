from django.contrib import admin

from twincity.core.admin import ArchiveOnlyAdmin
from twincity.supervision.models import Case, CaseSide


class CaseSideInline(admin.TabularInline):
    model = CaseSide
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in CaseSide._meta.concrete_fields if f.name != "id"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(ArchiveOnlyAdmin):
    """Read-only: a case moves through its services (follow, sign-off, feedback, completion, closure)."""

    list_display = ("code", "title", "kind", "partnership", "due_on", "state", "level", "rating")
    list_filter = ("state", "kind", "level")
    search_fields = ("code", "title")
    readonly_fields = [f.name for f in Case._meta.concrete_fields]
    inlines = [CaseSideInline]

    def has_add_permission(self, request):
        return False

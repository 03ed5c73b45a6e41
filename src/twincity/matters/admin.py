from django.contrib import admin

from twincity.core.admin import ArchiveOnlyAdmin
from twincity.matters.models import Matter, MatterList


@admin.register(MatterList)
class MatterListAdmin(ArchiveOnlyAdmin):
    list_display = ("partnership", "year", "title")


@admin.register(Matter)
class MatterAdmin(ArchiveOnlyAdmin):
    """Read-mostly: matters are edited in the application, where the workflow and its checks live."""

    list_display = ("code", "title", "year_list", "status", "percent_complete", "due_date", "archived_at")
    list_filter = ("status", "year")
    search_fields = ("code", "title")
    readonly_fields = [f.name for f in Matter._meta.concrete_fields]

    def has_add_permission(self, request):
        return False

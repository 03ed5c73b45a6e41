from django.contrib import admin

from twincity.core.admin import ArchiveOnlyAdmin
from twincity.visits.models import Gap, Lesson, Visit


@admin.register(Visit)
class VisitAdmin(ArchiveOnlyAdmin):
    """Read-mostly: visits are recorded in the application, where their rules and checks live."""

    list_display = ("code", "title", "visiting_region", "host_region", "start_date", "level", "status", "archived_at")
    list_filter = ("level", "status")
    search_fields = ("code", "title", "head_of_delegation")
    readonly_fields = [f.name for f in Visit._meta.concrete_fields]

    def has_add_permission(self, request):
        return False


class LearningAdmin(ArchiveOnlyAdmin):
    """Lessons and gaps alike: read-mostly, edited and followed up in the application."""

    list_display = ("code", "number", "title", "side", "visit", "archived_at")
    list_filter = ("side",)
    search_fields = ("code", "title", "text")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.concrete_fields]

    def has_add_permission(self, request):
        return False


admin.site.register(Lesson, LearningAdmin)
admin.site.register(Gap, LearningAdmin)

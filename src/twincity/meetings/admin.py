from django.contrib import admin

from twincity.core.admin import ArchiveOnlyAdmin
from twincity.meetings.models import ActionItem, MeetingSeries, Session


class ReadOnlyAdmin(ArchiveOnlyAdmin):
    """Read-mostly: meetings are run in the application, where rotation, locking and the cycle live."""

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.concrete_fields]


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(ReadOnlyAdmin):
    list_display = ("name", "partnership", "kind", "cadence")


@admin.register(Session)
class SessionAdmin(ReadOnlyAdmin):
    list_display = ("series", "number", "starts_at", "host", "status", "minutes_status")
    list_filter = ("status", "minutes_status")


@admin.register(ActionItem)
class ActionItemAdmin(ReadOnlyAdmin):
    list_display = ("code", "title", "session", "status", "due_date")
    list_filter = ("status",)
    search_fields = ("code", "title")

from django.contrib import admin

from twincity.audit.models import AuditEvent, JournalEntry, ObjectChange
from twincity.core.admin import ArchiveOnlyAdmin


class ReadOnlyAdmin(ArchiveOnlyAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ObjectChange)
class ObjectChangeAdmin(ReadOnlyAdmin):
    list_display = ("time", "user_name", "action", "changed_object_type", "object_repr", "request_id")
    list_filter = ("action", "changed_object_type")
    search_fields = ("object_repr", "user_name")


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("time", "user_name", "verb", "object_repr")
    list_filter = ("verb",)


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnlyAdmin):
    list_display = ("time", "author", "kind", "text")

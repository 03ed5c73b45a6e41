from django.contrib import admin

from twincity.notifications.models import CalendarToken, Notification, ReminderLog


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "user", "kind", "created", "read_at")
    list_filter = ("kind",)
    search_fields = ("title", "user__username")
    raw_id_fields = ("user",)


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
    list_display = ("sent_at", "kind", "channel", "recipient", "address", "subject")
    list_filter = ("kind", "channel")
    search_fields = ("key", "address", "subject")

    def has_change_permission(self, request, obj=None):
        return False  # the log is a record of what went out


@admin.register(CalendarToken)
class CalendarTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "hint", "created", "last_used_at", "revoked_at")
    readonly_fields = ("token_hash", "hint", "created", "last_used_at", "revoked_at")

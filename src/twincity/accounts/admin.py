from django.contrib import admin

from twincity.accounts.models import LoginAttempt, Membership
from twincity.core.admin import ArchiveOnlyAdmin


@admin.register(Membership)
class MembershipAdmin(ArchiveOnlyAdmin):
    list_display = ("user", "partnership", "role", "region", "organisation", "archived_at")
    list_filter = ("role", "partnership")
    search_fields = ("user__username", "user__first_name", "user__last_name")
    autocomplete_fields = ()


@admin.register(LoginAttempt)
class LoginAttemptAdmin(ArchiveOnlyAdmin):
    list_display = ("time", "username", "address", "succeeded")
    list_filter = ("succeeded",)
    search_fields = ("username", "address")

    def has_change_permission(self, request, obj=None):
        return False

from django.contrib import admin

from twincity.accounts.models import ApiToken, Membership
from twincity.core.admin import ArchiveOnlyAdmin


@admin.register(Membership)
class MembershipAdmin(ArchiveOnlyAdmin):
    list_display = ("user", "partnership", "role", "region", "organisation", "archived_at")
    list_filter = ("role", "partnership")
    search_fields = ("user__username", "user__first_name", "user__last_name")
    autocomplete_fields = ()


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Read-only: a token is made by its owner on "My account" and ends there, with the password, or by expiry."""

    list_display = ("user", "prefix", "created", "last_used_at", "expires_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("user__username", "prefix")
    readonly_fields = ("user", "prefix", "created", "last_used_at", "expires_at", "revoked_at")
    exclude = ("digest",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

from django.contrib import admin

from twincity.accounts.models import Membership
from twincity.core.admin import ArchiveOnlyAdmin


@admin.register(Membership)
class MembershipAdmin(ArchiveOnlyAdmin):
    list_display = ("user", "partnership", "role", "region", "organisation", "archived_at")
    list_filter = ("role", "partnership")
    search_fields = ("user__username", "user__first_name", "user__last_name")
    autocomplete_fields = ()

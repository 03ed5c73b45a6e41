from django.contrib import admin

from twincity.agreements.models import Agreement, AgreementParty, Obligation
from twincity.core.admin import ArchiveOnlyAdmin


class PartyInline(admin.TabularInline):
    model = AgreementParty
    extra = 0
    can_delete = False
    readonly_fields = ("organisation", "side", "signatory", "signatory_post")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Agreement)
class AgreementAdmin(ArchiveOnlyAdmin):
    """Read-mostly: agreements are edited in the application, where the workflow and its checks live."""

    list_display = ("code", "title", "topic", "partnership", "signed_on", "expires_on", "status", "archived_at")
    list_filter = ("status",)
    search_fields = ("code", "title", "topic")
    readonly_fields = [f.name for f in Agreement._meta.concrete_fields]
    inlines = [PartyInline]

    def has_add_permission(self, request):
        return False


@admin.register(Obligation)
class ObligationAdmin(ArchiveOnlyAdmin):
    list_display = ("text", "agreement", "side", "organisation", "due_date", "archived_at")
    search_fields = ("text",)
    readonly_fields = [f.name for f in Obligation._meta.concrete_fields]

    def has_add_permission(self, request):
        return False

from django.contrib import admin

from twincity.core.admin import ArchiveOnlyAdmin
from twincity.exchanges.models import Secondment, SecondmentReport


class SecondmentReportInline(admin.TabularInline):
    model = SecondmentReport
    fields = ("period", "reported_on", "text", "filed_by", "archived_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Secondment)
class SecondmentAdmin(ArchiveOnlyAdmin):
    """Read-mostly: secondments are kept in the application, where the sides, the evaluation and their checks live."""

    list_display = (
        "person_name",
        "rank",
        "home_organisation",
        "host_organisation",
        "start_date",
        "end_date",
        "cut_short_on",
        "rating",
        "archived_at",
    )
    list_filter = ("rank", "rating", "home_side", "host_side")
    search_fields = ("code", "title", "person_name", "post")
    readonly_fields = [f.name for f in Secondment._meta.concrete_fields]
    inlines = [SecondmentReportInline]

    def has_add_permission(self, request):
        return False

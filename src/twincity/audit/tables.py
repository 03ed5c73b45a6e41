import django_tables2 as tables
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from twincity.audit.models import ObjectChange, display_name, with_names
from twincity.core.tables import LeanTable


def author(record) -> str:
    """Who made a change, by their name (the sign-in name when they have none, or when the account is gone)."""
    return display_name(record.user) if record.user_id and record.user else record.user_name or "—"


def shown_diff(change) -> list[tuple[str, object, object]]:
    return change.shown_diff()


def changes_html(change):
    rows = [(k, str(b)[:60], str(a)[:60]) for k, b, a in shown_diff(change)][:8]
    return (
        format_html_join(
            "",
            '<div class="small"><span class="text-muted">{}</span> <span class="tc-diff-old">{}</span>'
            ' → <span class="tc-diff-new">{}</span></div>',
            rows,
        )
        or "—"
    )


class ObjectChangeTable(LeanTable):
    time = tables.DateTimeColumn(verbose_name=_("Time"), format="Y-m-d H:i:s")
    user_name = tables.Column(verbose_name=_("User"), empty_values=())
    action = tables.Column(verbose_name=pgettext_lazy("audit", "Action"))
    changed_object_type = tables.Column(verbose_name=_("Kind"), accessor="changed_object_type")
    object_repr = tables.Column(verbose_name=_("Object"))
    changes = tables.Column(verbose_name=_("Changes"), accessor="pk", orderable=False, empty_values=())
    request_id = tables.Column(verbose_name=_("Request"), orderable=False)

    class Meta:
        model = ObjectChange
        fields = ()
        sequence = ("time", "user_name", "action", "changed_object_type", "object_repr", "changes", "request_id")
        attrs = {"class": "table table-sm align-middle mb-0", "id": "audit-table"}
        empty_text = _("No changes match these filters.")

    def before_render(self, request):
        # The records the page's changes refer to, named: one query per kind of record, for the page only.
        if hasattr(self, "page"):
            with_names(row.record for row in self.page.object_list)

    def render_user_name(self, record):
        return author(record)

    def render_changes(self, record):
        return changes_html(record)

    def render_changed_object_type(self, value):
        return value.name

    def render_request_id(self, value):
        return format_html('<a class="font-monospace small" href="?request_id={}">{}</a>', value, str(value)[:8])

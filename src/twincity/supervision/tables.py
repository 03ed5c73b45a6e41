import django_tables2 as tables
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from twincity.core.tables import LeanTable, choice_display
from twincity.supervision.models import Case
from twincity.supervision.registry import for_kind


class CaseTable(LeanTable):
    code = tables.Column(verbose_name=_("Code"), attrs={"td": {"class": "font-monospace text-nowrap"}})
    title = tables.Column(verbose_name=_("Item under supervision"), linkify=True)
    kind = tables.Column(verbose_name=_("Kind"))
    sides = tables.Column(verbose_name=_("Owning sides"), empty_values=(), orderable=False)
    due_on = tables.DateColumn(verbose_name=_("Due on"), format="Y-m-d")
    next_feedback_on = tables.DateColumn(verbose_name=_("Next feedback due"), format="Y-m-d")
    state = tables.Column(verbose_name=_("State"))
    level = tables.Column(verbose_name=_("Sheet colour"))

    class Meta:
        model = Case
        fields = ("code", "title", "kind", "sides", "due_on", "next_feedback_on", "state", "level")
        template_name = "django_tables2/bootstrap5.html"
        attrs = {"class": "table table-hover table-sm align-middle mb-0", "id": "case-table"}
        empty_text = _("No supervised items match these filters.")

    def render_kind(self, value, record):
        entry = for_kind(value)
        return (entry.label or value) if entry else value

    def render_sides(self, record):
        return (
            format_html_join(
                "",
                '<span class="badge text-bg-{} me-1">{} {}</span>',
                (_side_badge(side) for side in record.sides.all()),
            )
            or "—"
        )

    def render_state(self, value, record):
        return format_html(
            '<span class="badge tc-status tc-status-{}">{}</span>', record.state, choice_display(record, "state")
        )

    def render_level(self, value, record):
        css = {"blue": "primary", "yellow": "warning", "red": "danger"}.get(record.level, "secondary")
        return format_html('<span class="badge text-bg-{}">{}</span>', css, choice_display(record, "level"))


def _side_badge(side) -> tuple:
    if side.completed_at:
        return "success", side.side, "✓"
    if side.signed_at:
        return "primary", side.side, "…"
    return "secondary", side.side, "○"

import django_tables2 as tables
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from twincity.core.tables import choice_display
from twincity.core.text import join_words
from twincity.policies.models import AlignmentGroup, Policy
from twincity.registers.tables import RegisterTable


class PolicyTable(RegisterTable):
    side = tables.Column(verbose_name=_("Side"), accessor="side__label", order_by=("side__code",))
    issuing_body = tables.Column(verbose_name=_("Issuing body"))
    document_number = tables.Column(verbose_name=_("Document number"), attrs={"td": {"class": "text-nowrap"}})
    effective_on = tables.DateColumn(verbose_name=_("Effective from"), format="Y-m-d")
    expires_on = tables.DateColumn(verbose_name=_("Expires on"), format="Y-m-d")

    class Meta(RegisterTable.Meta):
        model = Policy
        sequence = ("code", "side", "title", "field", "issuing_body", "document_number", "effective_on", "expires_on")


class AlignmentGroupTable(RegisterTable):
    term_name = tables.Column(verbose_name=_("Policy term"))
    values = tables.Column(verbose_name=_("Each side's terms"), empty_values=(), orderable=False)
    divergence = tables.Column(verbose_name=_("Divergence"), attrs={"td": {"class": "text-nowrap text-end"}})
    tolerance = tables.Column(verbose_name=_("Tolerance"), attrs={"td": {"class": "text-nowrap text-end"}})
    status = tables.Column(verbose_name=_("Status"), attrs={"td": {"class": "text-nowrap"}})

    class Meta(RegisterTable.Meta):
        model = AlignmentGroup
        sequence = ("code", "title", "field", "term_name", "values", "divergence", "tolerance", "status")
        row_attrs = {"data-group": lambda record: record.pk, "data-status": lambda record: record.shown_status}

    def render_values(self, record):
        """Each side's values side by side (the list prefetches ``live_members``)."""
        by_side: dict = {}
        for member in record.live_members:
            side = member.clause.policy.side
            by_side.setdefault(side, []).append(member.clause)
        return (
            format_html_join(
                " · ",
                '<span class="text-nowrap"><span class="text-muted">{}</span> {}</span>',
                ((side.label, join_words(c.value_display for c in clauses)) for side, clauses in by_side.items()),
            )
            or "—"
        )

    def render_divergence(self, record):
        return record.divergence_display or "—"

    def render_tolerance(self, record):
        return record.tolerance_display

    def render_status(self, record):
        return format_html(
            '<span class="badge tc-status tc-status-{}">{}</span>',
            record.shown_status,
            choice_display(record, "status"),
        )

"""The columns every register's list starts with; a register's table adds its own."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from twincity.core.tables import LeanTable, choice_display


class RegisterTable(LeanTable):
    """Number, title (linking to the entry) and field; sorting and pagination by django-tables2."""

    code = tables.Column(verbose_name=_("Number"), attrs={"td": {"class": "font-monospace text-nowrap"}})
    title = tables.Column(verbose_name=_("Title"), linkify=True)
    field = tables.Column(verbose_name=_("Field"), order_by=("field__order",))

    class Meta:
        fields = ()
        template_name = "django_tables2/bootstrap5.html"
        attrs = {"class": "table table-hover table-sm align-middle mb-0"}
        empty_text = _("Nothing matches these filters.")


class StatusColumn(tables.Column):
    """A workflow state as the badge the entry's page shows."""

    def render(self, value, record):
        return format_html(
            '<span class="badge tc-status tc-status-{}">{}</span>', record.status, choice_display(record, "status")
        )

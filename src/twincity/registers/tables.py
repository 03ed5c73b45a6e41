"""The columns every register's list starts with; a register's table adds its own."""

import django_tables2 as tables
from django.conf import settings
from django.utils.formats import localize
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from twincity.core.tables import LeanTable, choice_display, td_attributes
from twincity.core.text import escaped


class RegisterTable(LeanTable):
    """Number, title (linking to the entry) and field; sorting and pagination by django-tables2.

    A register's table may render its page's rows in one pass (``lean_rows``, as ``PetitionTable``) with the
    cells below: each what ``LeanTable`` makes of the column, as an f-string."""

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
        return status_cell(record)


def status_cell(record) -> str:
    """The badge of an entry's workflow state."""
    return mark_safe(  # escaped
        f'<span class="badge tc-status tc-status-{escaped(record.status)}">'
        f"{escaped(choice_display(record, 'status'))}</span>"
    )


class Cells:
    """What a page of a register's rows shares, read once: each shown column's ``<td>`` attributes as ``LeanTable``
    writes them (the column's own, then ``data-label`` with its header) and its text for an empty cell, escaped."""

    def __init__(self, table):
        self.td: dict[str, str] = {}
        self.default: dict[str, str] = {}
        for bound_column in table.columns:
            self.td[bound_column.name] = td_attributes(bound_column)
            self.default[bound_column.name] = escaped(bound_column.default)
        # A number as a template shows it (``localize``: grouped only when the settings ask for it).
        self.number = localize if settings.USE_THOUSAND_SEPARATOR else str

    def text(self, name: str, value) -> str:
        """A plain column: its value escaped, or the column's default when empty."""
        if value is None or value == "":
            return f"<td {self.td[name]}>{self.default[name]}</td>"
        return f"<td {self.td[name]}>{escaped(value)}</td>"

    def day(self, name: str, value) -> str:
        """A ``DateColumn(format="Y-m-d")``."""
        return f"<td {self.td[name]}>{value.isoformat() if value else self.default[name]}</td>"

    def title(self, record) -> str:
        """The title, linking to the entry."""
        if record.title is None or record.title == "":
            return f"<td {self.td['title']}>{self.default['title']}</td>"
        return f'<td {self.td["title"]}><a href="{escaped(record.get_absolute_url())}">{escaped(record.title)}</a></td>'

    def field(self, record) -> str:
        """The field by its name in the page's language."""
        return self.text("field", record.field)

    def status(self, record) -> str:
        """A ``StatusColumn``."""
        if not record.status:
            return f"<td {self.td['status']}>{self.default['status']}</td>"
        return f"<td {self.td['status']}>{status_cell(record)}</td>"

import django_tables2 as tables
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from twincity.petitions.models import Petition
from twincity.registers.tables import Cells, RegisterTable, StatusColumn

COLUMNS = ("code", "year", "title", "field", "target_authority", "status", "submitted_on", "response_on")
# What the list page reads of a request (``PetitionListView``): what a row shows or sorts by, the field's names.
ROW_FIELDS = (*COLUMNS, "field__name", "field__name_en")


class PetitionTable(RegisterTable):
    year = tables.Column(verbose_name=_("Year"))
    target_authority = tables.Column(verbose_name=_("Target authority"))
    status = StatusColumn(verbose_name=_("Status"), attrs={"td": {"class": "text-nowrap"}})
    submitted_on = tables.DateColumn(verbose_name=_("Submitted"), format="Y-m-d")
    response_on = tables.DateColumn(verbose_name=_("Answered"), format="Y-m-d")

    class Meta(RegisterTable.Meta):
        model = Petition
        sequence = COLUMNS

    def lean_rows(self) -> SafeString:
        """The page's rows as ``LeanTable.lean_rows`` renders them from these columns (a test compares the two),
        each cell an f-string: the headers and the words read once for the page, not per cell."""
        if tuple(column.name for column in self.columns) != COLUMNS:
            return super().lean_rows()  # another set of columns: the general way
        cells = Cells(self)
        number = cells.number
        out = []
        for p in self.paginated_rows.data:
            parity = "odd" if next(self._counter) % 2 else "even"
            out.append(
                f'<tr class="{parity}">{cells.text("code", p.code)}'
                f"{cells.text('year', None if p.year is None else number(p.year))}{cells.title(p)}{cells.field(p)}"
                f"{cells.text('target_authority', p.target_authority)}{cells.status(p)}"
                f"{cells.day('submitted_on', p.submitted_on)}{cells.day('response_on', p.response_on)}</tr>"
            )
        if not out:
            return super().lean_rows()  # the empty text
        return mark_safe("".join(out))  # every text above escaped

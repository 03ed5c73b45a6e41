import django_tables2 as tables
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from twincity.core.text import join_words
from twincity.matters.choices import Light
from twincity.matters.models import Matter, MatterOwner


def list_queryset():
    """Matters as every list of them reads them (the table, the dashboard's and my work's short lists):
    with their light, field, list and owning units, without the long texts."""
    return (
        Matter.objects.with_light()
        .defer("search_document", "goal", "description")  # long text no list shows
        .select_related("field", "year_list")
        .prefetch_related(Prefetch("owners", queryset=MatterOwner.objects.select_related("organisation")))
    )


class MatterTable(tables.Table):
    """The annual list as the office reads it: columns, sorting and pagination.

    Rows are rendered by ``matters/_matter_table.html`` straight from the records (owners come from a
    prefetch: no query per row).
    """

    pk = tables.CheckBoxColumn(
        accessor="pk",
        attrs={"th__input": {"data-select-all": "pk", "aria-label": _("Select all matters on this page")}},
        orderable=False,
    )
    code = tables.Column(verbose_name=_("Code"), order_by=("year", "code"))
    title = tables.Column(verbose_name=_("Matter"))
    field = tables.Column(verbose_name=_("Field"), order_by=("field__order",))
    lead_units = tables.Column(verbose_name=_("Lead units"), accessor="pk", orderable=False, empty_values=())
    status = tables.Column(verbose_name=_("Status"))
    light = tables.Column(verbose_name=_("Light"), order_by=("light",))
    percent_complete = tables.Column(verbose_name=_("Progress"))
    due_date = tables.Column(verbose_name=_("Due"))
    next_milestone_due = tables.Column(verbose_name=_("Next milestone"))

    class Meta:
        model = Matter
        fields = ()
        sequence = (
            "pk",
            "code",
            "title",
            "field",
            "lead_units",
            "status",
            "light",
            "percent_complete",
            "due_date",
            "next_milestone_due",
        )
        template_name = "matters/_matter_table.html"
        attrs = {"class": "table table-hover table-sm align-middle mb-0", "id": "matter-table"}
        empty_text = _("No matters match these filters.")

    # The cells as text (the PDF of the list): the rows on screen come from the template.
    def value_lead_units(self, record):
        return join_words(o.organisation.display_name for o in record.owners.all() if o.role == "lead") or "—"

    def value_light(self, record):
        return Light(record.light).label if record.light else ""

    def value_percent_complete(self, value):
        return f"{value}%"

    def __init__(self, *args, bulk: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.bulk = bulk
        if not bulk:
            self.columns.hide("pk")

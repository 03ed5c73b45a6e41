import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from twincity.matters.choices import Light
from twincity.matters.models import Matter


def light_badge(light: str) -> str:
    return format_html('<span class="tc-light tc-light-{}">{}</span>', light, Light(light).label)


def status_badge(record) -> str:
    return format_html(
        '<span class="badge tc-status tc-status-{}">{}</span>', record.status, record.get_status_display()
    )


def progress_bar(percent: int) -> str:
    return format_html(
        '<div class="d-flex align-items-center gap-2">'
        '<div class="tc-progress flex-grow-1"><span data-percent="{}"></span></div>'
        '<span class="small text-muted">{}%</span></div>',
        percent,
        percent,
    )


class MatterTable(tables.Table):
    """The annual list as the office reads it. Owners come from a prefetch: no query per row."""

    pk = tables.CheckBoxColumn(accessor="pk", attrs={"th__input": {"data-select-all": "pk"}}, orderable=False)
    code = tables.Column(verbose_name=_("Code"), linkify=True, order_by=("year", "code"))
    title = tables.Column(verbose_name=_("Matter"), linkify=True)
    field = tables.Column(verbose_name=_("Field"), accessor="field__name", order_by=("field__order",))
    lead_units = tables.Column(verbose_name=_("Lead units"), accessor="pk", orderable=False, empty_values=())
    status = tables.Column(verbose_name=_("Status"))
    light = tables.Column(verbose_name=_("Light"), order_by=("light",))
    percent_complete = tables.Column(verbose_name=_("Progress"))
    due_date = tables.DateColumn(verbose_name=_("Due"), format="Y-m-d")
    next_milestone_due = tables.DateColumn(verbose_name=_("Next milestone"), format="Y-m-d")

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
        attrs = {"class": "table table-hover table-sm align-middle mb-0", "id": "matter-table"}
        row_attrs = {"data-matter": lambda record: record.pk}
        empty_text = _("No matters match these filters.")

    def __init__(self, *args, bulk: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not bulk:
            self.columns.hide("pk")

    def render_field(self, record):
        return record.field.display_name if record.field else "—"

    def render_lead_units(self, record):
        leads = [o for o in record.owners.all() if o.role == "lead"]
        return (
            format_html_join(
                " ",
                '<span class="badge text-bg-light border fw-normal">{}</span>',
                ((o.organisation.display_name,) for o in leads),
            )
            or "—"
        )

    def render_status(self, record):
        return status_badge(record)

    def render_light(self, value):
        return light_badge(value)

    def render_percent_complete(self, value):
        return progress_bar(value)

    def render_code(self, record):
        return format_html(
            '<a href="{}" class="font-monospace">{}</a>', reverse("matters:matter", args=[record.pk]), record.code
        )

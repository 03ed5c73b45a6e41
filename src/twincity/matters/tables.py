import functools

import django_tables2 as tables
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.db import connection
from django.db.models import CharField, F, Func, OuterRef, Prefetch
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from twincity.core.addresses import STAND_IN, addresses_of
from twincity.core.tables import keep_column_copies
from twincity.core.text import escaped, join_words
from twincity.matters.choices import Light, OwnerRole
from twincity.matters.models import Matter, MatterOwner
from twincity.regions.models import Field, display_name

# What a row of the matter list on screen shows (``MatterTable.rows_html``): the list pages read only these.
ROW_FIELDS = ("id", "code", "title", "year", "field_id", "status", "percent_complete", "due_date", "next_milestone_due")


def rows_queryset():
    """Matters as the list on screen reads them: the row's own columns and its light, plain values a row
    (``matters.querysets.ListRow``: no model instance), no join (a join would reach the count and the ids of deep
    pages) and no related instances: the names of the page's fields are read by ``page_names``, and so are its lead
    units' unless the rows hold them (``lead_names``, on PostgreSQL).

    A copy of the day's query (``_rows_of``): the same for every reader, it holds no row and nobody's access (the
    door narrows the copy)."""
    return _rows_of(timezone.localdate(), connection.vendor).all()


@functools.lru_cache(maxsize=4)
def _rows_of(today, vendor: str):
    """``rows_queryset``'s query for a day (the light compares dates with it) and a database, built once: building
    it (the light's ``CASE``, the lead units' subquery, the columns) was half a millisecond of every list page, a
    copy of it is a hundredth. Only copied (``all()``), never read itself: it keeps no rows."""
    rows = Matter.objects.with_light(today)
    if vendor == "postgresql":
        rows = rows.annotate(lead_names=lead_names())
    return rows.list_rows(*ROW_FIELDS)


@functools.cache
def lead_names():
    """A matter's lead units as ``[[name, name_en], …]`` in the owners' order: a subquery of the row (PostgreSQL's
    ``ARRAY(SELECT …)``), read with the page's rows instead of in a query of its own (``page_names``: a millisecond
    of a list page, most of it the query's round trip and its 50 ids). Only the rows read are asked it: the count and
    the ids of deep pages select no annotation (``values("pk")``), and PostgreSQL computes it after the LIMIT. Built
    once: a query using an expression resolves a copy of it, never the expression itself."""
    pair = Func(
        F("organisation__name"),
        F("organisation__name_en"),
        template="ARRAY[%(expressions)s]",
        output_field=ArrayField(CharField()),
    )
    owners = MatterOwner.objects.filter(matter=OuterRef("pk"), role=OwnerRole.LEAD).order_by("pk").values(pair=pair)
    return ArraySubquery(owners)


def page_names(matters, known_fields=()) -> tuple[dict[int, str], dict[int, list[str]]]:
    """The names of these matters' fields (by field) and lead units (by matter, in the owners' order), in the
    language of the page: plain values, the lead units from the rows when they hold them (``lead_names``), else in
    one query for the page's rows.

    ``known_fields``: fields the request has read already (the filter bar's choices, read through the door): their
    names are taken from them, and only a field not among them (an archived one) is read."""
    field_ids = {m.field_id for m in matters if m.field_id}
    fields = {f.pk: f.display_name for f in known_fields if f.pk in field_ids}
    missing = field_ids - fields.keys()
    if missing:
        rows = Field.objects.filter(pk__in=missing).order_by().values_list("pk", "name", "name_en")
        fields.update((pk, display_name(name, name_en)) for pk, name, name_en in rows)
    leads: dict[int, list[str]] = {}
    if matters and all("lead_names" in vars(m) for m in matters):
        for m in matters:
            if m.lead_names:
                leads[m.pk] = [display_name(name, name_en) for name, name_en in m.lead_names]
        return fields, leads
    rows = (
        MatterOwner.objects.filter(matter_id__in=[m.pk for m in matters], role=OwnerRole.LEAD)
        .order_by("matter_id", "pk")
        .values_list("matter_id", "organisation__name", "organisation__name_en")
    )
    for matter_id, name, name_en in rows:
        leads.setdefault(matter_id, []).append(display_name(name, name_en))
    return fields, leads


def list_queryset():
    """Matters as every list of them reads them (the table, the dashboard's and my work's short lists):
    with their light, field, list and owning units, without the long texts."""
    return (
        Matter.objects.with_light()
        .defer("search_document", "goal", "description")  # long text no list shows
        .select_related("field", "year_list")
        .prefetch_related(Prefetch("owners", queryset=MatterOwner.objects.select_related("organisation")))
    )


@keep_column_copies  # a copy of each column per table, not a deep copy of them all (core.tables.ColumnCopies)
class MatterTable(tables.Table):
    """The annual list as the office reads it: columns, sorting and pagination.

    On screen the records are ``rows_queryset``'s and ``rows_html`` renders them in Python (the lead units in
    one query a page); ``matters/_matter_table.html`` keeps django-tables2's headers, sorting and pagination.
    The PDF reads the full records (``list_queryset``) through the ``value_*`` methods.
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

    def known_fields(self):
        """The fields the page read for its filter bar (the field filter's choices, through the door, as listed:
        ``ChoiceRow``s), which the list page renders before its rows: ``{% render_table %}`` lends the table the
        page's context."""
        filterset = (getattr(self, "context", None) or {}).get("filterset")
        field = getattr(getattr(filterset, "form", None), "fields", {}).get("field")
        if field is None:
            return ()
        listed = getattr(field, "listed_choices", None)
        rows = listed() if listed is not None else None
        return field.queryset if rows is None else rows

    def rows_html(self) -> SafeString:
        """The page's ``<tr>``s: what a template loop did cell by cell (a lookup of the column's header and two
        ``{% url %}`` per row: half of a 50-row page), done with the headers and the address read once. Each cell
        is one f-string, every text in it escaped by ``core.text.escaped`` (``format_html`` per cell was a fifth
        of a miss)."""
        label = {name: escaped(self.columns[name].header) for name in self.sequence if name != "pk"}
        href_of = _escaped_addresses("matters:matter")
        # The names of statuses and lights in the page's language, once (``get_status_display`` hashed every
        # choice's lazy name for each row).
        statuses = {value: escaped(name) for value, name in Matter._meta.get_field("status").flatchoices}
        lights = {value: escaped(name) for value, name in Light.choices}
        records = list(self.paginated_rows.data)  # the records themselves: no BoundRow made per row (no pinned rows)
        fields, leads_of = page_names(records, self.known_fields()) if records else ({}, {})
        # Texts many rows share, escaped once a page: the fields' names, the lead units' badges, the statuses and
        # lights as classes; the cells' constant parts (their headers as labels) written once.
        field_names = {pk: escaped(name) for pk, name in fields.items()}
        no_field = escaped("—")
        badges: dict[str, str] = {}
        as_class: dict = {}
        code_cell = f'<td class="text-nowrap" data-label="{label["code"]}"><a href="'
        title_cell = f'<td class="tc-card-title" data-label="{label["title"]}"><a href="'
        field_cell = f'<td class="text-nowrap" data-label="{label["field"]}">'
        leads_cell = f'<td data-label="{label["lead_units"]}">'
        status_cell = f'<td class="text-nowrap" data-label="{label["status"]}"><span class="badge tc-status tc-status-'
        light_cell = f'<td class="text-nowrap" data-label="{label["light"]}"><span class="tc-light tc-light-'
        percent_cell = (
            f'<td data-label="{label["percent_complete"]}"><div class="d-flex align-items-center gap-2"><div '
            'class="tc-progress flex-grow-1"><span data-percent="'
        )
        due_cell = f'<td class="text-nowrap" data-label="{label["due_date"]}">'
        next_cell = f'<td class="text-nowrap" data-label="{label["next_milestone_due"]}">'
        out = []
        for m in records:
            pk = int(m.pk)
            href = href_of(pk)
            code = escaped(m.code)
            select = (
                f'<td class="tc-card-select"><input type="checkbox" name="pk" value="{pk}" '
                f'class="form-check-input" aria-label="{code}"></td>'
                if self.bulk
                else ""
            )
            leads = ""
            for name in leads_of.get(m.pk, ()):
                badge = badges.get(name)
                if badge is None:
                    badge = badges[name] = f'<span class="badge text-bg-light border fw-normal">{escaped(name)}</span> '
                leads += badge
            light = as_class.get(m.light or "")
            if light is None:
                light = as_class[m.light or ""] = escaped(m.light or "")
            status_class = as_class.get(m.status)
            if status_class is None:
                status_class = as_class[m.status] = escaped(m.status)
            status = statuses.get(m.status, status_class)  # as get_status_display
            percent = int(m.percent_complete)
            out.append(
                f'<tr data-matter="{pk}">{select}'
                f'{code_cell}{href}" class="font-monospace">{code}</a></td>'
                f'{title_cell}{href}">{escaped(m.title)}</a></td>'
                f"{field_cell}{field_names.get(m.field_id, no_field)}</td>"
                f"{leads_cell}{leads}</td>"
                f'{status_cell}{status_class}">{status}</span></td>'
                f'{light_cell}{light}">{lights[m.light] if m.light else ""}</span></td>'
                f'{percent_cell}{percent}"></span></div><span class="small text-muted">{percent}%</span></div></td>'
                f"{due_cell}{_day(m.due_date)}</td>"
                f"{next_cell}{_day(m.next_milestone_due)}</td>"
                "</tr>"
            )
        if not out:
            out.append(
                format_html(
                    '<tr><td colspan="{}" class="text-muted py-4 text-center">{}</td></tr>',
                    len(self.columns),
                    self.empty_text,
                )
            )
        return mark_safe("\n".join(out))  # every text above went through escaped or format_html


def _day(value) -> str:
    """A date as the list prints it (``Y-m-d``), or a dash: ``isoformat`` is ``strftime("%Y-%m-%d")`` for a year of four
    digits, written without parsing a format."""
    if not value:
        return "—"
    return value.isoformat() if value.year >= 1000 else value.strftime("%Y-%m-%d")


def _escaped_addresses(view_name: str):
    """``escaped(address_of(view_name, pk))`` for a page of ids: the address's text around the id escaped once (an
    id's digits need no escaping)."""
    address = addresses_of(view_name)
    before, found, after = address(STAND_IN).partition(str(STAND_IN))
    if not found or str(STAND_IN) in after:
        return lambda pk: escaped(address(pk))
    before, after = escaped(before), escaped(after)

    def href(pk: int) -> str:
        return f"{before}{pk}{after}" if type(pk) is int and pk >= 0 else escaped(address(pk))

    return href

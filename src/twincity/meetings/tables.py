import django_tables2 as tables
from django.conf import settings
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import get_current_timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from twincity.core.addresses import addresses_of
from twincity.core.tables import LeanTable, choice_display, td_attributes_of
from twincity.core.text import escaped, local_time
from twincity.meetings.choices import ActionLight, SessionStatus
from twincity.meetings.models import ActionItem, MeetingSeries, Session
from twincity.regions.models import Region

LIGHT_BADGES = {
    ActionLight.RED: "text-bg-danger",
    ActionLight.YELLOW: "text-bg-warning",
    ActionLight.BLUE: "text-bg-primary",
    ActionLight.GREEN: "text-bg-success",
    ActionLight.GREY: "text-bg-secondary",
}


def action_light_badge(light: str) -> str:
    """Bootstrap badges: the shared stylesheet has no blue light, and pages carry no inline style."""
    return format_html(
        '<span class="badge {}" data-light="{}">{}</span>', LIGHT_BADGES[light], light, ActionLight(light).label
    )


_STATUS_ICONS = {SessionStatus.CANCELLED: "bi-x-circle", SessionStatus.HELD: "bi-check-circle"}


def status_badge(record) -> str:
    """The badge of a session's status (an action's too): an icon and the status's name. Built in Python, as a
    table renders one a row (``{{ s|status_badge }}`` on pages, ``meetings/templatetags/meeting_badges.py``)."""
    status = escaped(record.status)
    return mark_safe(
        f'<span class="badge tc-session-status tc-session-{status}" data-status="{status}"><i class="bi '
        f'{_STATUS_ICONS.get(record.status, "bi-calendar-event")}" aria-hidden="true"></i> '
        f"{escaped(choice_display(record, 'status'))}</span>"
    )


def session_label(session) -> str:
    return _("Session %(number)s") % {"number": session.number}


SESSION_COLUMNS = ("number", "series", "starts_at", "host", "venue", "status", "agenda", "minutes_status")


class SessionTable(LeanTable):
    """Sessions of the partnership's series. Series and host come in the same query."""

    number = tables.Column(verbose_name=_("No."), order_by=("series__name", "number"))
    series = tables.Column(verbose_name=_("Series"), accessor="series__name", order_by=("series__name",))
    starts_at = tables.DateTimeColumn(verbose_name=_("Date"), format="Y-m-d H:i")
    host = tables.Column(verbose_name=_("Host side"), accessor="host__name", order_by=("host__code",))
    venue = tables.Column(verbose_name=_("Venue"))
    status = tables.Column(verbose_name=_("Status"))
    agenda = tables.Column(verbose_name=_("Agenda"), accessor="agenda_published_at", orderable=False, empty_values=())
    minutes_status = tables.Column(verbose_name=_("Minutes of the meeting"))

    class Meta:
        model = Session
        fields = ()
        sequence = SESSION_COLUMNS
        attrs = {"class": "table table-hover table-sm align-middle mb-0", "id": "session-table"}
        row_attrs = {
            "data-session": lambda record: record.pk,
            # A cancelled session keeps its number (the next one takes it on): it must not read like the held one.
            "class": lambda record: "tc-session-cancelled-row" if record.status == SessionStatus.CANCELLED else "",
        }
        empty_text = _("No sessions match these filters.")

    # What the list page reads of a session (``SessionListView``): its own columns that a row shows or sorts by.
    # The series' and the host's names come with them only in a fragment (``RELATED_FIELDS``); on the whole page
    # they are the filter bar's choices, read just before (``before_render``).
    OWN_FIELDS = (
        "id",
        "number",
        "series",
        "starts_at",
        "host",
        "venue",
        "status",
        "agenda_published_at",
        "minutes_status",
    )
    RELATED_FIELDS = ("series__name", "series__name_en", "host__name", "host__name_en", "host__short_name")
    _NAMES = {"series": (MeetingSeries, ("name", "name_en")), "host": (Region, ("name", "name_en", "short_name"))}

    def before_render(self, request):
        """The series and host of each of the page's sessions whose row did not bring them: those the filter bar
        read for its choices (through the door; the page renders it before the rows, ``{% render_table %}`` lends
        the table the page's context), any other (an archived series) in one query per kind."""
        records = list(self.paginated_rows.data)
        for name, (model, fields) in self._NAMES.items():
            field = Session._meta.get_field(name)
            wanted = {getattr(r, field.attname) for r in records if not field.is_cached(r)}
            if not wanted:
                continue
            found = {o.pk: o for o in self._choices_read(name) if o.pk in wanted}
            missing = wanted - found.keys()
            if missing:
                found.update(model._base_manager.filter(pk__in=missing).only(*fields).in_bulk())
            for r in records:
                if not field.is_cached(r):
                    field.set_cached_value(r, found[getattr(r, field.attname)])

    def _choices_read(self, name: str):
        """The choices of the page's filter ``name`` (none outside a page: a table rendered on its own)."""
        filterset = (getattr(self, "context", None) or {}).get("filterset")
        field = getattr(getattr(filterset, "form", None), "fields", {}).get(name)
        return () if field is None else field.queryset

    def lean_rows(self) -> SafeString:
        """The page's rows as ``LeanTable.lean_rows`` renders them from these columns (a test compares the two),
        each cell one f-string: the headers, the address and the words read once for the page, not per cell."""
        if tuple(column.name for column in self.columns) != SESSION_COLUMNS:
            return super().lean_rows()  # another set of columns: the general way
        td = td_attributes_of(self)
        default = {name: escaped(self.columns[name].default) for name in ("series", "host", "venue", "minutes_status")}
        label = gettext("Session %(number)s")
        published = f'<span class="text-success">{escaped(_("Published"))}</span>'
        unpublished = f'<span class="text-muted">{escaped(_("Not published"))}</span>'
        address = addresses_of("meetings:session")
        zone = get_current_timezone() if settings.USE_TZ else None
        # What many rows share, written once for the page (by what the cell shows): a series' and a host's names, a
        # status's badge, a state of the minutes.
        series_cells: dict[tuple, str] = {}
        host_cells: dict[tuple, str] = {}
        badges: dict[str, str] = {}
        minutes_cells: dict[str, str] = {}
        out = []
        for s in self.paginated_rows.data:
            parity = "odd" if next(self._counter) % 2 else "even"
            css = f"tc-session-cancelled-row {parity}" if s.status == SessionStatus.CANCELLED else parity
            series, host = s.series, s.host
            names = (series.name, series.name_en)
            series_cell = series_cells.get(names)
            if series_cell is None:
                series_cell = escaped(series.display_name) if series.name else default["series"]
                series_cells[names] = series_cell
            names = (host.name, host.name_en, host.short_name)
            host_cell = host_cells.get(names)
            if host_cell is None:
                host_cell = host_cells[names] = escaped(host.label) if host.name else default["host"]
            badge = badges.get(s.status)
            if badge is None:
                badge = badges[s.status] = status_badge(s)
            minutes_cell = minutes_cells.get(s.minutes_status)
            if minutes_cell is None:
                minutes = choice_display(s, "minutes_status")
                minutes_cell = escaped(minutes) if minutes else default["minutes_status"]
                minutes_cells[s.minutes_status] = minutes_cell
            out.append(
                f'<tr data-session="{escaped(s.pk)}" class="{css}">'
                f'<td {td["number"]}><a href="{escaped(address(s.pk))}">'
                f"{escaped(label % {'number': s.number})}</a></td>"
                f"<td {td['series']}>{series_cell}</td>"
                f"<td {td['starts_at']}>{local_time(s.starts_at, zone)}</td>"
                f"<td {td['host']}>{host_cell}</td>"
                f"<td {td['venue']}>{escaped(s.venue) if s.venue else default['venue']}</td>"
                f"<td {td['status']}>{badge}</td>"
                f"<td {td['agenda']}>{published if s.agenda_published_at else unpublished}</td>"
                f"<td {td['minutes_status']}>{minutes_cell}</td>"
                "</tr>"
            )
        if not out:
            return super().lean_rows()  # the empty text
        return mark_safe("".join(out))  # every text above escaped

    def render_number(self, record):
        return format_html(
            '<a href="{}">{}</a>',
            record.get_absolute_url(),
            _("Session %(number)s") % {"number": record.number},
        )

    def render_series(self, record):
        return record.series.display_name

    def render_host(self, record):
        return record.host.label

    def render_status(self, record):
        return status_badge(record)

    def render_agenda(self, record):
        if record.agenda_published_at:
            return format_html('<span class="text-success">{}</span>', _("Published"))
        return format_html('<span class="text-muted">{}</span>', _("Not published"))


class ActionTable(LeanTable):
    """Supervised actions. Owners come from a prefetch and the light from the database: no query per row."""

    code = tables.Column(verbose_name=_("Code"), order_by=("session__number", "code"))
    title = tables.Column(verbose_name=_("Action"), linkify=True)
    session = tables.Column(verbose_name=_("Decided at"), order_by=("session__starts_at",))
    owner_units = tables.Column(verbose_name=_("Owners"), accessor="pk", orderable=False, empty_values=())
    status = tables.Column(verbose_name=_("Status"))
    light = tables.Column(verbose_name=_("Light"), order_by=("light",))
    due_date = tables.DateColumn(verbose_name=_("Due"), format="Y-m-d")
    last_feedback_on = tables.DateColumn(verbose_name=_("Last feedback"), format="Y-m-d")

    class Meta:
        model = ActionItem
        fields = ()
        sequence = ("code", "title", "session", "owner_units", "status", "light", "due_date", "last_feedback_on")
        attrs = {"class": "table table-hover table-sm align-middle mb-0", "id": "action-table"}
        row_attrs = {"data-action": lambda record: record.pk}
        empty_text = _("No actions match these filters.")

    def render_code(self, record):
        return format_html('<a href="{}" class="font-monospace">{}</a>', record.get_absolute_url(), record.code)

    def render_session(self, record):
        return format_html(
            '<a href="{}">{} · {}</a>',
            record.session.get_absolute_url(),
            record.session.series.display_name,
            _("Session %(number)s") % {"number": record.session.number},
        )

    def render_owner_units(self, record):
        return (
            format_html_join(
                " ",
                '<span class="badge text-bg-light border fw-normal">{}</span>',
                ((o.organisation.display_name,) for o in record.owners.all()),
            )
            or "—"
        )

    def render_status(self, record):
        return status_badge(record)

    def render_light(self, value):
        return action_light_badge(value)

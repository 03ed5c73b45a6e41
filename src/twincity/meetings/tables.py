import django_tables2 as tables
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from twincity.core.tables import LeanTable, choice_display
from twincity.meetings.choices import ActionLight, SessionStatus
from twincity.meetings.models import ActionItem, Session

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
    status = record.status
    return format_html(
        '<span class="badge tc-session-status tc-session-{}" data-status="{}"><i class="bi {}" aria-hidden="true">'
        "</i> {}</span>",
        status,
        status,
        _STATUS_ICONS.get(status, "bi-calendar-event"),
        choice_display(record, "status"),
    )


def session_label(session) -> str:
    return _("Session %(number)s") % {"number": session.number}


class SessionTable(LeanTable):
    """Sessions of the partnership's series. Series, host and secretariat come in the same query."""

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
        sequence = ("number", "series", "starts_at", "host", "venue", "status", "agenda", "minutes_status")
        attrs = {"class": "table table-hover table-sm align-middle mb-0", "id": "session-table"}
        row_attrs = {
            "data-session": lambda record: record.pk,
            # A cancelled session keeps its number (the next one takes it on): it must not read like the held one.
            "class": lambda record: "tc-session-cancelled-row" if record.status == SessionStatus.CANCELLED else "",
        }
        empty_text = _("No sessions match these filters.")

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

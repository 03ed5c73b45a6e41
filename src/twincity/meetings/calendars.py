"""Meetings in people's calendars: iCalendar feeds (per person, per series) and e-mailed invitations.

A feed holds the sessions its owner may see, asked through the access door at every fetch, so a
person who leaves the partnership stops seeing its meetings without anyone touching the address.
Each session keeps one UID for its whole life and its ``version`` as the SEQUENCE, so a calendar
program updates a rescheduled session in place and strikes out a cancelled one (STATUS:CANCELLED).
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlparse

from django.conf import settings
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from icalendar import Calendar, Event, vCalAddress, vText

from twincity.accounts.access import can
from twincity.accounts.choices import Action
from twincity.meetings.choices import ItemStatus, SessionStatus
from twincity.meetings.models import AgendaItem, MeetingSeries, Session
from twincity.notifications.choices import NotificationKind
from twincity.notifications.services import Message, absolute_url, deliver

PRODID = "-//Twin-City Office//twincity meetings//ZH"
# How far back a feed reaches (TWINCITY_CALENDAR_PAST_DAYS): a year of past sessions is what people look
# up in a calendar; older ones are in the application.
FEED_PAST_DAYS = 400


def _domain() -> str:
    return urlparse(getattr(settings, "TWINCITY_BASE_URL", "http://localhost:8000")).hostname or "localhost"


def session_uid(session: Session) -> str:
    return f"twincity-session-{session.pk}@{_domain()}"


def _session_url(session: Session) -> str:
    try:
        return absolute_url(session.get_absolute_url())
    except NoReverseMatch:  # the meetings pages are not mounted (e.g. an API-only deployment)
        return ""


def session_title(session: Session) -> str:
    return _("%(series)s, session %(number)s") % {"series": session.series.display_name, "number": session.number}


def _description(session: Session, items: list[AgendaItem]) -> str:
    lines = [
        _("Host side: %(host)s") % {"host": session.host.label},
    ]
    if session.chair:
        lines.append(_("Chair: %(chair)s") % {"chair": session.chair})
    if session.secretariat_id:
        lines.append(_("Secretariat: %(unit)s") % {"unit": session.secretariat.display_name})
    if session.status == SessionStatus.CANCELLED:
        lines.append(_("Cancelled: %(reason)s") % {"reason": session.cancelled_reason or "—"})
    if items:
        lines.append(_("Agenda:"))
        lines.extend(f"{i}. {item.display_title}" for i, item in enumerate(items, start=1))
    url = _session_url(session)
    if url:
        lines.append(url)
    return "\n".join(lines)


def session_event(session: Session, *, items: list[AgendaItem] | None = None, stamp: dt.datetime | None = None):
    event = Event()
    event.add("uid", session_uid(session))
    event.add("dtstamp", stamp or timezone.now())
    tz = timezone.get_default_timezone()
    event.add("dtstart", session.starts_at.astimezone(tz))
    event.add("dtend", session.ends_at.astimezone(tz))
    event.add("summary", session_title(session))
    if session.venue:
        event.add("location", session.venue)
    event.add("description", _description(session, items or []))
    event.add("sequence", session.version)
    event.add("last-modified", session.last_updated)
    event.add("status", "CANCELLED" if session.status == SessionStatus.CANCELLED else "CONFIRMED")
    event.add("categories", [session.series.get_kind_display()])
    url = _session_url(session)
    if url:
        event.add("url", url)
    return event


def _calendar(name: str, *, method: str = "PUBLISH") -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    return cal


def _published_items(sessions: list[Session]) -> dict[int, list[AgendaItem]]:
    """Agenda items of the sessions whose agenda is published (a draft agenda stays inside the office)."""
    published = [s.pk for s in sessions if s.agenda_published_at is not None]
    by_session: dict[int, list[AgendaItem]] = {}
    if published:
        for item in AgendaItem.objects.filter(
            session_id__in=published, status=ItemStatus.ON_AGENDA, archived_at__isnull=True
        ).order_by("session_id", "order", "pk"):
            by_session.setdefault(item.session_id, []).append(item)
    return by_session


def build_calendar(sessions, name: str, *, method: str = "PUBLISH") -> bytes:
    sessions = list(sessions)
    items = _published_items(sessions)
    cal = _calendar(name, method=method)
    stamp = timezone.now()
    for session in sessions:
        cal.add_component(session_event(session, items=items.get(session.pk), stamp=stamp))
    cal.add_missing_timezones()
    return cal.to_ical()


def visible_sessions(user):
    """The sessions ``user`` may see, through the one door; recent and coming ones, archived left out."""
    since = timezone.now() - dt.timedelta(days=getattr(settings, "TWINCITY_CALENDAR_PAST_DAYS", FEED_PAST_DAYS))
    return (
        Session.objects.restrict(user, Action.VIEW)
        .filter(archived_at__isnull=True, starts_at__gte=since, series__archived_at__isnull=True)
        .select_related("series", "host", "secretariat", "partnership")
        .order_by("starts_at", "pk")
    )


def visible_series(user):
    return (
        MeetingSeries.objects.restrict(user, Action.VIEW)
        .filter(archived_at__isnull=True)
        .select_related("partnership")
        .order_by("partnership", "kind", "name")
    )


def user_feed(user) -> bytes:
    """Every session ``user`` may see, as one calendar."""
    with override(settings.LANGUAGE_CODE):
        return build_calendar(visible_sessions(user), _("Joint meetings"))


def series_feed(user, series_pk: int) -> bytes | None:
    """The sessions of one series, or None when ``user`` may not see that series."""
    series = visible_series(user).filter(pk=series_pk).first()
    if series is None:
        return None
    with override(settings.LANGUAGE_CODE):
        return build_calendar(visible_sessions(user).filter(series=series), series.display_name)


# ------------------------------------------------------------------------------------------------ invitations


def invitation_ics(session: Session, attendees=()) -> bytes:
    """A METHOD:REQUEST calendar holding the one session, for an e-mail invitation (RFC 5546)."""
    session = Session.objects.select_related("series", "host", "secretariat", "partnership").get(pk=session.pk)
    cancelled = session.status == SessionStatus.CANCELLED
    cal = _calendar(session_title(session), method="CANCEL" if cancelled else "REQUEST")
    event = session_event(session, items=_published_items([session]).get(session.pk))
    organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL}")
    organizer.params["cn"] = vText(
        session.secretariat.display_name if session.secretariat_id else session.partnership.display_name
    )
    event.add("organizer", organizer)
    for user in attendees:
        if user.email:
            attendee = vCalAddress(f"mailto:{user.email}")
            attendee.params["cn"] = vText(user.get_full_name() or user.get_username())
            attendee.params["role"] = vText("REQ-PARTICIPANT")
            attendee.params["rsvp"] = vText("FALSE")
            event.add("attendee", attendee, encode=0)
    cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


def send_invitations(session: Session, users=None) -> int:
    """E-mail an invitation with the session's ``.ics`` to each user who may see the session.

    ``users`` defaults to the session's audience (office, coordinators, leaders, presenting units'
    contacts: ``meetings.notifications.session_audience``).

    Sent once per version of the session: after a reschedule (which raises the version) the
    invitation goes out again and replaces the old one in calendar programs; a second call for the
    same version sends nothing. Returns the number of e-mails sent now.
    """
    if users is None:
        from twincity.meetings.notifications import session_audience  # noqa: PLC0415 - meetings.notifications imports this module

        users = session_audience(session)
    users = [u for u in users if can(u, Action.VIEW, session)]
    if not users:
        return 0
    with override(settings.LANGUAGE_CODE):
        title = session_title(session)
        starts = timezone.localtime(session.starts_at)
        cancelled = session.status == SessionStatus.CANCELLED
        subject = (
            _("Cancelled: %(title)s") % {"title": title}
            if cancelled
            else _("Invitation: %(title)s, %(date)s") % {"title": title, "date": starts.strftime("%Y-%m-%d %H:%M")}
        )
        body = _("%(title)s\nTime: %(time)s\nVenue: %(venue)s\nHost side: %(host)s") % {
            "title": title,
            "time": starts.strftime("%Y-%m-%d %H:%M"),
            "venue": session.venue or "—",
            "host": session.host.label,
        }
        payload = invitation_ics(session, users)
        method = "CANCEL" if cancelled else "REQUEST"
        message = Message(
            kind=NotificationKind.INVITATION,
            key=f"invitation:session:{session.pk}:v{session.version}",
            subject=subject,
            body=body,
            url=session.get_absolute_url() if _session_url(session) else "",
            partnership_id=session.partnership_id,
            attachments=[("invite.ics", payload, f"text/calendar; method={method}; charset=UTF-8")],
        )
    sent = 0
    for user in users:
        sent += "email" in deliver(message, user, channels=("email",))
    return sent

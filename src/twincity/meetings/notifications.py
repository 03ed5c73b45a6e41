"""Reminders about meetings and actions, sent by ``twincity send_reminders`` (cron or a systemd timer).

What is sent, to whom, and how often:

* the agenda of a coming session was published → the session's audience, once per publication;
* a session is ``TWINCITY_REMINDER_SESSION_DAYS`` (3) days away or less → its audience, once per date
  (a rescheduled session is announced again);
* an action is due within ``TWINCITY_REMINDER_ACTION_DUE_DAYS`` (3) days → its owners' contacts, once
  per due date;
* an action is overdue → its owners' contacts, every day until it is reported done; once it is
  ``TWINCITY_REMINDER_ESCALATION_DAYS`` (7) days late, also the coordinator of each owner's side,
  again every ``TWINCITY_REMINDER_ESCALATION_REPEAT_DAYS`` (7) days.

A session's audience is the partnership's office staff, coordinators and leaders, plus the contacts of
the units presenting an item; each must pass the access door for the session. Everything goes out
through ``notifications.services.deliver`` (e-mail and in-app, logged, never twice).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from twincity.accounts.access import Part, can, members_who
from twincity.accounts.choices import Action
from twincity.meetings.calendars import invitation_ics
from twincity.meetings.choices import OWNER_PENDING_STATUSES, ItemStatus, Notice, SessionStatus
from twincity.meetings.models import ActionItem, ActionOwner, Session
from twincity.notifications.choices import NotificationKind
from twincity.notifications.delivery import drain
from twincity.notifications.services import Message, announce, deliver

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReminderSettings:
    session_days: int = 3
    action_due_days: int = 3
    escalation_days: int = 7
    escalation_repeat_days: int = 7

    @classmethod
    def from_settings(cls) -> ReminderSettings:
        return cls(
            session_days=getattr(settings, "TWINCITY_REMINDER_SESSION_DAYS", cls.session_days),
            action_due_days=getattr(settings, "TWINCITY_REMINDER_ACTION_DUE_DAYS", cls.action_due_days),
            escalation_days=getattr(settings, "TWINCITY_REMINDER_ESCALATION_DAYS", cls.escalation_days),
            escalation_repeat_days=max(
                1, getattr(settings, "TWINCITY_REMINDER_ESCALATION_REPEAT_DAYS", cls.escalation_repeat_days)
            ),
        )


def _url(obj) -> str:
    try:
        return obj.get_absolute_url()
    except NoReverseMatch:
        return ""


def _date(day: dt.date) -> str:
    return day.strftime("%Y-%m-%d")


def _session_title(session: Session) -> str:
    return _("%(series)s, session %(number)s") % {"series": session.series.display_name, "number": session.number}


def session_audience(session: Session) -> list:
    """Who hears about a session: office, coordinators, leaders, and the contacts of presenting units."""
    units = set(
        session.items.filter(status=ItemStatus.ON_AGENDA, organisation__isnull=False).values_list(
            "organisation_id", flat=True
        )
    )
    members = list(members_who(session.partnership_id, Part.ATTENDS_SESSIONS))
    if units:
        members += list(members_who(session.partnership_id, Part.SPEAKS_FOR_UNITS, units))
    users = {m.user_id: m.user for m in members}
    return [u for u in users.values() if can(u, Action.VIEW, session)]


def action_contacts(action: ActionItem) -> list:
    """The unit contacts of the action's owners; for an owner without one, its side's coordinator."""
    owners = list(action.owners.all())
    units = {o.organisation_id for o in owners}
    contacts = list(members_who(action.partnership_id, Part.SPEAKS_FOR_UNITS, units))
    covered = {m.organisation_id for m in contacts}
    bare_sides = {o.side_id for o in owners if o.organisation_id not in covered}
    if bare_sides:
        contacts += list(members_who(action.partnership_id, Part.COORDINATES_SIDES, bare_sides))
    users = {m.user_id: m.user for m in contacts}
    return [u for u in users.values() if can(u, Action.VIEW, action)]


def action_coordinators(action: ActionItem) -> list:
    """The coordinators of the owners' sides: who hears when an action stays overdue."""
    sides = {o.side_id for o in action.owners.all()}
    members = members_who(action.partnership_id, Part.COORDINATES_SIDES, sides)
    users = {m.user_id: m.user for m in members}
    return [u for u in users.values() if can(u, Action.VIEW, action)]


FAILED = "failed"


def _send(message: Message, users, counts: Counter, *, dry_run: bool) -> None:
    for user in users:
        if dry_run:
            counts[f"{message.kind} (would send)"] += 1
            continue
        try:
            channels = deliver(message, user)
        except Exception:  # one refused e-mail must not stop the others; retried next run
            logger.exception("Reminder %s to user %s failed; it will be retried on the next run", message.key, user.pk)
            counts[FAILED] += 1
            continue
        for channel in channels:
            counts[f"{message.kind} {channel}"] += 1


def _owners_prefetch():
    return Prefetch("owners", queryset=ActionOwner.objects.select_related("organisation", "side"))


def remind_agenda_published(now: dt.datetime, counts: Counter, *, dry_run: bool = False) -> None:
    sessions = Session.objects.filter(
        status=SessionStatus.PLANNED,
        archived_at__isnull=True,
        agenda_published_at__lte=now,
        starts_at__gte=now,
    ).select_related("series", "host", "partnership")
    for session in sessions:
        audience = session_audience(session)
        _send(agenda_published_message(session, audience), audience, counts, dry_run=dry_run)


def agenda_published_message(session: Session, audience) -> Message:
    """The notice of a published agenda (keyed by the publication: a re-publication is announced again)."""
    title = _session_title(session)
    starts = timezone.localtime(session.starts_at)
    # The e-mail doubles as the invitation: the session rides along as an .ics for the calendar.
    invitation = invitation_ics(session, audience)
    return Message(
        kind=NotificationKind.AGENDA_PUBLISHED,
        key=f"agenda_published:session:{session.pk}:{int(session.agenda_published_at.timestamp())}",
        subject=_("Agenda published: %(title)s") % {"title": title},
        body=_("The agenda of %(title)s (%(time)s, %(venue)s, hosted by %(host)s) has been published.")
        % {
            "title": title,
            "time": starts.strftime("%Y-%m-%d %H:%M"),
            "venue": session.venue or "—",
            "host": session.host.label,
        },
        url=_url(session),
        partnership_id=session.partnership_id,
        attachments=[("invite.ics", invitation, "text/calendar; method=REQUEST; charset=UTF-8")],
    )


def announce_agenda_published(session: Session) -> int:
    """Tell the session's audience at once that its agenda was published (called in ``publish_agenda``'s
    transaction; the daily reminder run then finds it sent and sends nothing more)."""
    audience = session_audience(session)
    with override(settings.LANGUAGE_CODE):
        message = agenda_published_message(session, audience)
    return announce(
        message.kind,
        recipients=audience,
        subject=message.subject,
        body=message.body,
        url=message.url,
        partnership_id=message.partnership_id,
        key=message.key,
        attachments=message.attachments,
    )


def remind_sessions_soon(today: dt.date, config: ReminderSettings, counts: Counter, *, dry_run: bool = False) -> None:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(today, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(today + dt.timedelta(days=config.session_days + 1), dt.time.min, tzinfo=tz)
    sessions = Session.objects.filter(
        status=SessionStatus.PLANNED, archived_at__isnull=True, starts_at__gte=start, starts_at__lt=end
    ).select_related("series", "host", "partnership")
    for session in sessions:
        starts = timezone.localtime(session.starts_at)
        title = _session_title(session)
        message = Message(
            kind=NotificationKind.SESSION_SOON,
            key=f"session_soon:session:{session.pk}:{starts:%Y%m%d%H%M}",
            subject=_("%(title)s on %(date)s") % {"title": title, "date": starts.strftime("%Y-%m-%d %H:%M")},
            body=_("%(title)s will be held on %(time)s at %(venue)s, hosted by %(host)s.")
            % {
                "title": title,
                "time": starts.strftime("%Y-%m-%d %H:%M"),
                "venue": session.venue or "—",
                "host": session.host.label,
            },
            url=_url(session),
            partnership_id=session.partnership_id,
        )
        _send(message, session_audience(session), counts, dry_run=dry_run)


def _pending_actions():
    return (
        ActionItem.objects.filter(status__in=OWNER_PENDING_STATUSES, archived_at__isnull=True)
        .select_related("session__series")
        .prefetch_related(_owners_prefetch())
    )


def _action_body(action: ActionItem) -> str:
    owners = "、".join(o.organisation.display_name for o in action.owners.all())
    return _("%(code)s %(title)s\nOwners: %(owners)s\nDue: %(due)s\nStatus: %(status)s") % {
        "code": action.code,
        "title": action.title,
        "owners": owners,
        "due": _date(action.due_date),
        "status": action.get_status_display(),
    }


def remind_actions_due(today: dt.date, config: ReminderSettings, counts: Counter, *, dry_run: bool = False) -> None:
    horizon = today + dt.timedelta(days=config.action_due_days)
    for action in _pending_actions().filter(due_date__gte=today, due_date__lte=horizon):
        days = (action.due_date - today).days
        message = Message(
            kind=NotificationKind.ACTION_DUE,
            key=f"action_due:action:{action.pk}:{action.due_date:%Y%m%d}",
            subject=_("Action %(code)s is due in %(days)s days") % {"code": action.code, "days": days}
            if days
            else _("Action %(code)s is due today") % {"code": action.code},
            body=_action_body(action),
            url=_url(action),
            partnership_id=action.partnership_id,
        )
        _send(message, action_contacts(action), counts, dry_run=dry_run)


def remind_actions_overdue(today: dt.date, config: ReminderSettings, counts: Counter, *, dry_run: bool = False) -> None:
    for action in _pending_actions().filter(due_date__lt=today):
        late = (today - action.due_date).days
        body = _action_body(action)
        message = Message(
            kind=NotificationKind.ACTION_OVERDUE,
            key=f"action_overdue:action:{action.pk}:{today:%Y%m%d}",
            subject=_("Action %(code)s is %(days)s days overdue") % {"code": action.code, "days": late},
            body=body,
            url=_url(action),
            partnership_id=action.partnership_id,
        )
        _send(message, action_contacts(action), counts, dry_run=dry_run)
        if late >= config.escalation_days:
            round_ = (late - config.escalation_days) // config.escalation_repeat_days
            escalation = Message(
                kind=NotificationKind.ACTION_ESCALATED,
                key=f"action_escalated:action:{action.pk}:{action.due_date:%Y%m%d}:r{round_}",
                subject=_("Escalated: action %(code)s is %(days)s days overdue") % {"code": action.code, "days": late},
                body=_(
                    "An action owned by a unit on your side is %(days)s days overdue and has not been reported done."
                )
                % {"days": late}
                + "\n\n"
                + body,
                url=_url(action),
                partnership_id=action.partnership_id,
            )
            _send(escalation, action_coordinators(action), counts, dry_run=dry_run)


def send_reminders(
    *,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
    config: ReminderSettings | None = None,
    dry_run: bool = False,
) -> Counter:
    """Send every reminder due on ``today``; safe to run as often as wished. Returns counts by kind and channel."""
    config = config or ReminderSettings.from_settings()
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    counts: Counter = Counter()
    with override(settings.LANGUAGE_CODE):
        remind_agenda_published(now, counts, dry_run=dry_run)
        remind_sessions_soon(today, config, counts, dry_run=dry_run)
        remind_actions_due(today, config, counts, dry_run=dry_run)
        remind_actions_overdue(today, config, counts, dry_run=dry_run)
    if not dry_run:
        # What events queued in the outbox goes now too (the background worker does this between runs).
        drain()
    return counts


def announce_minutes_awaiting(session: Session, confirmation) -> int:
    """After one side confirmed the minutes, tell the coordinators of each side that has not yet that the minutes
    wait for their confirmation (called in ``confirm_minutes``'s transaction)."""
    waiting = [side for side in session.partnership.sides() if side.pk != confirmation.side_id]
    waiting = [side for side in waiting if not session.confirmations.filter(side=side).exists()]
    told = 0
    with override(settings.LANGUAGE_CODE):
        title = _session_title(session)
        for side in waiting:
            people = [m.user for m in members_who(session.partnership_id, Part.COORDINATES_SIDES, among=[side.pk])]
            told += announce(
                Notice.MINUTES_AWAITING,
                recipients=[u for u in people if can(u, Action.VIEW, session)],
                subject=_("Minutes waiting for your confirmation: %(title)s") % {"title": title},
                body=_("%(side)s confirmed the minutes of %(title)s; %(waiting)s has not yet.")
                % {"side": confirmation.side.label, "title": title, "waiting": side.label},
                url=_url(session),
                partnership_id=session.partnership_id,
                key=f"minutes_awaiting:session:{session.pk}:confirmation:{confirmation.pk}:side:{side.pk}",
                side_ids=[side.pk],
            )
    return told

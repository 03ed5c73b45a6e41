"""Series and their sessions: set up, planned by the cadence, added, edited, rescheduled, cancelled, held."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from twincity.accounts.access import require_in
from twincity.accounts.choices import Action
from twincity.audit.services import log_event
from twincity.core.services import lock, require, save_fields, update_versioned
from twincity.core.text import plain
from twincity.meetings.choices import CLOSED_ACTION_STATUSES, ItemSource, ItemStatus, SessionStatus
from twincity.meetings.models import ActionItem, MeetingSeries, Session
from twincity.meetings.services.actions import ACTION_DERIVED_FIELDS, _refresh_action
from twincity.meetings.services.common import ONLY_THE_OFFICE, SERIES_FIELDS, SESSION_FIELDS, _lock_version, _plain
from twincity.meetings.services.rotation import _at, _next_slot, _rebalance, default_secretariat, next_dates, rotation
from twincity.regions.models import Partnership


def create_series(*, partnership: Partnership, user, name: str, **fields) -> MeetingSeries:
    """The office sets up a standing meeting of the partnership."""
    unknown = set(fields) - set(SERIES_FIELDS)
    if unknown:
        raise ValueError(f"Not a series field: {sorted(unknown)}")
    with transaction.atomic():
        require_in(user, Action.ADMINISTER, partnership.pk, ONLY_THE_OFFICE)
        series = MeetingSeries(partnership=partnership, name=plain(name), **_plain(fields))
        if series.first_host_id and series.first_host_id not in rotation(partnership):
            raise ValidationError({"first_host": _("The first host must be a side of the partnership.")})
        series.full_clean()
        series.save()
        log_event("series.created", series)
    return series


def update_series(series: MeetingSeries, *, user, version: int | None, **changes) -> MeetingSeries:
    unknown = set(changes) - set(SERIES_FIELDS)
    if unknown:
        raise ValueError(f"Not a series field: {sorted(unknown)}")
    changes = _plain(changes)
    first_host = changes.get("first_host")
    if first_host is not None and first_host.pk not in rotation(series.partnership):
        raise ValidationError({"first_host": _("The first host must be a side of the partnership.")})
    with transaction.atomic():
        update_versioned(series, version, changes, user=user)
        if series.day_of_month > 28 or series.day_of_month < 1:
            raise ValidationError({"day_of_month": _("Choose a day from 1 to 28, which every month has.")})
        _rebalance(series)
        series.refresh_from_db()
        open_actions = ActionItem.objects.filter(session__series=series).exclude(status__in=CLOSED_ACTION_STATUSES)
        for item in open_actions.select_for_update(of=("self",)).order_by("pk"):  # fresh rows: dates derive from them
            _refresh_action(item, series=series)
            save_fields(item, ACTION_DERIVED_FIELDS)
    return series


# ---------------------------------------------------------------------------------------------- sessions


def generate_sessions(series: MeetingSeries, *, user, count: int = 3) -> list[Session]:
    """Plan the next ``count`` sessions by the cadence, numbered and hosted in rotation; edit them one by one after."""
    if count < 1 or count > 24:
        raise ValidationError(_("Plan between 1 and 24 sessions at a time."))
    with transaction.atomic():
        require_in(user, Action.ADMINISTER, series.partnership_id, ONLY_THE_OFFICE)
        lock(series)  # the series first: numbers and hosts are handed out one writer at a time
        last = series.sessions.filter(archived_at__isnull=True).order_by("-starts_at").first()
        after = timezone.localtime(last.starts_at).date() if last else timezone.localdate() - dt.timedelta(days=1)
        created = [
            _create_session(series, _at(day, series.default_time), series.default_duration_minutes)
            for day in next_dates(series, after, count)
        ]
        log_event("series.sessions_generated", series, data={"sessions": [s.pk for s in created]})
    return created


def _create_session(series: MeetingSeries, starts_at: dt.datetime, duration: int, **fields) -> Session:
    number, host = _next_slot(series)
    host = fields.pop("host_id", None) or host
    secretariat = default_secretariat(host)
    session = Session(
        series=series,
        partnership_id=series.partnership_id,
        number=number,
        host_id=host,
        starts_at=starts_at,
        duration_minutes=duration,
        secretariat=secretariat,
        **fields,
    )
    session.full_clean(validate_constraints=False)
    session.save()
    return session


def add_session(
    series: MeetingSeries, *, user, starts_at: dt.datetime, duration_minutes: int | None = None, **fields
) -> Session:
    """Add one session by hand (for a series that meets as needed, or an extra sitting)."""
    fields = _plain(fields)
    with transaction.atomic():
        require_in(user, Action.ADMINISTER, series.partnership_id, ONLY_THE_OFFICE)
        lock(series)  # the series before its sessions (the rebalancing locks them)
        later = series.sessions.filter(starts_at__gt=starts_at, archived_at__isnull=True)
        if later.exclude(status=SessionStatus.PLANNED).exists() or later.exclude(agenda_published_at=None).exists():
            raise ValidationError(_("A session cannot be added before one that is already held or published."))
        session = _create_session(series, starts_at, duration_minutes or series.default_duration_minutes, **fields)
        _rebalance(series)
        session.refresh_from_db()
        log_event("session.created", session)
    return session


def update_session(session: Session, *, user, version: int | None, **changes) -> Session:
    """Edit one session: venue, chair, secretariat, length, note; choosing another host is the office's."""
    unknown = set(changes) - set(SESSION_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    changes = _plain(changes)
    with transaction.atomic():
        host = changes.get("host")
        if host is not None:
            lock(session.series)  # a new host rebalances the series: the series before its sessions
        _lock_version(session, version, changes)  # judged on the session as it is now
        if session.is_cancelled:
            raise ValidationError(_("A cancelled session is not edited."))
        if host is not None and host.pk != session.host_id:
            require_in(user, Action.ADMINISTER, session.partnership_id, ONLY_THE_OFFICE)
            if host.pk not in rotation(session.partnership):
                raise ValidationError({"host": _("The host must be a side of the partnership.")})
            if session.agenda_frozen or session.is_held:
                raise ValidationError({"host": _("The host of a published or held session does not change.")})
            changes["host_fixed"] = True
        secretariat = changes.get("secretariat")
        host_id = host.pk if host is not None else session.host_id
        if secretariat is not None and secretariat.side_for(session.partnership) is None:
            raise ValidationError({"secretariat": _("The secretariat must be a unit of the partnership.")})
        if secretariat is not None and secretariat.side_for(session.partnership).pk != host_id:
            raise ValidationError({"secretariat": _("The secretariat is provided by the host side.")})
        update_versioned(session, version, changes, user=user)
        if host is not None:
            _rebalance(session.series)
            session.refresh_from_db()
    return session


def reschedule_session(
    session: Session, *, user, starts_at: dt.datetime, reason: str = "", version: int | None = None
) -> Session:
    """Move a session to another day. The host stays; the order of sessions may not change."""
    reason = plain(reason)
    with transaction.atomic():
        _lock_version(session, version, {"starts_at": starts_at})
        if not session.is_planned:
            raise ValidationError(_("Only a planned session can be rescheduled."))
        siblings = session.series.sessions.exclude(pk=session.pk).exclude(status=SessionStatus.CANCELLED)
        before = siblings.filter(starts_at__lt=session.starts_at).order_by("-starts_at").first()
        after = siblings.filter(starts_at__gt=session.starts_at).order_by("starts_at").first()
        if (before and starts_at <= before.starts_at) or (after and starts_at >= after.starts_at):
            raise ValidationError(
                {"starts_at": _("A session cannot move past its neighbours; cancel it instead, or move them first.")}
            )
        previous = session.starts_at
        update_versioned(session, version, {"starts_at": starts_at}, user=user)
        message = _("Rescheduled from %(from)s to %(to)s; %(host)s still hosts.") % {
            "from": timezone.localtime(previous).strftime("%Y-%m-%d %H:%M"),
            "to": timezone.localtime(starts_at).strftime("%Y-%m-%d %H:%M"),
            "host": session.host,
        }
        if reason:
            message = f"{message} {reason}"
        log_event(
            "session.rescheduled",
            session,
            message=message,
            data={"from": previous.isoformat(), "to": starts_at.isoformat()},
        )
    session.outcome_message = message
    return session


def cancel_session(session: Session, *, user, reason: str, version: int | None = None) -> Session:
    """Call a session off. It keeps its number for the record; its host hosts the next one, which says so."""
    reason = plain(reason)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the session is cancelled.")})
    changes = {"status": SessionStatus.CANCELLED, "cancelled_reason": reason}
    with transaction.atomic():
        lock(session.series)  # the series, the session, then its items: the order every meeting write keeps
        _lock_version(session, version, changes)
        if not session.is_planned:
            raise ValidationError(_("Only a planned session can be cancelled."))
        update_versioned(session, session.version, changes, user=user)
        returned = 0
        for item in session.items.filter(status=ItemStatus.ON_AGENDA).select_for_update().order_by("pk"):
            if item.source == ItemSource.PROPOSED:
                item.session, item.status = None, ItemStatus.BACKLOG
            else:
                item.status = ItemStatus.WITHDRAWN  # standing items are proposed afresh for the next session
            item.version += 1
            save_fields(item, ["session", "status", "version"])
            returned += 1
        _rebalance(session.series)
        following = (
            session.series.sessions.exclude(status=SessionStatus.CANCELLED)
            .filter(starts_at__gt=session.starts_at)
            .order_by("starts_at")
            .first()
        )
        if following is not None:
            message = _("Cancelled. %(host)s hosts the next session (no. %(number)s on %(date)s) instead.") % {
                "host": following.host,
                "number": following.number,
                "date": following.local_date.isoformat(),
            }
        else:
            message = _("Cancelled. %(host)s hosts the next session that is planned.") % {"host": session.host}
        log_event(
            "session.cancelled",
            session,
            message=f"{message} {reason}",
            data={"items_back_to_backlog": returned, "next": following.pk if following else None},
        )
    session.outcome_message = message
    return session


def mark_held(session: Session, *, user) -> Session:
    with transaction.atomic():
        require(user, Action.CHANGE, session)
        lock(session)
        if session.is_cancelled:
            raise ValidationError(_("A cancelled session was not held."))
        if session.status != SessionStatus.HELD:
            session.status = SessionStatus.HELD
            session.version += 1
            save_fields(session, ["status", "version"])
            log_event("session.held", session)
    return session

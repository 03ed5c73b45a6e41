"""Every write to the meetings: series and sessions (with the host rotation), agendas, minutes and
the supervision of actions. Each service is one transaction that checks access, writes, and leaves
its trace (automatic change records plus named events such as ``session.minutes_locked``)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from twincity.accounts.access import (
    can,
    coordinated_sides,
    is_office,
    memberships,
    minutes_sides,
    require_in,
    sides_spoken_for,
)
from twincity.accounts.choices import Action
from twincity.audit.services import log_event
from twincity.core import search
from twincity.core.services import ConflictError, attach, lock, require, save_fields, update_versioned
from twincity.core.text import plain
from twincity.meetings import sources
from twincity.meetings.choices import (
    CADENCE_MONTHS,
    CLOSED_ACTION_STATUSES,
    OWNER_PENDING_STATUSES,
    ActionStatus,
    ActionUpdateKind,
    AgendaChangeKind,
    DayRule,
    ItemSource,
    ItemStatus,
    MinutesStatus,
    OutcomeKind,
    SessionStatus,
)
from twincity.meetings.models import (
    ActionItem,
    ActionOwner,
    ActionUpdate,
    AgendaChange,
    AgendaItem,
    Attendance,
    MeetingSeries,
    MinutesAmendment,
    MinutesConfirmation,
    Outcome,
    Session,
)
from twincity.regions.choices import OrganisationKind
from twincity.regions.models import Organisation, Partnership, Region

__all__ = [
    "ActionSpec",
    "ConflictError",
    "acknowledge_action",
    "add_item",
    "add_proposals",
    "add_session",
    "amend_minutes",
    "cancel_action",
    "cancel_session",
    "confirm_minutes",
    "create_series",
    "feed_back",
    "generate_sessions",
    "lock_minutes",
    "mark_held",
    "move_item",
    "propose_item",
    "propose_standing_items",
    "publish_agenda",
    "record_attendance",
    "record_outcome",
    "remove_attendance",
    "report_done",
    "reschedule_session",
    "return_action",
    "schedule_item",
    "unschedule_item",
    "update_action",
    "update_item",
    "update_minutes_summary",
    "update_outcome",
    "update_series",
    "update_session",
    "verify_action",
    "withdraw_item",
]

SERIES_FIELDS = (
    "kind",
    "name",
    "name_en",
    "cadence",
    "day_rule",
    "week_of_month",
    "weekday",
    "day_of_month",
    "default_time",
    "default_duration_minutes",
    "first_number",
    "first_host",
    "action_near_days",
    "action_feedback_days",
    "description",
)
SESSION_FIELDS = ("venue", "chair", "secretariat", "duration_minutes", "note", "host")
ITEM_FIELDS = ("title", "description", "presenter", "side", "organisation", "duration_minutes", "matter")
TEXT_FIELDS = {"name", "name_en", "description", "venue", "chair", "note", "title", "presenter", "text", "reason"}


def _plain(values: dict) -> dict:
    return {k: plain(v) if k in TEXT_FIELDS and isinstance(v, str) else v for k, v in values.items()}


# ---------------------------------------------------------------------------------------------- who may

ONLY_THE_OFFICE = gettext_lazy("Only the office may do this.")


def may_propose(user, series: MeetingSeries, side_id: int | None) -> bool:
    """Either side proposes items: the office, a side's coordinator or a unit contact, for their own side."""
    if is_office(user, series.partnership_id):
        return True
    return side_id is not None and side_id in sides_spoken_for(user, series.partnership)


def confirmable_sides(user, session: Session) -> set[int]:
    """The sides for which ``user`` may confirm the minutes.

    The office confirms for any side (on that side's behalf, recorded under its own name); a side's
    coordinator and a leader whose membership names a side confirm for that side.
    """
    sides = {m.region_id for m in session.partnership.memberships.all()}
    if is_office(user, session.partnership_id):
        return sides
    return minutes_sides(user, session.partnership_id) & sides


# ---------------------------------------------------------------------------------------------- dates & rotation


def rotation(partnership: Partnership) -> list[int]:
    """The member regions' ids in host-rotation order."""
    return list(partnership.memberships.order_by("rotation_order", "pk").values_list("region_id", flat=True))


def next_side(sides: list[int], current: int | None) -> int:
    if not sides:
        raise ValidationError(_("The partnership has no member regions to host a session."))
    if current not in sides:
        return sides[0]
    return sides[(sides.index(current) + 1) % len(sides)]


def day_in_month(series: MeetingSeries, year: int, month: int) -> dt.date:
    """The day the series meets in a month, by its rule (the third Friday, the 15th…)."""
    last = calendar.monthrange(year, month)[1]
    if series.day_rule == DayRule.DAY_OF_MONTH:
        return dt.date(year, month, min(max(series.day_of_month, 1), last))
    if series.week_of_month == -1:
        day = dt.date(year, month, last)
        while day.weekday() != series.weekday:
            day -= dt.timedelta(days=1)
        return day
    day = dt.date(year, month, 1)
    while day.weekday() != series.weekday:
        day += dt.timedelta(days=1)
    return day + dt.timedelta(weeks=max(series.week_of_month, 1) - 1)


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + n
    return index // 12, index % 12 + 1


def next_dates(series: MeetingSeries, after: dt.date, count: int) -> list[dt.date]:
    """The next ``count`` meeting days strictly after ``after``."""
    months = CADENCE_MONTHS.get(series.cadence)
    if months is None:
        raise ValidationError(_("A series that meets as needed has no cadence: add its sessions one by one."))
    result = []
    year, month = after.year, after.month
    candidate = day_in_month(series, year, month)
    if candidate <= after:
        year, month = _add_months(year, month, months)
    while len(result) < count:
        result.append(day_in_month(series, year, month))
        year, month = _add_months(year, month, months)
    return result


def _at(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


def default_secretariat(region_id: int) -> Organisation | None:
    """The host side's joint office, which acts as secretariat unless another unit is named."""
    return (
        Organisation.objects.filter(region_id=region_id, kind=OrganisationKind.JOINT_OFFICE, archived_at__isnull=True)
        .order_by("pk")
        .first()
    )


def _rebalance(series: MeetingSeries) -> list[Session]:
    """Walk the series' sessions in order and keep numbers and hosts fair.

    Cancelled sessions are skipped: the session after a cancelled one gets its number and its host
    (a cancelled host hosts next). Sessions already held, whose agenda is published, or whose host
    was chosen by hand keep their host; the rotation goes on from whoever actually hosted.
    """
    sides = rotation(series.partnership)
    expected = series.first_host_id if series.first_host_id in sides else (sides[0] if sides else None)
    number = series.first_number
    changed = []
    # Every caller holds the series' lock first, so two rebalancings never lock sessions in crossed orders;
    # the sessions are read as locked (fresh), and each saves only what the rotation changed.
    sessions = list(
        series.sessions.exclude(status=SessionStatus.CANCELLED)
        .filter(archived_at__isnull=True)
        .select_for_update()
        .order_by("starts_at", "pk")
    )
    for session in sessions:
        settled = session.is_held or session.agenda_frozen
        updates = {}
        if not settled and not session.host_fixed and session.host_id != expected:
            updates["host_id"] = expected
            if session.secretariat_id is None or session.secretariat.region_id != expected:
                secretariat = default_secretariat(expected)
                updates["secretariat_id"] = secretariat.pk if secretariat else None
        if not settled and session.number != number:
            updates["number"] = number
        if updates:
            for name, value in updates.items():
                setattr(session, name, value)
            session.version += 1
            save_fields(session, [*updates, "version"])
            changed.append(session)
        number = session.number + 1
        expected = next_side(sides, session.host_id)
    return changed


def _next_slot(series: MeetingSeries) -> tuple[int, int]:
    """Number and host of a session added after the last one."""
    sides = rotation(series.partnership)
    last = (
        series.sessions.exclude(status=SessionStatus.CANCELLED)
        .filter(archived_at__isnull=True)
        .order_by("-starts_at", "-pk")
        .first()
    )
    if last is None:
        host = series.first_host_id if series.first_host_id in sides else next_side(sides, None)
        return series.first_number, host
    # A cancelled session after the last held one hands its turn on.
    cancelled_after = (
        series.sessions.filter(status=SessionStatus.CANCELLED, starts_at__gt=last.starts_at)
        .order_by("starts_at", "pk")
        .first()
    )
    if cancelled_after is not None:
        return last.number + 1, cancelled_after.host_id
    return last.number + 1, next_side(sides, last.host_id)


# ---------------------------------------------------------------------------------------------- series


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
        created = []
        for day in next_dates(series, after, count):
            created.append(_create_session(series, _at(day, series.default_time), series.default_duration_minutes))
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


# ---------------------------------------------------------------------------------------------- agenda


def _agenda_change(session: Session, *, user, kind: str, text: str, item: AgendaItem | None = None, reason: str = ""):
    """After publication every change to the agenda is listed for both sides and logged."""
    if session.agenda_frozen:
        if not reason.strip():
            raise ValidationError({"reason": _("The agenda is published: say why it changes.")})
        AgendaChange.objects.create(session=session, item=item, kind=kind, text=text, reason=plain(reason), user=user)
        log_event(
            "session.agenda_changed", session, message=text, data={"kind": kind, "item": item.pk if item else None}
        )


def _require_open_agenda(session: Session) -> None:
    reason = session.agenda_closed_reason()
    if reason is not None:
        raise ValidationError(reason)


def _next_order(session: Session) -> int:
    return (session.items.filter(status=ItemStatus.ON_AGENDA).aggregate(m=Max("order"))["m"] or 0) + 1


def _check_item_links(series: MeetingSeries, values: dict) -> None:
    matter = values.get("matter")
    if matter is not None and matter.partnership_id != series.partnership_id:
        raise ValidationError({"matter": _("The matter belongs to another partnership.")})
    side = values.get("side")
    if side is not None and side.pk not in rotation(series.partnership):
        raise ValidationError({"side": _("The side must be a region of the partnership.")})
    unit = values.get("organisation")
    if unit is not None:
        unit_side = unit.side_for(series.partnership)
        if unit_side is None:
            raise ValidationError({"organisation": _("The unit does not belong to the partnership.")})
        if side is not None and unit_side.pk != side.pk:
            raise ValidationError({"organisation": _("The unit does not belong to the side it presents for.")})


def propose_item(series: MeetingSeries, *, user, title: str, side: Region | None, files=(), **fields) -> AgendaItem:
    """A side proposes a topic into the series backlog, for the host's secretariat to place on an agenda."""
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise ValueError(f"Not an item field: {sorted(unknown)}")
    fields = _plain(fields)
    with transaction.atomic():
        if not may_propose(user, series, side.pk if side else None):
            raise PermissionDenied(_("You may propose items only for your own side."))
        _check_item_links(series, {**fields, "side": side})
        item = AgendaItem(
            series=series,
            partnership_id=series.partnership_id,
            title=plain(title),
            side=side,
            proposed_by=user,
            status=ItemStatus.BACKLOG,
            source=ItemSource.PROPOSED,
            **fields,
        )
        item.full_clean()
        item.save()
        for upload in files:
            attach(item, upload, user=user, partnership_id=series.partnership_id)
        log_event("agenda_item.proposed", item, data={"series": series.pk})
    return item


def may_edit_item(user, item: AgendaItem) -> bool:
    if item.session_id is not None:
        return can(user, Action.CHANGE, item.session)
    if is_office(user, item.partnership_id):
        return True
    if item.side_id in coordinated_sides(user, item.partnership_id):
        return True
    return item.proposed_by_id == getattr(user, "pk", None) and item.status == ItemStatus.BACKLOG


def update_item(item: AgendaItem, *, user, version: int | None, reason: str = "", files=(), **changes) -> AgendaItem:
    unknown = set(changes) - set(ITEM_FIELDS)
    if unknown:
        raise ValueError(f"Not an item field: {sorted(unknown)}")
    changes = _plain(changes)
    with transaction.atomic():
        _lock_item(item, version=version, changes=changes)
        if not may_edit_item(user, item):
            raise PermissionDenied(_("You may not change this item."))
        if item.session_id:
            _require_open_agenda(item.session)
        _check_item_links(item.series, {"side": item.side, **changes})
        before = {k: getattr(item, k) for k in changes}
        # The version was checked by the lock; who may edit is asked again after the edit (it must not move
        # the item out of the editor's reach).
        update_versioned(item, item.version, changes, user=user, may=may_edit_item)
        for upload in files:
            attach(item, upload, user=user, partnership_id=item.partnership_id)
        diff = [k for k in changes if before[k] != changes[k]]
        if item.session_id and (diff or files):
            _agenda_change(
                item.session,
                user=user,
                kind=AgendaChangeKind.EDITED,
                item=item,
                text=_("Item “%(title)s” edited (%(fields)s).")
                % {
                    "title": item.title,
                    "fields": ", ".join(str(AgendaItem._meta.get_field(k).verbose_name) for k in diff) or _("papers"),
                },
                reason=reason,
            )
    return item


def _lock_version(obj, version: int | None, changes: dict):
    """Lock ``obj``'s row and bring it up to date; someone's save since ``version`` refuses ``changes``."""
    try:
        return lock(obj, version=version)
    except ConflictError as conflict:
        raise ConflictError(conflict.current, changes) from None


def _lock_item(item: AgendaItem, *, version: int | None = None, changes: dict | None = None) -> AgendaItem:
    """Lock an agenda item after its session (the parent first), and bring both up to date."""
    if item.session_id is not None:
        lock(item.session)
    _lock_version(item, version, changes or {})
    return item


def withdraw_item(item: AgendaItem, *, user, reason: str = "") -> AgendaItem:
    """Take a proposal out of the backlog (it stays on record as withdrawn)."""
    with transaction.atomic():
        _lock_item(item)
        if not may_edit_item(user, item):
            raise PermissionDenied(_("You may not change this item."))
        if item.status != ItemStatus.BACKLOG:
            raise ValidationError(_("Only an item in the backlog can be withdrawn; take it off the agenda first."))
        item.status = ItemStatus.WITHDRAWN
        item.version += 1
        save_fields(item, ["status", "version"])
        log_event("agenda_item.withdrawn", item, message=plain(reason))
    return item


def schedule_item(item: AgendaItem, session: Session, *, user, reason: str = "") -> AgendaItem:
    """The host's secretariat places a backlog item on its session's agenda."""
    with transaction.atomic():
        require(user, Action.CHANGE, session)
        lock(session)
        lock(item)
        _require_open_agenda(session)
        if item.series_id != session.series_id:
            raise ValidationError(_("The item belongs to another series."))
        if item.status != ItemStatus.BACKLOG:
            raise ValidationError(_("Only an item in the backlog can be placed on an agenda."))
        item.session, item.status, item.order = session, ItemStatus.ON_AGENDA, _next_order(session)
        item.version += 1
        save_fields(item, ["session", "status", "order", "version"])
        _agenda_change(
            session,
            user=user,
            kind=AgendaChangeKind.ADDED,
            item=item,
            text=_("Item “%(title)s” added.") % {"title": item.title},
            reason=reason,
        )
    return item


def add_item(session: Session, *, user, title: str, reason: str = "", files=(), **fields) -> AgendaItem:
    """The secretariat puts an item straight on its agenda."""
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise ValueError(f"Not an item field: {sorted(unknown)}")
    fields = _plain(fields)
    with transaction.atomic():
        require(user, Action.CHANGE, session)
        lock(session)
        _require_open_agenda(session)
        _check_item_links(session.series, fields)
        item = AgendaItem(
            series=session.series,
            partnership_id=session.partnership_id,
            session=session,
            status=ItemStatus.ON_AGENDA,
            order=_next_order(session),
            title=plain(title),
            proposed_by=user,
            **fields,
        )
        item.full_clean()
        item.save()
        for upload in files:
            attach(item, upload, user=user, partnership_id=session.partnership_id)
        _agenda_change(
            session,
            user=user,
            kind=AgendaChangeKind.ADDED,
            item=item,
            text=_("Item “%(title)s” added.") % {"title": item.title},
            reason=reason,
        )
    return item


def unschedule_item(item: AgendaItem, *, user, reason: str = "") -> AgendaItem:
    """Take an item off the agenda: a proposal goes back to the backlog, a standing item is dropped."""
    with transaction.atomic():
        _lock_item(item)
        if item.session_id is None or item.status != ItemStatus.ON_AGENDA:
            raise ValidationError(_("The item is not on an agenda."))
        session = item.session
        require(user, Action.CHANGE, session)
        _require_open_agenda(session)
        _agenda_change(
            session,
            user=user,
            kind=AgendaChangeKind.REMOVED,
            item=item,
            text=_("Item “%(title)s” removed.") % {"title": item.title},
            reason=reason,
        )
        if item.source == ItemSource.PROPOSED:
            item.session, item.status = None, ItemStatus.BACKLOG
        else:
            item.status = ItemStatus.WITHDRAWN
        item.version += 1
        save_fields(item, ["session", "status", "version"])
    return item


def move_item(item: AgendaItem, *, user, up: bool, reason: str = "") -> AgendaItem:
    with transaction.atomic():
        _lock_item(item)
        if item.session_id is None or item.status != ItemStatus.ON_AGENDA:
            raise ValidationError(_("The item is not on an agenda."))
        session = item.session
        require(user, Action.CHANGE, session)
        _require_open_agenda(session)
        items = list(session.items.filter(status=ItemStatus.ON_AGENDA).order_by("order", "pk"))
        index = next(i for i, it in enumerate(items) if it.pk == item.pk)
        other = index - 1 if up else index + 1
        if other < 0 or other >= len(items):
            return item
        items[index], items[other] = items[other], items[index]
        for position, it in enumerate(items, start=1):
            if it.order != position:
                it.order = position
                it.save(update_fields=["order", "last_updated"])
        item.refresh_from_db()
        _agenda_change(
            session,
            user=user,
            kind=AgendaChangeKind.MOVED,
            item=item,
            text=_("Item “%(title)s” moved to position %(n)s.") % {"title": item.title, "n": item.order},
            reason=reason,
        )
    return item


def previous_session(session: Session) -> Session | None:
    return (
        session.series.sessions.exclude(status=SessionStatus.CANCELLED)
        .filter(starts_at__lt=session.starts_at, archived_at__isnull=True)
        .order_by("-starts_at")
        .first()
    )


def _item_key(item: AgendaItem) -> str:
    target = item.action_id or item.matter_id or item.object_id
    return f"{item.source}:{target}"


def propose_standing_items(session: Session, *, today: dt.date | None = None) -> list[sources.Proposal]:
    """What the state of the work puts on this agenda, leaving out what is already on it."""
    today = today or timezone.localdate()
    previous = previous_session(session)
    since = previous.local_date if previous else None
    taken = {
        _item_key(i)
        for i in session.items.filter(status__in=[ItemStatus.ON_AGENDA, ItemStatus.WITHDRAWN]).exclude(
            source=ItemSource.PROPOSED
        )
    }
    result = []
    for source in sorted(sources.SOURCES.values(), key=lambda s: s.order):
        result.extend(p for p in source.proposals(session, since, today) if p.key not in taken)
    return result


def add_proposals(session: Session, *, user, keys: list[str] | None = None, reason: str = "") -> list[AgendaItem]:
    """Accept the system's proposals (all of them, or those whose keys are given) onto the agenda."""
    with transaction.atomic():
        require(user, Action.CHANGE, session)
        lock(session)
        _require_open_agenda(session)
        proposals = propose_standing_items(session)
        if keys is not None:
            wanted = set(keys)
            proposals = [p for p in proposals if p.key in wanted]
        return [_add_proposal(session, p, user=user, reason=reason) for p in proposals]


def _add_proposal(session: Session, proposal: sources.Proposal, *, user, reason: str = "") -> AgendaItem:
    obj = proposal.obj
    item = AgendaItem.objects.create(
        series=session.series,
        partnership_id=session.partnership_id,
        session=session,
        status=ItemStatus.ON_AGENDA,
        source=proposal.source,
        order=_next_order(session),
        title=proposal.title[:300],
        description=proposal.reason,
        presenter=proposal.presenter,
        side_id=proposal.side_id,
        duration_minutes=proposal.duration_minutes,
        matter=proposal.matter,
        action=proposal.action,
        object_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=obj.pk if obj is not None else None,
        proposed_by=None,
    )
    _agenda_change(
        session,
        user=user,
        kind=AgendaChangeKind.ADDED,
        item=item,
        text=_("Item “%(title)s” added.") % {"title": item.title},
        reason=reason or _("Added by the system"),
    )
    return item


def publish_agenda(session: Session, *, user) -> int:
    """Publish the agenda to both sides and freeze it. Open actions from earlier sessions that are not on
    it yet are carried forward onto it first. Returns how many actions were carried forward."""
    with transaction.atomic():
        require(user, Action.CHANGE, session)
        lock(session)
        _require_open_agenda(session)
        if session.agenda_frozen:
            raise ValidationError(_("The agenda is already published."))
        carried = [p for p in propose_standing_items(session) if p.source == ItemSource.OPEN_ACTION]
        for proposal in carried:
            _add_proposal(session, proposal, user=user)
        if not session.items.filter(status=ItemStatus.ON_AGENDA).exists():
            raise ValidationError(_("The agenda is empty: add at least one item before publishing it."))
        session.agenda_published_at = timezone.now()
        session.agenda_published_by = user
        session.version += 1
        save_fields(session, ["agenda_published_at", "agenda_published_by", "version"])
        log_event(
            "session.agenda_published",
            session,
            data={"items": session.items.filter(status=ItemStatus.ON_AGENDA).count(), "carried_forward": len(carried)},
        )
    return len(carried)


# ---------------------------------------------------------------------------------------------- minutes


def _require_minutes_editable(session: Session, user) -> None:
    require(user, Action.CHANGE, session)
    lock(session)  # the session before its minutes' parts, judged as it is now
    reason = session.minutes_closed_reason()
    if reason is not None:
        raise ValidationError(reason)


def _minutes_edited(session: Session, changed: tuple[str, ...] = ()) -> None:
    """A change to the minutes undoes the sides' confirmations: they confirm what they read.

    ``session`` is locked by the caller; ``changed`` are the session's fields it set already. A change of
    the session's state (its minutes back to draft, the session now held) moves its version once."""
    changed = list(changed)
    confirmations = list(session.confirmations.all())
    if confirmations or session.minutes_status != MinutesStatus.DRAFT:
        for c in confirmations:
            c.delete()  # the change log keeps the withdrawn confirmation
        if session.minutes_status != MinutesStatus.DRAFT:
            session.minutes_status = MinutesStatus.DRAFT
            changed.append("minutes_status")
        log_event("session.minutes_confirmations_reset", session)
    if session.status == SessionStatus.PLANNED:
        session.status = SessionStatus.HELD
        changed.append("status")
        log_event("session.held", session)
    if changed:
        session.version += 1
        save_fields(session, [*changed, "version"])


def update_minutes_summary(session: Session, *, user, summary: str) -> Session:
    with transaction.atomic():
        _require_minutes_editable(session, user)
        session.minutes_summary = plain(summary)
        _minutes_edited(session, ("minutes_summary",))
    return session


def record_attendance(
    session: Session, *, user, side: Region, name: str, post: str = "", organisation=None, is_leader: bool = False
) -> Attendance:
    name, post = plain(name).strip(), plain(post).strip()
    if not name:
        raise ValidationError({"name": _("Give the name of the person present.")})
    with transaction.atomic():
        _require_minutes_editable(session, user)
        if side.pk not in rotation(session.partnership):
            raise ValidationError({"side": _("The side must be a region of the partnership.")})
        row = Attendance(
            session=session, side=side, name=name, post=post, organisation=organisation, is_leader=is_leader
        )
        row.full_clean()
        row.save()
        _minutes_edited(session)
    return row


def remove_attendance(row: Attendance, *, user) -> None:
    with transaction.atomic():
        _require_minutes_editable(row.session, user)
        row.delete()  # a line of a draft record; its removal stays in the change log
        _minutes_edited(row.session)


@dataclass
class ActionSpec:
    """What a decision asks to be done: by whom, by when, for which matter (or a new one)."""

    title: str
    due_date: dt.date
    owners: list = field(default_factory=list)
    matter: object | None = None
    new_matter_title: str = ""
    description: str = ""


def record_outcome(
    session: Session,
    *,
    user,
    kind: str,
    text: str,
    item: AgendaItem | None = None,
    action: ActionSpec | None = None,
) -> Outcome:
    """Record what the session concluded on an item. Decisions and actions are numbered per session;
    an action (or a decision that asks for one) creates a supervised action."""
    text = plain(text).strip()
    if not text:
        raise ValidationError({"text": _("Write the outcome.")})
    if kind not in OutcomeKind.values:
        raise ValidationError({"kind": _("Unknown kind of outcome.")})
    if kind == OutcomeKind.ACTION and action is None:
        raise ValidationError(_("An action needs its owners and a due date."))
    if kind == OutcomeKind.INFORMATION and action is not None:
        raise ValidationError(_("Information noted creates no action; record a decision or an action."))
    with transaction.atomic():
        _require_minutes_editable(session, user)
        if item is not None:
            lock(item)  # after its session: judged on where the item is now
        if item is not None and (item.session_id != session.pk or item.status != ItemStatus.ON_AGENDA):
            raise ValidationError({"item": _("The item is not on this session's agenda.")})
        number = None
        if kind != OutcomeKind.INFORMATION:
            number = (session.outcomes.aggregate(m=Max("number"))["m"] or 0) + 1
        outcome = Outcome.objects.create(
            session=session, item=item, kind=kind, number=number, text=text, recorded_by=user
        )
        if action is not None:
            create_action(session, outcome, action, user=user)
        _minutes_edited(session)
        log_event("session.outcome_recorded", session, data={"outcome": outcome.pk, "kind": kind, "number": number})
    return outcome


def update_outcome(outcome: Outcome, *, user, version: int | None, text: str) -> Outcome:
    text = plain(text).strip()
    if not text:
        raise ValidationError({"text": _("Write the outcome.")})
    with transaction.atomic():
        _require_minutes_editable(outcome.session, user)  # the session first, then its outcome
        update_versioned(outcome, version, {"text": text}, user=user)
        _minutes_edited(outcome.session)
    return outcome


def confirm_minutes(session: Session, *, user, side: Region, note: str = "") -> MinutesConfirmation:
    """One side confirms the minutes; when every side has, they stand confirmed and can be locked."""
    with transaction.atomic():
        lock(session)
        if not session.agenda_frozen or not session.is_held:
            raise ValidationError(_("Only the minutes of a session that was held can be confirmed."))
        if session.minutes_locked:
            raise ValidationError(_("The minutes are already locked."))
        if side.pk not in confirmable_sides(user, session):
            raise PermissionDenied(_("You may not confirm the minutes for this side."))
        if session.confirmations.filter(side=side).exists():
            raise ValidationError(_("This side has already confirmed the minutes."))
        confirmation = MinutesConfirmation.objects.create(session=session, side=side, user=user, note=plain(note))
        log_event("session.minutes_confirmed", session, data={"side": side.pk})
        confirmed = set(session.confirmations.values_list("side_id", flat=True))
        if set(rotation(session.partnership)) <= confirmed:
            session.minutes_status = MinutesStatus.CONFIRMED
            session.version += 1  # the minutes' state changed: an editor of the draft is told
            save_fields(session, ["minutes_status", "version"])
    return confirmation


def lock_minutes(session: Session, *, user) -> Session:
    """Once every side has confirmed, the secretariat (or the office) locks the minutes for good."""
    with transaction.atomic():
        require(user, Action.CHANGE, session)
        lock(session)
        if not session.minutes_confirmed:
            raise ValidationError(_("Every side must confirm the minutes before they are locked."))
        session.minutes_status = MinutesStatus.LOCKED
        session.minutes_locked_at = timezone.now()
        session.version += 1
        save_fields(session, ["minutes_status", "minutes_locked_at", "version"])
        log_event("session.minutes_locked", session)
    return session


def amend_minutes(
    session: Session, *, user, text: str, reason: str, outcome: Outcome | None = None
) -> MinutesAmendment:
    """Locked minutes are never edited: a dated amendment is added and shown with them."""
    text, reason = plain(text).strip(), plain(reason).strip()
    if not text:
        raise ValidationError({"text": _("Write the amendment.")})
    if not reason:
        raise ValidationError({"reason": _("Say why the minutes are amended.")})
    with transaction.atomic():
        require(user, Action.CHANGE, session)
        lock(session)
        if not session.minutes_locked:
            raise ValidationError(_("The minutes are not locked yet: correct them directly."))
        if outcome is not None and outcome.session_id != session.pk:
            raise ValidationError({"outcome": _("The outcome belongs to another session.")})
        amendment = MinutesAmendment.objects.create(
            session=session, outcome=outcome, text=text, reason=reason, on=timezone.localdate(), author=user
        )
        log_event("session.minutes_amended", session, message=reason, data={"amendment": amendment.pk})
    return amendment


# ---------------------------------------------------------------------------------------------- actions


ACTION_DERIVED_FIELDS = ("watch_from", "feedback_due", "search_document")


def _refresh_action(action: ActionItem, *, series: MeetingSeries | None = None) -> ActionItem:
    """Keep the dates behind the light and the search text in step with the action."""
    series = series or action.session.series
    action.watch_from = action.due_date - dt.timedelta(days=series.action_near_days)
    since = (
        action.last_feedback_on
        or (timezone.localtime(action.acknowledged_at).date() if action.acknowledged_at else None)
        or (timezone.localtime(action.created).date() if action.created else timezone.localdate())
    )
    action.feedback_due = since + dt.timedelta(days=series.action_feedback_days)
    owners = " ".join(o.organisation.name for o in action.owners.select_related("organisation")) if action.pk else ""
    action.search_document = search.document(action.code, action.title, action.description, owners)
    return action


def _owner_units(user, action: ActionItem) -> list[Organisation]:
    owner_ids = {o.organisation_id: o.organisation for o in action.owners.select_related("organisation")}
    return [owner_ids[m.organisation_id] for m in memberships(user) if m.organisation_id in owner_ids]


def _validate_owners(partnership: Partnership, owners) -> list[tuple[Organisation, int]]:
    if not owners:
        raise ValidationError({"owners": _("Name at least one owning unit.")})
    result, seen = [], set()
    for unit in owners:
        side = unit.side_for(partnership)
        if side is None:
            raise ValidationError(
                {"owners": _("%(unit)s does not belong to a region of this partnership.") % {"unit": unit}}
            )
        if unit.pk in seen:
            raise ValidationError({"owners": _("%(unit)s is listed twice.") % {"unit": unit}})
        seen.add(unit.pk)
        result.append((unit, side.pk))
    return result


def create_action(session: Session, outcome: Outcome | None, spec: ActionSpec, *, user) -> ActionItem:
    """Create the supervised action a decision asks for (inside ``record_outcome``'s transaction).

    With ``new_matter_title`` it also creates the matter it serves in the current year's list, owned by
    the same units (through ``matters.services.create_matter``, so the matter rules apply).
    """
    from twincity.matters.choices import MatterStatus
    from twincity.matters.services import OwnerSpec, create_matter

    title = plain(spec.title).strip()
    if not title:
        raise ValidationError({"title": _("Say what is to be done.")})
    if spec.due_date is None:
        raise ValidationError({"due_date": _("Give a due date.")})
    if spec.due_date < session.local_date:
        raise ValidationError({"due_date": _("The due date is before the session.")})
    owners = _validate_owners(session.partnership, spec.owners)
    matter = spec.matter
    if matter is not None and spec.new_matter_title:
        raise ValidationError(_("Link an existing matter or create a new one, not both."))
    if matter is not None and matter.partnership_id != session.partnership_id:
        raise ValidationError({"matter": _("The matter belongs to another partnership.")})
    if spec.new_matter_title:
        try:
            matter = create_matter(
                partnership=session.partnership,
                year=timezone.localdate().year,
                title=spec.new_matter_title,
                user=user,
                owners=[OwnerSpec(unit) for unit, _side in owners],
                status=MatterStatus.APPROVED,
                due_date=spec.due_date,
                start_date=session.local_date,
                description=_("Decided at %(session)s.") % {"session": session},
            )
        except PermissionDenied as exc:
            raise PermissionDenied(
                _("You may not create this matter: a coordinator creates only matters their side takes part in.")
            ) from exc
    k = session.actions.count() + 1
    action = ActionItem(
        partnership_id=session.partnership_id,
        session=session,
        outcome=outcome,
        code=f"{session.number}-{k}",
        title=title,
        description=plain(spec.description),
        due_date=spec.due_date,
        matter=matter,
    )
    action.full_clean(exclude=["search_document"])
    action.save()
    for unit, side_id in owners:
        ActionOwner.objects.create(action=action, organisation=unit, side_id=side_id)
    _refresh_action(action, series=session.series)
    save_fields(action, ACTION_DERIVED_FIELDS)
    ActionUpdate.objects.create(
        action=action,
        kind=ActionUpdateKind.ASSIGNED,
        on=session.local_date,
        author=user,
        text=_("Decided at %(session)s.") % {"session": session},
    )
    log_event("action.assigned", action, data={"session": session.pk, "matter": matter.pk if matter else None})
    return action


def _step(
    action: ActionItem, *, user, kind: str, text: str = "", files=(), status: str | None = None, **fields
) -> ActionUpdate:
    """Record one step of the action's follow-up. ``action`` was locked (and so is fresh) when its
    transaction began; only the fields the step changes, the version and the derived dates are written."""
    update = ActionUpdate.objects.create(
        action=action,
        kind=kind,
        text=plain(text),
        on=timezone.localdate(),
        author=user,
        organisation=next(iter(_owner_units(user, action)), None),
    )
    for upload in files:
        attach(update, upload, user=user, partnership_id=action.partnership_id)
    changed = [*fields, *ACTION_DERIVED_FIELDS]
    if status is not None and status != action.status:
        # A change of the action's state moves its version (an editor of the old state is told). A further
        # report of progress only adds an update and moves the dates derived from it, like a matter's report.
        action.status = status
        action.version += 1
        changed += ["status", "version"]
    for name, value in fields.items():
        setattr(action, name, value)
    _refresh_action(action)
    save_fields(action, changed)
    log_event(f"action.{kind}", action, message=plain(text), data={"update": update.pk})
    return update


def acknowledge_action(action: ActionItem, *, user, note: str = "") -> ActionItem:
    """The owner acknowledges the action it was assigned."""
    with transaction.atomic():
        lock(action)
        require(user, Action.REPORT, action)
        if action.status != ActionStatus.ASSIGNED:
            raise ValidationError(_("Only a newly assigned action is acknowledged."))
        _step(
            action,
            user=user,
            kind=ActionUpdateKind.ACKNOWLEDGED,
            text=note,
            status=ActionStatus.ACKNOWLEDGED,
            acknowledged_at=timezone.now(),
        )
    return action


def feed_back(action: ActionItem, *, user, text: str, files=()) -> ActionUpdate:
    """The owner says how far it has got (acknowledging it on the way if it had not)."""
    if not plain(text).strip():
        raise ValidationError({"text": _("Say what has been done.")})
    with transaction.atomic():
        lock(action)
        require(user, Action.REPORT, action)
        if action.status not in OWNER_PENDING_STATUSES:
            raise ValidationError(_("This action takes no more feedback."))
        extra = {"acknowledged_at": timezone.now()} if action.acknowledged_at is None else {}
        return _step(
            action,
            user=user,
            kind=ActionUpdateKind.PROGRESS,
            text=text,
            files=files,
            status=ActionStatus.IN_PROGRESS,
            last_feedback_on=timezone.localdate(),
            **extra,
        )


def report_done(action: ActionItem, *, user, text: str, files=()) -> ActionUpdate:
    """The owner reports the action done, with evidence (a text saying what shows it, and files)."""
    if not plain(text).strip():
        raise ValidationError({"text": _("Say what shows the action is done.")})
    with transaction.atomic():
        lock(action)
        require(user, Action.REPORT, action)
        if action.status not in OWNER_PENDING_STATUSES:
            raise ValidationError(_("Only an open action can be reported done."))
        extra = {"acknowledged_at": timezone.now()} if action.acknowledged_at is None else {}
        return _step(
            action,
            user=user,
            kind=ActionUpdateKind.REPORTED_DONE,
            text=text,
            files=files,
            status=ActionStatus.REPORTED_DONE,
            reported_done_at=timezone.now(),
            last_feedback_on=timezone.localdate(),
            **extra,
        )


def verify_action(action: ActionItem, *, user, note: str = "") -> ActionItem:
    """The office checks the evidence and closes the action."""
    with transaction.atomic():
        require_in(user, Action.ADMINISTER, action.partnership_id, ONLY_THE_OFFICE)
        lock(action)
        if action.status != ActionStatus.REPORTED_DONE:
            raise ValidationError(_("Only an action reported done can be verified."))
        _step(
            action,
            user=user,
            kind=ActionUpdateKind.VERIFIED,
            text=note,
            status=ActionStatus.VERIFIED,
            verified_at=timezone.now(),
            verified_by=user,
        )
    return action


def return_action(action: ActionItem, *, user, reason: str) -> ActionItem:
    """The office sends a report of completion back, saying why; the owner works on."""
    if not plain(reason).strip():
        raise ValidationError({"reason": _("Say why the action is returned.")})
    with transaction.atomic():
        require_in(user, Action.ADMINISTER, action.partnership_id, ONLY_THE_OFFICE)
        lock(action)
        if action.status != ActionStatus.REPORTED_DONE:
            raise ValidationError(_("Only an action reported done can be returned."))
        _step(
            action,
            user=user,
            kind=ActionUpdateKind.RETURNED,
            text=reason,
            status=ActionStatus.RETURNED,
            reported_done_at=None,
        )
    return action


def cancel_action(action: ActionItem, *, user, reason: str) -> ActionItem:
    if not plain(reason).strip():
        raise ValidationError({"reason": _("Say why the action is cancelled.")})
    with transaction.atomic():
        require_in(user, Action.ADMINISTER, action.partnership_id, ONLY_THE_OFFICE)
        lock(action)
        if action.status in CLOSED_ACTION_STATUSES:
            raise ValidationError(_("The action is already closed."))
        _step(action, user=user, kind=ActionUpdateKind.CANCELLED, text=reason, status=ActionStatus.CANCELLED)
    return action


def update_action(
    action: ActionItem, *, user, version: int | None, owners=None, reason: str = "", **changes
) -> ActionItem:
    """The office (or the coordinator of an owning side) changes an action's wording, due date or owners."""
    unknown = set(changes) - {"title", "description", "due_date", "matter"}
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    changes = _plain(changes)
    with transaction.atomic():
        _lock_version(action, version, changes)  # judged, and compared, as it is now
        if action.status in CLOSED_ACTION_STATUSES:
            raise ValidationError(_("A closed action is not changed."))
        matter = changes.get("matter")
        if matter is not None and matter.partnership_id != action.partnership_id:
            raise ValidationError({"matter": _("The matter belongs to another partnership.")})
        if changes.get("due_date") and changes["due_date"] < action.session.local_date:
            raise ValidationError({"due_date": _("The due date is before the session.")})
        before = {k: getattr(action, k) for k in changes}
        update_versioned(action, action.version, changes, user=user)
        said = []
        for name in changes:
            if before[name] != getattr(action, name):
                said.append(
                    _("%(field)s: %(before)s → %(after)s")
                    % {
                        "field": ActionItem._meta.get_field(name).verbose_name,
                        "before": before[name] or "—",
                        "after": getattr(action, name) or "—",
                    }
                )
        if owners is not None:
            validated = _validate_owners(action.partnership, owners)
            existing = {o.organisation_id: o for o in action.owners.all()}
            wanted = {unit.pk for unit, _s in validated}
            for org_id, owner in existing.items():
                if org_id not in wanted:
                    owner.delete()
            for unit, side_id in validated:
                if unit.pk not in existing:
                    ActionOwner.objects.create(action=action, organisation=unit, side_id=side_id)
            if set(existing) != wanted:
                said.append(_("owners: %(units)s") % {"units": "、".join(u.name for u, _s in validated)})
            require(user, Action.CHANGE, action)
        if said:
            text = "; ".join(str(s) for s in said)
            if reason:
                text = f"{text}. {plain(reason)}"
            _step(action, user=user, kind=ActionUpdateKind.CHANGED, text=text)
    return action


# ---------------------------------------------------------------------------------------------- reading


def actions_for_my_work(user, today: dt.date | None = None):
    """The actions on the user's desk ("my work"): those their unit (or, for a coordinator, their side)
    owns and must still move on, plus those reported done and waiting for the office."""
    from django.db.models import Prefetch

    return (
        ActionItem.objects.restrict(user, Action.REPORT)
        .filter(status__in=(*OWNER_PENDING_STATUSES, ActionStatus.REPORTED_DONE), archived_at__isnull=True)
        .with_light(today or timezone.localdate())
        .select_related("session__series")
        .prefetch_related(Prefetch("owners", queryset=ActionOwner.objects.select_related("organisation")))
        .order_by("due_date", "pk")
    )

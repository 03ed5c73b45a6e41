"""Dates and the host rotation: when a series meets, who hosts next, and keeping numbers and hosts fair."""

from __future__ import annotations

import calendar
import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from twincity.core.services import save_fields
from twincity.meetings.choices import CADENCE_MONTHS, DayRule, SessionStatus
from twincity.meetings.models import MeetingSeries, Session
from twincity.regions.choices import OrganisationKind
from twincity.regions.models import Organisation, Partnership


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

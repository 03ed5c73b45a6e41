"""Supervision records written straight into the tables (cases, sides, feedback, sheets) for the scoring and digest
tests: the lifecycle services and the supervision run are built apart, so these helpers rely on the model fields
only."""

from __future__ import annotations

import datetime as dt
import itertools

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from twincity.regions.models import Partnership
from twincity.supervision.choices import CaseState, Escalation, SheetLevel
from twincity.supervision.models import Case, CaseSide, Feedback, Sheet

_ids = itertools.count(900_000)
_numbers = itertools.count(1)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def case(
    w,
    *,
    owners,
    due_on: dt.date,
    assigned_on: dt.date | None = None,
    closed_on: dt.date | None = None,
    delay_days: int | None = None,
    rating: str = "",
    state: str | None = None,
    title: str = "督办事项",
    field=None,
    next_feedback_on: dt.date | None = None,
    url: str = "/items/1/",
) -> Case:
    """A case of the world's partnership owned by ``owners`` (units); closed on ``closed_on`` when given."""
    if state is None:
        state = CaseState.CLOSED if closed_on else CaseState.OPEN
    if closed_on and delay_days is None:
        delay_days = (closed_on - due_on).days
    number = next(_ids)
    c = Case.objects.create(
        partnership=w.partnership,
        content_type=ContentType.objects.get_for_model(Partnership),
        object_id=number,
        kind="action",
        code=f"DB-{number}",
        title=title,
        url=url,
        field=field,
        assigned_on=assigned_on or due_on - dt.timedelta(days=30),
        due_on=due_on,
        state=state,
        closed_at=at(closed_on) if closed_on else None,
        completed_at=at(closed_on) if closed_on else None,
        rating=rating,
        delay_days=delay_days,
        next_feedback_on=next_feedback_on,
    )
    for unit in owners:
        CaseSide.objects.create(
            case=c,
            side=unit.region,
            organisation=unit,
            signoff_due_on=c.assigned_on + dt.timedelta(days=2),
            next_feedback_on=next_feedback_on,
            completed_at=at(closed_on) if closed_on else None,
        )
    return c


def feedback(c: Case, unit, *, on: dt.date, late: bool = False) -> Feedback:
    return Feedback.objects.create(
        case=c, side=unit.region, organisation=unit, on=on, due_on=on, late=late, text="已推进"
    )


def sheet(c: Case, *, level: str = SheetLevel.RED, raised_on: dt.date, closed_on: dt.date | None = None) -> Sheet:
    return Sheet.objects.create(
        partnership=c.partnership,
        case=c,
        year=raised_on.year,
        number=next(_numbers),
        level=level,
        escalation=Escalation.OWNER,
        reason="逾期未办结",
        issued_at=at(raised_on, 8),
        raised_at=at(raised_on, 9),
        closed_at=at(closed_on) if closed_on else None,
    )

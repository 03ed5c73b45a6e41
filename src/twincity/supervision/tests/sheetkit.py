"""Cases for the sheet tests, made directly with the models (the lifecycle services are not needed to colour
them): ``make_case(world, due_on=..., sides=[(region, unit), ...])``."""

from __future__ import annotations

import datetime as dt
import itertools

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from twincity.regions.models import Partnership
from twincity.supervision.models import Case, CaseSide

_ids = itertools.count(1)


def make_case(
    w,
    *,
    title: str = "共建内陆开放门户",
    assigned_on: dt.date = dt.date(2026, 3, 1),
    due_on: dt.date = dt.date(2026, 3, 31),
    sides=None,
    signoff_days: int = 2,
    next_feedback_on: dt.date | None = None,
    signed: bool = True,
    partnership=None,
) -> Case:
    """An open case of the world's partnership owned by both sides' market-supervision bureaus (or ``sides``:
    ``(region, unit)`` pairs), signed off on assignment unless ``signed`` is False."""
    partnership = partnership or w.partnership
    n = next(_ids)
    case = Case.objects.create(
        partnership=partnership,
        content_type=ContentType.objects.get_for_model(Partnership),
        object_id=10_000_000 + Case.objects.count() * 1000 + n,
        kind="matter",
        code=f"SB-{n:04d}",
        title=title,
        url="/matters/",
        assigned_on=assigned_on,
        due_on=due_on,
    )
    signoff_due = assigned_on + dt.timedelta(days=signoff_days)
    for region, unit in sides if sides is not None else [(w.tf, w.tf_dept), (w.lj, w.lj_dept)]:
        CaseSide.objects.create(
            case=case,
            side=region,
            organisation=unit,
            signoff_due_on=signoff_due,
            signed_at=_at(assigned_on) if signed else None,
            next_feedback_on=next_feedback_on,
        )
    return case


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9)))

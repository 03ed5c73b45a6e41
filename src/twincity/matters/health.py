"""The health light of a matter: computed, never typed.

* grey   – the matter is not running (proposed, completed, suspended, cancelled);
* red    – it is overdue: its due date or an open milestone's due date has passed;
* yellow – a deadline is near (within the partnership's ``health_near_days``, default 14) or the
           reported percent lags the share of time elapsed by more than ``health_lag_margin``
           percentage points (default 20);
* green  – otherwise.

The services keep three dates on each matter (``next_milestone_due``, ``watch_from``,
``lag_date``) so that the database can compute the light with plain date comparisons for a whole
list (``MatterQuerySet.with_light``); ``explain`` gives the same verdict in Python with reasons,
and a property test holds the two together.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from twincity.matters.choices import ACTIVE_STATUSES, Light


def derived_dates(
    *,
    start_date: dt.date | None,
    due_date: dt.date | None,
    next_milestone_due: dt.date | None,
    percent_complete: int,
    near_days: int,
    lag_margin: int,
) -> tuple[dt.date | None, dt.date | None]:
    """(watch_from, lag_date) for a matter.

    ``watch_from`` is the nearest deadline minus ``near_days``. ``lag_date`` is the first day on which
    the share of time elapsed exceeds the reported percent plus the margin:
    elapsed(t) = (t - start) / (due - start) > (percent + margin) / 100.
    """
    deadlines = [d for d in (due_date, next_milestone_due) if d is not None]
    watch_from = min(deadlines) - dt.timedelta(days=near_days) if deadlines else None
    lag_date = None
    if start_date and due_date and due_date > start_date:
        allowed = (percent_complete + lag_margin) / 100
        if allowed < 1:
            span = (due_date - start_date).days
            lag_date = start_date + dt.timedelta(days=int(span * allowed))
    return watch_from, lag_date


@dataclass
class Verdict:
    light: str
    reasons: list[str] = field(default_factory=list)


def explain(matter, today: dt.date) -> Verdict:
    """The light of one matter and the reasons for it, from the same stored dates the database uses."""
    if matter.status not in ACTIVE_STATUSES:
        return Verdict(Light.GREY, [_("The matter is not running.")])
    reasons: list[str] = []
    if matter.due_date and matter.due_date < today:
        reasons.append(_("The due date %(date)s has passed.") % {"date": matter.due_date})
    if matter.next_milestone_due and matter.next_milestone_due < today:
        reasons.append(_("A milestone due on %(date)s is still open.") % {"date": matter.next_milestone_due})
    if reasons:
        return Verdict(Light.RED, reasons)
    if matter.watch_from and matter.watch_from <= today:
        nearest = min(d for d in (matter.due_date, matter.next_milestone_due) if d)
        reasons.append(_("A deadline is near: %(date)s.") % {"date": nearest})
    if matter.lag_date and matter.lag_date < today:
        reasons.append(
            _("Reported progress (%(percent)s%%) lags the time elapsed.") % {"percent": matter.percent_complete}
        )
    if reasons:
        return Verdict(Light.YELLOW, reasons)
    return Verdict(Light.GREEN, [_("On track.")])

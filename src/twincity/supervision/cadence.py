"""When feedback is due: the partnership's cadence (``SupervisionPolicy``), as plain date arithmetic.

A side owes feedback on each of the listed days after assignment (``feedback_days``, for example 1, 3, 7) and then
every ``feedback_repeat_days``. ``CaseSide.next_feedback_on`` is the day of the feedback the side owes now: it
stays until the side gives feedback, then moves to the first due day after that day. Feedback given after the day
it was due is late (``Feedback.late``); how many days a side is late today is ``today - next_feedback_on``.
"""

from __future__ import annotations

import datetime as dt


def due_days(offsets: list[int], repeat_days: int, assigned_on: dt.date):
    """The feedback days after ``assigned_on``, in order, without end (the caller stops)."""
    last = 0
    for offset in offsets:
        last = offset
        yield assigned_on + dt.timedelta(days=offset)
    step = max(int(repeat_days or 0), 1)
    while True:
        last += step
        yield assigned_on + dt.timedelta(days=last)


def next_feedback_after(policy, assigned_on: dt.date, after: dt.date) -> dt.date:
    """The first feedback day of ``policy`` strictly after ``after`` for an item assigned on ``assigned_on``."""
    offsets = policy.feedback_offsets()
    if not offsets and not policy.feedback_repeat_days:
        offsets = [30]
    for day in due_days(offsets, policy.feedback_repeat_days, assigned_on):
        if day > after:
            return day
    raise AssertionError("unreachable: the cadence has no end")  # pragma: no cover

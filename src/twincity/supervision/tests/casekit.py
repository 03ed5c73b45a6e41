"""Helpers for the supervision lifecycle's tests: a clock the test moves, a joint meeting action."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.utils import timezone

from twincity.meetings.tests.helpers import add_session, decide_action, make_series, publish

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


class Clock:
    """The time every ``timezone.now()`` (and so ``localdate()``) reads, moved by the test: a frozen clock."""

    def __init__(self, monkeypatch, start: dt.datetime):
        self.now = start
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def set(self, day: dt.date, hour: int = 10) -> dt.datetime:
        self.now = dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI).astimezone(dt.UTC)
        return self.now

    def today(self) -> dt.date:
        return timezone.localdate(self.now)


def joint_action(w, day: dt.date, *, due_in: int = 30, title: str = "联合编制市场监管协作方案"):
    """A decision of a session held on ``day`` assigning an action to both sides' market-supervision bureaus."""
    series = make_series(w)
    session = add_session(w, series, day)
    publish(w, session)
    return decide_action(w, session, owners=[w.tf_dept, w.lj_dept], due=day + dt.timedelta(days=due_in), title=title)

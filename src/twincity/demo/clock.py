"""The demo's clock: what the story says happened in 2020 is stamped 2020.

The demo is written through the services, and the services stamp what they do with the time: ``created`` and
``last_updated`` of every record, ``verified_at``, ``agenda_published_at``, ``minutes_locked_at``, a run's
``published_at``, the audit log's ``time``… Loaded today, all of it would say today while the story says
2020, and the pages that ask "since the last meeting" would list actions verified in 2020.

So while the demo loads, ``django.utils.timezone.now`` tells the story's time. Each part says when a step of
the story happens, ``with world.at(day):`` (or ``story_time``), and every stamp the services make inside is
that day, a millisecond later with each stamp so that their order is the order things were done. Outside a
dated step the clock is the real one: that is what really happens today (the morning's supervision run, the
to-do lists), and what a part forgot to date (``core.tests.test_demo`` finds it).

Every time in the code base is read through ``timezone.now()`` (Django's ``auto_now``/``auto_now_add``
included), never ``datetime.now()``; ``timezone.localdate()`` follows, so a service's "today" is the story's day.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading

from django.utils import timezone

# The hour of the day a dated step happens at, in the office's time zone (a working morning).
STEP_TIME = dt.time(10, 0)
TICK = dt.timedelta(milliseconds=1)


class StoryClock:
    """``now()`` for the demo: the story's time inside ``at()``, the real time outside it. One per load."""

    def __init__(self, real_now):
        self.real_now = real_now
        self.local = threading.local()

    def now(self) -> dt.datetime:
        at = getattr(self.local, "at", None)
        if at is None:
            return self.real_now()
        # Never later than the real now: the story's "today" happens when it is loaded, not in the future.
        at = min(at + TICK, self.real_now())
        self.local.at = at
        return at

    @contextlib.contextmanager
    def at(self, when: dt.date | dt.datetime):
        """Everything inside happens at ``when`` (a day: at ``STEP_TIME`` in the office's time zone)."""
        if not isinstance(when, dt.datetime):
            when = timezone.make_aware(dt.datetime.combine(when, STEP_TIME))
        before = getattr(self.local, "at", None)
        self.local.at = min(when, self.real_now())
        try:
            yield
        finally:
            self.local.at = before


_clock: StoryClock | None = None


@contextlib.contextmanager
def story_clock():
    """While the demo loads: ``timezone.now`` answers through the story's clock (put back afterwards)."""
    global _clock
    if _clock is not None:  # already inside a load
        yield _clock
        return
    real_now = timezone.now
    _clock = StoryClock(real_now)
    timezone.now = _clock.now
    try:
        yield _clock
    finally:
        timezone.now = real_now
        _clock = None


@contextlib.contextmanager
def story_time(when: dt.date | dt.datetime):
    """A step of the story at ``when``; outside a demo load (a test of a part on its own) it changes nothing."""
    if _clock is None:
        yield
        return
    with _clock.at(when):
        yield

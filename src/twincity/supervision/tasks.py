"""Background tasks of supervision (``django.tasks``; the worker and its backend are set up in settings)."""

from __future__ import annotations

import datetime as dt

from django.tasks import task

from twincity.supervision.run import supervise


@task
def supervise_daily(today: str | None = None, partnership_id: int | None = None) -> dict:
    """The day's supervision run, queued by the scheduler or the worker: returns what it did (JSON-friendly)."""
    day = dt.date.fromisoformat(today) if today else None
    report = supervise(day, partnership=partnership_id)
    return report.as_dict()

"""Background tasks (``django.tasks``, database backend; run by ``twincity db_worker``; docs/notices.md)."""

from __future__ import annotations

from django.tasks import task

from twincity.notifications import delivery


@task
def drain_outbox() -> dict:
    """Send what is due in the outbox; if retries wait, come back when the first falls due."""
    counts = delivery.drain()
    upcoming = delivery.next_due()
    if upcoming is not None and counts.get("retried"):
        drain_outbox.using(run_after=upcoming).enqueue()
    return dict(counts)


@task
def send_digest() -> int:
    """The daily digest of notices (queued once a day by cron/a timer with ``twincity send_digest --enqueue``)."""
    return delivery.send_digest()

"""The outbox drained: due deliveries sent, failures retried with back-off, then marked failed for the office.

``drain`` claims a few due rows at a time (``select_for_update(skip_locked=True)`` on PostgreSQL, so two workers
never take the same row; SQLite has one writer at a time anyway), pushes their ``due_at`` a lease ahead and counts
the attempt, commits, and only then sends: no database lock is held while a mail server or a robot answers. A
sent row is marked ``sent``; a failed one is rescheduled ``backoff × 2^(attempts-1)`` later, or marked ``failed``
once ``TWINCITY_DELIVERY_MAX_ATTEMPTS`` attempts were made (or at once, when the answer says trying again cannot
help). A worker that dies mid-send leaves its rows to be taken again when their lease ends.

``send_digest`` sends each person one e-mail with the notices they chose to read in the daily digest.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter, defaultdict

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from twincity.audit.services import log_event
from twincity.core.services import touch
from twincity.notifications import kinds
from twincity.notifications.channels import SendError, absolute_url, send_email, send_robot
from twincity.notifications.choices import Channel, DeliveryError, DeliveryState, Event
from twincity.notifications.models import Delivery

logger = logging.getLogger(__name__)

LEASE = dt.timedelta(minutes=5)
BATCH = 10


def max_attempts() -> int:
    return max(1, getattr(settings, "TWINCITY_DELIVERY_MAX_ATTEMPTS", 6))


def backoff(attempts: int) -> dt.timedelta:
    """How long to wait after the ``attempts``-th failed attempt: 1, 2, 4, 8… times the base (capped at a day)."""
    base = getattr(settings, "TWINCITY_DELIVERY_BACKOFF_SECONDS", 60)
    return min(dt.timedelta(seconds=base * 2 ** max(0, attempts - 1)), dt.timedelta(days=1))


def _claim(now: dt.datetime, size: int) -> list[Delivery]:
    with transaction.atomic():
        due = Delivery.objects.filter(state=DeliveryState.QUEUED, due_at__lte=now).order_by("due_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True, of=("self",))
        rows = list(due.select_related("robot", "recipient")[:size])
        for row in rows:
            row.attempts += 1
            row.due_at = now + LEASE
        Delivery.objects.bulk_update(rows, ["attempts", "due_at"])
    return rows


def _send(row: Delivery) -> None:
    if row.channel == Channel.EMAIL:
        send_email(to=row.address, subject=row.subject, body=row.body, url=row.url, attachments=row.attachments)
    elif row.channel == Channel.ROBOT and row.robot is not None:
        if not row.robot.active or row.robot.archived_at is not None:
            raise SendError(DeliveryError.NO_ADDRESS, "robot disabled", retry=False)
        send_robot(row.robot, subject=row.subject, body=row.body, url=row.url)
    else:
        raise SendError(DeliveryError.NO_ADDRESS, f"nothing to send on {row.channel!r}", retry=False)


def _finish(row: Delivery, now: dt.datetime, error: SendError | None) -> str:
    touch(Delivery, [row])  # the office's deliveries page is cached (core.cache): an UPDATE sends no signal
    if error is None:
        Delivery.objects.filter(pk=row.pk).update(
            state=DeliveryState.SENT, sent_at=timezone.now(), error_kind="", last_error=""
        )
        return "sent"
    if error.retry and row.attempts < max_attempts():
        Delivery.objects.filter(pk=row.pk).update(
            due_at=now + backoff(row.attempts), error_kind=error.kind, last_error=error.detail
        )
        return "retried"
    with transaction.atomic():
        Delivery.objects.filter(pk=row.pk).update(
            state=DeliveryState.FAILED, error_kind=error.kind, last_error=error.detail
        )
        log_event(Event.DELIVERY_FAILED, row, data={"key": row.key, "attempts": row.attempts, "error": error.detail})
    logger.warning("Delivery %s failed after %s attempts: %s", row.key, row.attempts, error.detail)
    return "failed"


def drain(now: dt.datetime | None = None, limit: int = 500) -> Counter:
    """Send up to ``limit`` due deliveries; counts of sent / retried / failed."""
    now = now or timezone.now()
    counts: Counter = Counter()
    while counts.total() < limit:
        rows = _claim(now, min(BATCH, limit - counts.total()))
        if not rows:
            break
        for row in rows:
            try:
                _send(row)
            except SendError as exc:
                counts[_finish(row, now, exc)] += 1
            except Exception as exc:  # a bug or an unforeseen answer: recorded and retried, never lost
                logger.exception("Delivery %s raised", row.key)
                error = SendError(DeliveryError.SERVER_ERROR, f"{type(exc).__name__}: {exc}", retry=True)
                counts[_finish(row, now, error)] += 1
            else:
                counts[_finish(row, now, None)] += 1
    return counts


def next_due() -> dt.datetime | None:
    """When the earliest queued delivery falls due (the worker is asked to come back then)."""
    return (
        Delivery.objects.filter(state=DeliveryState.QUEUED).order_by("due_at").values_list("due_at", flat=True).first()
    )


def send_digest(now: dt.datetime | None = None) -> int:
    """One e-mail per person with every notice waiting for their daily digest; returns how many e-mails went.

    A digest that cannot be sent stays waiting and goes with the next run."""
    now = now or timezone.now()
    waiting = defaultdict(list)
    for row in (
        Delivery.objects.filter(state=DeliveryState.DIGEST, channel=Channel.EMAIL, due_at__lte=now)
        .select_related("recipient")
        .order_by("recipient_id", "created", "pk")
    ):
        waiting[(row.recipient_id, row.address)].append(row)
    sent = 0
    for (_user_id, address), rows in waiting.items():
        with translation.override(settings.LANGUAGE_CODE):
            lines = []
            for row in rows:
                lines.append(f"· [{kinds.label(row.kind)}] {row.subject}")
                if row.url:
                    lines.append(f"  {absolute_url(row.url)}")
            subject = _("Your daily digest: %(count)s notices") % {"count": len(rows)}
        touch(Delivery, rows)  # as in _finish
        try:
            send_email(to=address, subject=subject, body="\n".join(lines))
        except SendError as exc:
            Delivery.objects.filter(pk__in=[r.pk for r in rows]).update(error_kind=exc.kind, last_error=exc.detail)
            continue
        Delivery.objects.filter(pk__in=[r.pk for r in rows], state=DeliveryState.DIGEST).update(
            state=DeliveryState.SENT, sent_at=timezone.now(), attempts=1, error_kind="", last_error=""
        )
        sent += 1
    return sent

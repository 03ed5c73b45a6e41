"""Writes of the notifications app: in-app messages, reminders sent exactly once, calendar addresses.

``deliver`` is the one way a reminder leaves the system. Each (reminder, recipient, channel) gets a
``ReminderLog`` row whose unique key is written in the same transaction as the message: when the row
exists the message was sent and is not sent again; when sending fails the transaction rolls back, the
row disappears and the next run tries again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone

from twincity.audit.services import log_event
from twincity.notifications.choices import Channel
from twincity.notifications.models import CalendarToken, Notification, ReminderLog


@dataclass
class Message:
    """A reminder or notice, before it is addressed to anyone.

    ``key`` names what the message is about and the period it belongs to (for example
    ``action_overdue:action:12:2026-05-01``); the recipient and the channel are added per delivery.
    """

    kind: str
    key: str
    subject: str
    body: str
    url: str = ""
    partnership_id: int | None = None
    attachments: list[tuple[str, bytes, str]] = field(default_factory=list)


def absolute_url(path: str) -> str:
    """A link for an e-mail: the site's public address (``TWINCITY_BASE_URL``) and the path."""
    if not path or path.startswith(("http://", "https://")):
        return path
    base = getattr(settings, "TWINCITY_BASE_URL", "http://localhost:8000").rstrip("/")
    return base + path


def notify(user, *, kind: str, title: str, body: str = "", url: str = "", partnership_id: int | None = None):
    """Put a message in the user's in-app notifications (not logged as a reminder: for one-off notices)."""
    return Notification.objects.create(
        user=user, kind=kind, title=title[:300], body=body, url=url[:500], partnership_id=partnership_id
    )


def _email(message: Message, user) -> EmailMessage:
    prefix = getattr(settings, "TWINCITY_EMAIL_SUBJECT_PREFIX", "[双城办] ")
    body = message.body
    if message.url:
        body = f"{body}\n\n{absolute_url(message.url)}"
    email = EmailMessage(
        subject=f"{prefix}{message.subject}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )
    for name, content, mimetype in message.attachments:
        email.attach(name, content, mimetype)
    return email


def deliver(message: Message, user, *, channels=(Channel.IN_APP, Channel.EMAIL)) -> list[str]:
    """Send ``message`` to ``user`` on each channel not yet used for it; return the channels used now.

    A user without an e-mail address gets the in-app message only. Safe to call any number of times.
    """
    sent = []
    for channel in channels:
        if channel == Channel.EMAIL and not user.email:
            continue
        key = f"{message.key}:u{user.pk}:{channel}"[:255]
        try:
            with transaction.atomic():
                ReminderLog.objects.create(
                    key=key,
                    kind=message.kind,
                    channel=channel,
                    recipient=user,
                    address=user.email if channel == Channel.EMAIL else "",
                    partnership_id=message.partnership_id,
                    subject=message.subject[:300],
                )
                if channel == Channel.IN_APP:
                    notify(
                        user,
                        kind=message.kind,
                        title=message.subject,
                        body=message.body,
                        url=message.url,
                        partnership_id=message.partnership_id,
                    )
                else:
                    # Sent inside the transaction: if the mail server refuses, the log row is rolled back
                    # and the next run tries again.
                    _email(message, user).send(fail_silently=False)
        except IntegrityError:
            continue  # sent before (by an earlier run, or by one running at the same time)
        sent.append(channel)
    return sent


def already_sent(message: Message, user, channel: str = Channel.IN_APP) -> bool:
    return ReminderLog.objects.filter(key=f"{message.key}:u{user.pk}:{channel}"[:255]).exists()


def mark_read(notification: Notification, *, user) -> Notification:
    if notification.user_id != user.pk:
        raise PermissionError("not yours")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


def issue_calendar_token(user) -> tuple[CalendarToken, str]:
    """A new secret calendar address for ``user``; the addresses made before stop working."""
    with transaction.atomic():
        revoke_calendar_tokens(user, log=False)
        token, secret = CalendarToken.issue(user)
        log_event("calendar.address_issued", None, user=user, data={"user": user.pk, "hint": token.hint})
    return token, secret


def revoke_calendar_tokens(user, *, log: bool = True) -> int:
    """Close every calendar address of ``user``: the feeds answer 404 from now on."""
    count = CalendarToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    if log and count:
        log_event("calendar.address_revoked", None, user=user, data={"user": user.pk, "count": count})
    return count


def announce(
    kind: str,
    *,
    recipients,
    subject: str,
    body: str = "",
    url: str = "",
    partnership_id: int | None = None,
    key: str,
) -> int:
    """Tell ``recipients`` that something happened (assigned, published, returned, turned red…): the one way a
    notice about an event leaves a service. Call it inside the service's transaction: the in-app message is
    written with the event (so it is there the moment the change is), and nothing is written if the change rolls
    back. ``key`` names the event once (``action_assigned:action:12``): announcing it again sends nothing.
    Returns how many people were told."""
    message = Message(kind=kind, key=key, subject=subject, body=body, url=url, partnership_id=partnership_id)
    told = 0
    for user in {u.pk: u for u in recipients if u is not None and u.is_active}.values():
        if deliver(message, user, channels=(Channel.IN_APP,)):
            told += 1
    return told


def announce_many(notices) -> list[int]:
    """``announce`` for many notices at once (the supervision run): ``notices`` is a list of
    ``(Message, recipients)``. Reads which (key, person) pairs were sent before in one query per thousand, then
    writes the missing log rows and in-app messages in bulk. Call it inside the caller's transaction: a rerun
    after a rollback sends exactly what is missing. Returns, per notice, how many people were told now."""
    pending: dict[str, tuple[int, Message, object]] = {}
    counts = [0] * len(notices)
    for index, (message, recipients) in enumerate(notices):
        for user in recipients:
            if user is None or not user.is_active:
                continue
            key = f"{message.key}:u{user.pk}:{Channel.IN_APP}"[:255]
            pending.setdefault(key, (index, message, user))
    if not pending:
        return counts
    keys = list(pending)
    for start in range(0, len(keys), 1000):
        chunk = keys[start : start + 1000]
        for key in ReminderLog.objects.filter(key__in=chunk).values_list("key", flat=True):
            pending.pop(key, None)
    logs, notes = [], []
    for key, (index, message, user) in pending.items():
        counts[index] += 1
        logs.append(
            ReminderLog(
                key=key,
                kind=message.kind,
                channel=Channel.IN_APP,
                recipient=user,
                partnership_id=message.partnership_id,
                subject=message.subject[:300],
            )
        )
        notes.append(
            Notification(
                user=user,
                kind=message.kind,
                title=message.subject[:300],
                body=message.body,
                url=message.url[:500],
                partnership_id=message.partnership_id,
            )
        )
    ReminderLog.objects.bulk_create(logs, batch_size=1000)
    Notification.objects.bulk_create(notes, batch_size=1000)
    return counts

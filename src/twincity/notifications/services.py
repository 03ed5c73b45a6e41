"""Writes of the notifications app: in-app messages, reminders sent exactly once, calendar addresses.

``deliver`` is the one way a reminder leaves the system. Each (reminder, recipient, channel) gets a
``ReminderLog`` row whose unique key is written in the same transaction as the message: when the row
exists the message was sent and is not sent again; when sending fails the transaction rolls back, the
row disappears and the next run tries again.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from twincity.accounts.access import require_in
from twincity.accounts.choices import Action
from twincity.audit.services import insert_rows, log_event
from twincity.core.cache import bump_user_stamp
from twincity.core.services import update_versioned
from twincity.notifications import kinds
from twincity.notifications.choices import PERSONAL_CHANNELS, Channel, DeliveryState, Event, Timing
from twincity.notifications.models import CalendarToken, Delivery, Notification, Preference, ReminderLog, Robot


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
        if channel == Channel.EMAIL and Delivery.objects.filter(key=key).exists():
            continue  # in the outbox already: queued by ``announce`` when the event happened
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
                    # and the next run tries again. Recorded in the outbox as sent, beside the event notices.
                    _email(message, user).send(fail_silently=False)
                    _delivery(
                        message,
                        key=key,
                        channel=Channel.EMAIL,
                        recipient=user,
                        address=user.email,
                        state=DeliveryState.SENT,
                        attempts=1,
                        sent_at=timezone.now(),
                        now=timezone.now(),
                    ).save()
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
    count = Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
    bump_user_stamp(user.pk)  # an UPDATE sends no signal (notifications.receivers)
    return count


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


def preferences_of(users, kind: str) -> dict[tuple[int, str], str]:
    """(user id, channel) → timing, for the people who chose something for ``kind`` (one query)."""
    rows = Preference.objects.filter(user__in=[u.pk for u in users], kind=kind).values_list(
        "user_id", "channel", "timing"
    )
    return {(user_id, channel): timing for user_id, channel, timing in rows}


def announce(
    kind: str,
    *,
    recipients,
    subject: str,
    body: str = "",
    url: str = "",
    partnership_id: int | None = None,
    key: str,
    side_ids=None,
    attachments=(),
) -> int:
    """Tell ``recipients`` that something happened (assigned, published, returned, turned red…): the one way a
    notice about an event leaves a service. Call it inside the service's transaction: the in-app message is
    written with the event (so it is there the moment the change is), and nothing is written if the change rolls
    back. ``key`` names the event once (``action_assigned:action:12``): announcing it again sends nothing.

    Beside the in-app message, one outbox row (``Delivery``) is queued per recipient for e-mail, per their
    preference for ``kind`` (immediately, the daily digest, or not at all; immediately when they chose nothing),
    and one per active group robot of the partnership that takes ``kind`` (a side's robot only for notices
    about its side, ``side_ids``, or about no side in particular). The background worker sends them once the
    transaction commits. Returns how many people were told."""
    message = Message(
        kind=kind,
        key=key,
        subject=subject,
        body=body,
        url=url,
        partnership_id=partnership_id,
        attachments=list(attachments),
    )
    people = list({u.pk: u for u in recipients if u is not None and u.is_active}.values())
    chosen = preferences_of(people, kind) if people else {}
    now = timezone.now()
    in_app = set()
    outbox = []
    for user in people:
        if chosen.get((user.pk, Channel.IN_APP), Timing.IMMEDIATE) != Timing.OFF and deliver(
            message, user, channels=(Channel.IN_APP,)
        ):
            in_app.add(user.pk)
        timing = chosen.get((user.pk, Channel.EMAIL), Timing.IMMEDIATE)
        if user.email and timing != Timing.OFF:
            outbox.append(
                _delivery(
                    message,
                    key=f"{key}:u{user.pk}:{Channel.EMAIL}",
                    channel=Channel.EMAIL,
                    recipient=user,
                    address=user.email,
                    state=DeliveryState.DIGEST if timing == Timing.DIGEST else DeliveryState.QUEUED,
                    now=now,
                )
            )
    if partnership_id is not None:
        robots = Robot.objects.filter(partnership_id=partnership_id, active=True, archived_at__isnull=True)
        outbox.extend(
            _delivery(message, key=f"{key}:r{robot.pk}", channel=Channel.ROBOT, robot=robot, now=now)
            for robot in robots
            if robot.takes(kind, side_ids)
        )
    emailed = {d.recipient_id for d in queue(outbox) if d.channel == Channel.EMAIL}
    return len(in_app | emailed)


def announce_digests(notices, *, records=(), robots=()) -> list[int]:
    """Write many notices at once, each already one person's (a digest of a run: "3 new supervision sheets…"),
    at the speed of the driver (``audit.services.insert_rows``: COPY on PostgreSQL). ``notices`` is a list of
    ``(Message, user)``; per the user's preference for the kind, an in-app message with its log row (key
    ``<message key>:u<user>:in_app``) and an e-mail queued in the outbox (``...:email``, or held for the daily
    digest). ``records`` are ``Message``s logged without a recipient: what the digests told of, item by item (the
    caller's guard against telling an item twice). ``robots`` are ``Message``s for the partnership's group robots
    that take their kind (one outbox row each, ``...:r<robot>``).

    The caller makes the keys new (they name the person, the kind, the day and the first item) and holds the locks
    that keep two writers of the same keys apart: a key met twice is an error, not silently skipped. Call it inside
    the caller's transaction. Returns, per notice, 1 if the person was told (in-app or e-mail), else 0."""
    now = timezone.now()
    chosen: dict[str, dict] = {}
    for kind in {m.kind for m, _u in notices}:
        chosen[kind] = preferences_of([u for m, u in notices if m.kind == kind], kind)
    logs, notes, outbox, counts = [], [], [], []
    for message, user in notices:
        timings = chosen[message.kind]
        told = 0
        if user.is_active and timings.get((user.pk, Channel.IN_APP), Timing.IMMEDIATE) != Timing.OFF:
            told = 1
            logs.append(_log_row(message, f"{message.key}:u{user.pk}:{Channel.IN_APP}", user.pk, now))
            notes.append(
                {
                    "user_id": user.pk,
                    "partnership_id": message.partnership_id,
                    "kind": message.kind,
                    "title": message.subject[:300],
                    "body": message.body,
                    "url": message.url[:500],
                    "created": now,
                    "read_at": None,
                }
            )
        timing = timings.get((user.pk, Channel.EMAIL), Timing.IMMEDIATE)
        if user.is_active and user.email and timing != Timing.OFF:
            told = 1
            outbox.append(
                _delivery_row(
                    message,
                    f"{message.key}:u{user.pk}:{Channel.EMAIL}",
                    Channel.EMAIL,
                    now,
                    recipient_id=user.pk,
                    address=user.email,
                    state=DeliveryState.DIGEST if timing == Timing.DIGEST else DeliveryState.QUEUED,
                )
            )
        counts.append(told)
    logs.extend(_log_row(message, message.key, None, now) for message in records)
    partnership_robots: dict[int, list] = {}
    for message in robots:
        if message.partnership_id not in partnership_robots:
            partnership_robots[message.partnership_id] = list(
                Robot.objects.filter(partnership_id=message.partnership_id, active=True, archived_at__isnull=True)
            )
        outbox.extend(
            _delivery_row(message, f"{message.key}:r{robot.pk}", Channel.ROBOT, now, robot_id=robot.pk)
            for robot in partnership_robots[message.partnership_id]
            if robot.takes(message.kind)
        )
    insert_rows(ReminderLog, logs)
    insert_rows(Notification, notes)
    for user_id in {note["user_id"] for note in notes}:
        bump_user_stamp(user_id)  # rows inserted in bulk send no signal (notifications.receivers)
    insert_rows(Delivery, outbox)
    if any(d["state"] == DeliveryState.QUEUED for d in outbox):
        drain_soon()
    return counts


def _log_row(message: Message, key: str, user_id, now) -> dict:
    return {
        "key": key[:255],
        "kind": message.kind,
        "channel": Channel.IN_APP,
        "recipient_id": user_id,
        "address": "",
        "partnership_id": message.partnership_id,
        "subject": message.subject[:300],
        "sent_at": now,
    }


def _delivery_row(message: Message, key: str, channel: str, now, **values) -> dict:
    """A ``Delivery`` as the plain values ``insert_rows`` writes (every field, the model's defaults included)."""
    row = {f.attname: f.get_default() for f in Delivery._meta.concrete_fields if not f.primary_key}
    row.update(
        key=key[:255],
        kind=message.kind,
        channel=channel,
        partnership_id=message.partnership_id,
        subject=message.subject[:300],
        body=message.body,
        url=message.url[:500],
        attachments=[],
        due_at=now,
        created=now,
        **values,
    )
    return row


def _delivery(message: Message, *, key: str, channel: str, now, **values) -> Delivery:
    return Delivery(
        key=key[:255],
        kind=message.kind,
        channel=channel,
        partnership_id=message.partnership_id,
        subject=message.subject[:300],
        body=message.body,
        url=message.url[:500],
        attachments=[
            [name, base64.b64encode(content).decode(), mimetype] for name, content, mimetype in message.attachments
        ],
        due_at=now,
        **values,
    )


def queue(deliveries: list[Delivery]) -> list[Delivery]:
    """Put ``deliveries`` in the outbox (those whose key is there already are left as they are) and have the
    worker drain it once the transaction commits."""
    if not deliveries:
        return []
    keys = [d.key for d in deliveries]
    known: set[str] = set()
    for start in range(0, len(keys), 1000):  # a thousand at a time: SQLite's limit on parameters, PostgreSQL's plans
        chunk = keys[start : start + 1000]
        known.update(Delivery.objects.filter(key__in=chunk).values_list("key", flat=True))
        known.update(ReminderLog.objects.filter(key__in=chunk).values_list("key", flat=True))  # e-mailed by a reminder
    fresh = [d for d in deliveries if d.key not in known]
    # ignore_conflicts: one queued by a transaction running at the same time is not queued again.
    Delivery.objects.bulk_create(fresh, ignore_conflicts=True, batch_size=1000)
    if any(d.state == DeliveryState.QUEUED for d in fresh):
        drain_soon()
    return fresh


def _enqueue_drain() -> None:
    from twincity.notifications.tasks import drain_outbox  # noqa: PLC0415 (the tasks module imports this one)

    drain_outbox.enqueue()


def drain_soon() -> None:
    """Have the background worker drain the outbox once the current transaction commits (once per transaction:
    a callback already waiting for the commit is not added again; a rolled-back one is dropped with it)."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _enqueue_drain()
    elif not any(entry[1] is _enqueue_drain for entry in connection.run_on_commit):
        transaction.on_commit(_enqueue_drain, robust=True)


# ------------------------------------------------------------------------------------------------ preferences


def set_preferences(user, choices: dict[tuple[str, str], str]) -> int:
    """Record ``user``'s choices, (kind, channel) → timing; the default (immediately) is kept as no row."""
    known = set(kinds.LABELS)
    changed = 0
    with transaction.atomic():
        for (kind, channel), timing in choices.items():
            if kind not in known or channel not in PERSONAL_CHANNELS or timing not in Timing.values:
                raise ValueError(f"unknown choice {kind!r}/{channel!r}/{timing!r}")
            if channel == Channel.IN_APP and timing == Timing.DIGEST:
                raise ValueError("the application has no digest")
            current = Preference.objects.filter(user=user, kind=kind, channel=channel).first()
            now_timing = current.timing if current else Timing.IMMEDIATE
            if now_timing == timing:
                continue
            if timing == Timing.IMMEDIATE:
                current.delete()
            elif current:
                current.timing = timing
                current.save(update_fields=["timing"])
            else:
                Preference.objects.create(user=user, kind=kind, channel=channel, timing=timing)
            changed += 1
        if changed:
            log_event(Event.PREFERENCES_CHANGED, None, user=user, data={"user": user.pk, "changed": changed})
    return changed


def preferences_table(user) -> dict[tuple[str, str], str]:
    """Every registered kind × personal channel → the user's timing (the default where they chose nothing)."""
    rows = {(k, c): t for k, c, t in Preference.objects.filter(user=user).values_list("kind", "channel", "timing")}
    return {
        (kind, channel): rows.get((kind, channel), Timing.IMMEDIATE)
        for kind in kinds.LABELS
        for channel in PERSONAL_CHANNELS
    }


# ------------------------------------------------------------------------------------------------ the office's outbox


def retry_delivery(delivery: Delivery, *, user) -> Delivery:
    """The office tries a failed delivery again (now, with a fresh count of attempts)."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
        if delivery.state != DeliveryState.FAILED:
            raise ValueError("only a failed delivery is retried")
        delivery.state = DeliveryState.QUEUED
        delivery.attempts = 0
        delivery.due_at = timezone.now()
        delivery.save(update_fields=["state", "attempts", "due_at"])
        log_event(Event.DELIVERY_RETRIED, delivery, user=user, data={"key": delivery.key})
        drain_soon()
    return delivery


ROBOT_FIELDS = ("name", "side", "kind", "webhook_url", "secret", "kinds", "active")


def save_robot(robot: Robot, *, user, version: int | None = None, **values) -> Robot:
    """Add (``robot.pk`` unset) or change a group robot of a partnership the user runs the office of; an empty
    ``secret`` keeps the one it has (secrets are written, never read back)."""
    if values.get("secret") == "":
        values.pop("secret")
    unknown = set(values) - set(ROBOT_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}")
    side = values.get("side", robot.side if robot.side_id else None)
    if side is not None and side.pk not in {r.pk for r in robot.partnership.sides()}:
        raise ValidationError({"side": _("The side is not one of the partnership's.")})
    if "kinds" in values:
        values["kinds"] = sorted(set(values["kinds"] or ()))
        if set(values["kinds"]) - set(kinds.LABELS):
            raise ValidationError({"kinds": _("Unknown kind of notice.")})
    with transaction.atomic():
        require_in(user, Action.ADMINISTER, robot.partnership_id)
        if robot.pk is None:
            for name, value in values.items():
                setattr(robot, name, value)
            robot.full_clean(exclude=["version"])
            robot.save()
            log_event(Event.ROBOT_ADDED, robot, user=user, data={"robot": robot.pk})
            return robot
        return update_versioned(robot, version, values, user=user, action=Action.ADMINISTER)


def test_robot(robot: Robot, *, user) -> str:
    """Send a test message to ``robot`` now; the answer's error (empty when it went)."""
    from twincity.notifications.channels import SendError, send_robot  # noqa: PLC0415

    require_in(user, Action.ADMINISTER, robot.partnership_id)
    try:
        send_robot(robot, subject=str(_("Test message from twincity")), body=robot.partnership.name)
    except SendError as exc:
        return exc.detail
    finally:
        log_event(Event.ROBOT_TESTED, robot, user=user, data={"robot": robot.pk})
    return ""

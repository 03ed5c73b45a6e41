"""What the system tells people: in-app notifications, the log of reminders sent, calendar feed addresses."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twincity.core.models import PrimaryModel
from twincity.notifications.choices import Channel, DeliveryError, DeliveryState, NotificationKind, RobotKind, Timing


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """A message for one person in the application (议程已发布、会议即将召开、督办事项到期…), read or not yet.

    A notification is private to the person it was written for: nobody else sees it, whatever their
    role, so it is looked up by its owner and not through the partnership's access rules.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("user")
    )
    partnership = models.ForeignKey(
        "regions.Partnership",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partnership"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices, default=NotificationKind.OTHER)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


def unread_query(user) -> tuple[str, list]:
    """How many notifications ``user`` has not read, as one plain statement (``Notification.objects.filter(user=user)
    .unread().count()``): the frame's notice badge, asked together with its other counts (``core.registry``)."""
    quote, meta = connection.ops.quote_name, Notification._meta
    user_id, read_at = (quote(meta.get_field(name).column) for name in ("user", "read_at"))
    return f"SELECT COUNT(*) FROM {quote(meta.db_table)} WHERE {user_id} = %s AND {read_at} IS NULL", [user.pk]


class ReminderLog(models.Model):
    """One reminder sent to one person on one channel: the record that it went out, and the guard against sending twice.

    ``key`` names the reminder, the recipient, the channel and the period it belongs to (the day, for a
    reminder repeated daily); it is unique, so a second run of the command finds it and sends nothing.
    """

    key = models.CharField(_("key"), max_length=255, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("recipient")
    )
    address = models.CharField(_("address"), max_length=254, blank=True)
    partnership = models.ForeignKey(
        "regions.Partnership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partnership"),
    )
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")

    def __str__(self) -> str:
        return self.key


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class CalendarTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class CalendarToken(models.Model):
    """The secret address of one person's calendar feed (日历订阅地址), revocable at any time.

    Calendar programs cannot sign in, so the address itself is the key. Only its SHA-256 digest is
    stored: the address is shown once, when it is made, and a copy of the database does not open
    anyone's calendar. What the feed holds is decided at every fetch by the person's current access.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_tokens", verbose_name=_("user")
    )
    token_hash = models.CharField(_("token digest"), max_length=64, unique=True, editable=False)
    hint = models.CharField(_("token start"), max_length=8, editable=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    objects = CalendarTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("calendar address")
        verbose_name_plural = _("calendar addresses")

    def __str__(self) -> str:
        return f"{self.user} · {self.hint}…"

    @classmethod
    def issue(cls, user) -> tuple[CalendarToken, str]:
        """A new token for ``user``: the row and the secret (which is not kept)."""
        secret = secrets.token_urlsafe(32)
        return cls.objects.create(user=user, token_hash=hash_token(secret), hint=secret[:6]), secret

    @classmethod
    def lookup(cls, secret: str) -> CalendarToken | None:
        if not secret or len(secret) > 100:
            return None
        return cls.objects.active().select_related("user").filter(token_hash=hash_token(secret)).first()


class Preference(models.Model):
    """How one person hears of one kind of notice on one channel: immediately, in the daily digest, or not at all.

    No row means the default: immediately, in the application and by e-mail. A person's own; nobody else
    reads or changes it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preferences", verbose_name=_("user")
    )
    kind = models.CharField(_("kind"), max_length=40)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    timing = models.CharField(_("when"), max_length=10, choices=Timing.choices, default=Timing.IMMEDIATE)

    class Meta:
        ordering = ["user", "kind", "channel"]
        verbose_name = _("notice preference")
        verbose_name_plural = _("notice preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "channel"], name="notifications_preference_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.kind} · {self.channel}: {self.timing}"


class Robot(PrimaryModel):
    """A group robot of WeCom / DingTalk / Feishu that tells a partnership's (or one side's) group of its notices.

    ``secret`` signs DingTalk's and Feishu's requests; it is written, never shown back (not in the API, not in
    the trail). ``kinds`` lists the notice kinds the robot takes (empty: every kind).
    """

    partnership = models.ForeignKey(
        "regions.Partnership", on_delete=models.PROTECT, related_name="+", verbose_name=_("partnership")
    )
    side = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("side")
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("messaging tool"), max_length=10, choices=RobotKind.choices)
    webhook_url = models.URLField(_("webhook address"), max_length=500)
    secret = models.CharField(_("signing secret"), max_length=200, blank=True)
    kinds = models.JSONField(_("notice kinds"), default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)

    audit_exclude = (*PrimaryModel.audit_exclude, "secret")

    class Meta:
        ordering = ["partnership", "side", "name", "pk"]
        verbose_name = _("group robot")
        verbose_name_plural = _("group robots")

    class Access:
        partnership = "partnership"

    def __str__(self) -> str:
        return self.name

    def takes(self, kind: str, side_ids=None) -> bool:
        if not self.active or self.archived_at is not None:
            return False
        if self.kinds and kind not in self.kinds:
            return False
        return self.side_id is None or not side_ids or self.side_id in side_ids


class Delivery(models.Model):
    """One notice to send on one external channel (one person's e-mail, one group robot): the outbox.

    Written by ``announce`` in the same transaction as the event; sent by the background worker
    (``delivery.drain``). ``key`` is unique: the same notice is never queued, nor sent, twice. A failed attempt
    is retried with back-off (``due_at``) up to ``TWINCITY_DELIVERY_MAX_ATTEMPTS``; then the delivery is
    ``failed`` and shown to the office, which may retry it.
    """

    key = models.CharField(_("key"), max_length=255, unique=True)
    kind = models.CharField(_("kind"), max_length=40)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recipient"),
    )
    robot = models.ForeignKey(
        Robot, on_delete=models.PROTECT, null=True, blank=True, related_name="deliveries", verbose_name=_("robot")
    )
    address = models.CharField(_("address"), max_length=500, blank=True)
    partnership = models.ForeignKey(
        "regions.Partnership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partnership"),
    )
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    due_at = models.DateTimeField(_("due at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    error_kind = models.CharField(_("error"), max_length=20, choices=DeliveryError.choices, blank=True)
    last_error = models.TextField(_("last answer"), blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [models.Index(fields=["state", "due_at"], name="notifications_delivery_due")]

    class Access:
        partnership = "partnership"

    def __str__(self) -> str:
        return self.key

    def audit_partnership_id(self) -> int | None:
        return self.partnership_id

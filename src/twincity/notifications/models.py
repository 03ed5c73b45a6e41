"""What the system tells people: in-app notifications, the log of reminders sent, calendar feed addresses."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from twincity.notifications.choices import Channel, NotificationKind


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

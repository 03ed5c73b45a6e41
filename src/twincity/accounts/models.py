"""People's places in the office: each membership gives one role in one partnership; their API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twincity.accounts.choices import Role
from twincity.core.models import PrimaryModel


class Membership(PrimaryModel):
    """A user's role in a partnership, scoped to a side (coordinator) or a unit (unit contact) where it applies."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("user")
    )
    partnership = models.ForeignKey(
        "regions.Partnership", on_delete=models.PROTECT, related_name="members", verbose_name=_("partnership")
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("side")
    )
    organisation = models.ForeignKey(
        "regions.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("unit"),
    )
    title = models.CharField(_("post"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["partnership", "role", "user"]

    class Access:
        partnership = "partnership"
        regions = "region"
        organisations = "organisation"

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"

    def clean(self):
        if self.role == Role.REGION_COORDINATOR and not self.region_id:
            raise ValidationError({"region": _("A region coordinator needs the side they coordinate.")})
        if self.role == Role.UNIT_CONTACT and not self.organisation_id:
            raise ValidationError({"organisation": _("A unit contact needs the unit they speak for.")})


def token_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        """Not revoked, not expired, and its owner's account still open."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now(), user__is_active=True)


class ApiToken(models.Model):
    """A key that lets a person's scripts use the API as that person (API 令牌).

    The key is shown once, when it is made; only its SHA-256 digest and its first characters (so that the
    person can tell which key is which) are kept, so a copy of the database opens nothing. It expires, and it
    is revoked when the password changes or on request. Signing out of the site does not revoke it: it is a
    separate credential for scripts (docs/security.md).
    """

    PREFIX_LENGTH = 8

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    digest = models.CharField(_("key digest"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("key start"), max_length=PREFIX_LENGTH, editable=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(_("expires"), editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user} · {self.prefix}…"

    @classmethod
    def issue(cls, user, *, days: int | None = None) -> tuple[ApiToken, str]:
        """A new token for ``user``: the row and the key (which is not kept). Services log it; see services."""
        key = secrets.token_urlsafe(32)
        days = settings.TWINCITY_API_TOKEN_DAYS if days is None else days
        token = cls.objects.create(
            user=user,
            digest=token_digest(key),
            prefix=key[: cls.PREFIX_LENGTH],
            expires_at=timezone.now() + dt.timedelta(days=days),
        )
        return token, key

    @classmethod
    def lookup(cls, key: str) -> ApiToken | None:
        if not key or len(key) > 100:
            return None
        return cls.objects.active().select_related("user").filter(digest=token_digest(key)).first()


class PasswordChangeRequired(models.Model):
    """A person whose password the office has reset: at their next sign-in they must choose their own."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        verbose_name=_("user"),
    )
    since = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("password change required")
        verbose_name_plural = _("password changes required")

    def __str__(self) -> str:
        return str(self.user)

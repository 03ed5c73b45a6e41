"""People's places in the office: each membership gives one role in one partnership."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
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

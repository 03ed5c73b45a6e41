"""Cooperation agreements (合作协议) between units of two or more sides, and the obligations in them.

Two departments, courts or bureaus of different sides sign a strategic cooperation agreement
(战略合作协议); the office keeps the register: who signed for whom, when, for how long, what each side
undertook, and what became of it. An obligation turns into a key cooperation matter in one step
(``registers.services.follow_up``) and the agreement's page shows that matter's light and progress.

Whether an agreement has expired is a fact of the date, so it is **computed, not stored**: the
stored ``status`` records what people did (in force, terminated, renewed, or "expired" once the
office recorded the lapse), and ``state`` (``Agreement.objects.with_state(today)``, a ``CASE`` the
database evaluates, so lists filter and sort by it) reads "expired" for an in-force agreement whose
expiry date has passed. No nightly job has to run for the list to be right; the dashboard shows
agreements that are past their date but still recorded as in force, until someone renews the
agreement or records the lapse (``services.record_lapse``).
"""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twincity.agreements.choices import AgreementStatus
from twincity.agreements.querysets import AgreementQuerySet
from twincity.core.models import ChangeLoggedModel, PrimaryModel
from twincity.registers.models import MatterLink, RegisterEntry


class Agreement(RegisterEntry):
    """A cooperation agreement (合作协议 / 战略合作协议) signed by units of at least two sides."""

    topic = models.CharField(
        _("area of cooperation"),
        max_length=100,
        blank=True,
        help_text=_("The specific area, e.g. police cooperation, free-trade-zone courts, education."),
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    starts_on = models.DateField(_("in force from"), null=True, blank=True)
    expires_on = models.DateField(
        _("expires on"), null=True, blank=True, db_index=True, help_text=_("Leave empty for an open-ended agreement.")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=AgreementStatus.choices, default=AgreementStatus.IN_FORCE, db_index=True
    )
    terminated_on = models.DateField(_("terminated on"), null=True, blank=True, editable=False)
    termination_reason = models.TextField(_("reason for termination"), blank=True, editable=False)
    renewed_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renews",
        editable=False,
        verbose_name=_("renewed by"),
    )

    objects = AgreementQuerySet.as_manager()

    accepts_uploads = True  # the signed agreement (registers:upload, through ``services.attach_document``)

    search_fields = ("code", "title", "topic", "note")
    text_fields = ("code", "title", "topic", "note")

    class Meta:
        ordering = ["-signed_on", "-pk"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        indexes = [models.Index(fields=["partnership", "status", "expires_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "code"], condition=~Q(code=""), name="agreement_code_unique_in_partnership"
            )
        ]

    class Access:
        partnership = "partnership"
        regions = "parties__side"
        organisations = "parties__organisation"

    def clean(self):
        super().clean()
        begins = self.starts_on or self.signed_on
        if self.expires_on and begins and self.expires_on <= begins:
            raise ValidationError({"expires_on": _("An agreement expires after it comes into force.")})
        if self.signed_on and self.starts_on and self.starts_on < self.signed_on:
            raise ValidationError({"starts_on": _("An agreement comes into force on or after the day it is signed.")})

    def search_text(self) -> str:
        """Its own text plus the parties and their signatories, so a search for a unit finds its agreements."""
        text = super().search_text()
        if self.pk is None:
            return text
        parties = " ".join(
            f"{p.organisation.name} {p.organisation.short_name} {p.signatory}"
            for p in self.parties.select_related("organisation")
        )
        return f"{text} {parties}"

    def state_on(self, today: dt.date | None = None) -> str:
        """The state on ``today`` (the same rule as ``querysets.state_expression``, for one object)."""
        today = today or timezone.localdate()
        if self.status == AgreementStatus.IN_FORCE and self.expires_on and self.expires_on < today:
            return AgreementStatus.EXPIRED
        return self.status

    @property
    def state_label(self) -> str:
        """The name of the state: the annotated one on an agreement loaded ``with_state()``, else today's."""
        state = self.__dict__.get("state") or self.state_on()
        return AgreementStatus(state).label

    def days_left(self, today: dt.date | None = None) -> int | None:
        """Days until expiry (negative once passed); None for an open-ended agreement."""
        if self.expires_on is None:
            return None
        return (self.expires_on - (today or timezone.localdate())).days


class AgreementParty(ChangeLoggedModel):
    """A party to an agreement (签约单位): a unit of one side, and who signed for it."""

    audit_parent_field = "agreement"

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="parties")
    organisation = models.ForeignKey(
        "regions.Organisation", on_delete=models.PROTECT, related_name="agreement_parties", verbose_name=_("unit")
    )
    # Set by the services from ``organisation.side_for(partnership)``, never typed in.
    side = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", editable=False, verbose_name=_("side")
    )
    signatory = models.CharField(_("signatory"), max_length=100, blank=True)
    signatory_post = models.CharField(_("signatory's post"), max_length=100, blank=True)

    class Meta:
        ordering = ["agreement", "pk"]
        verbose_name = _("party to an agreement")
        verbose_name_plural = _("parties to agreements")
        constraints = [models.UniqueConstraint(fields=["agreement", "organisation"], name="agreement_party_unique")]

    class Access:
        partnership = "agreement__partnership"
        regions = "side"
        organisations = "organisation"

    def __str__(self) -> str:
        return self.organisation.display_name


class Obligation(PrimaryModel):
    """An obligation (协议任务 / 责任事项) one side undertook in an agreement; it becomes a matter to be tracked."""

    audit_parent_field = "agreement"

    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, related_name="obligations", verbose_name=_("agreement")
    )
    side = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("side"))
    organisation = models.ForeignKey(
        "regions.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible unit"),
    )
    text = models.TextField(_("obligation"))
    due_date = models.DateField(_("due date"), null=True, blank=True)

    matter_links = GenericRelation(MatterLink)

    text_fields = ("text",)

    class Meta:
        ordering = ["agreement", "pk"]
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")

    class Access:
        partnership = "agreement__partnership"
        regions = "side"
        organisations = "organisation"
        organisation_side = "side"

    def __str__(self) -> str:
        return self.text if len(self.text) <= 60 else self.text[:59] + "…"

    def get_absolute_url(self) -> str:
        return f"{self.agreement.get_absolute_url()}#obligation-{self.pk}"

    def follow_up_url(self) -> str:
        """Where the shared follow-up pages come back to: the obligation on its agreement's page."""
        return self.get_absolute_url()

    @property
    def field_id(self) -> int | None:
        """The agreement's field, which a matter following up the obligation takes."""
        return self.agreement.field_id

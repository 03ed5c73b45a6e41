"""Policy alignment (政策融通).

Both sides used to outbid each other for the same investor, each sweetening its incentives
(互相“杀价”). Under policy alignment they adopt the same terms and leave the choice to the investor.
The office keeps each side's policies (``Policy``) and their terms, clause by clause, as figures
(``Clause``: a term's name, value and unit, e.g. 厂房租金补贴, 前三年, 50 %). An alignment group
(``AlignmentGroup``) sets the equivalent clauses of the sides against each other (``AlignmentMember``),
computes how far apart they are (``policies.divergence``) and flags the group when the gap exceeds
its tolerance, so that the office sees undercutting before investors do.

Who edits what: a side's coordinator keeps the policies and clauses of their own side; alignment
groups belong to the office, which sets their term, unit and tolerance; a coordinator may put their
own side's clauses into a group and put a group their side takes part in under negotiation
(``policies.services`` says so rule by rule).
"""

from __future__ import annotations

import unicodedata
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from twincity.core.models import Attachment, ChangeLoggedModel, PrimaryModel
from twincity.policies.choices import (
    COMPUTED_STATUSES,
    NOT_COMPARED,
    NOT_COMPARED_LABEL,
    AlignmentStatus,
    ToleranceKind,
)
from twincity.registers.models import RegisterEntry

VALUE_DIGITS = {"max_digits": 18, "decimal_places": 4}


def normalise_unit(unit: str) -> str:
    """One spelling per unit, so that "％" and "%" or "元/人 " and "元/人" are the same unit."""
    return " ".join(unicodedata.normalize("NFKC", unit or "").split())


class Policy(RegisterEntry):
    """An incentive policy of one side (政策文件): who issued it, its document number, when it applies."""

    side = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("side"))
    issuing_body = models.CharField(_("issuing body"), max_length=200, blank=True)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    effective_on = models.DateField(_("effective from"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)

    attachments = GenericRelation(Attachment)
    accepts_uploads = True  # the policy's published text (registers:upload)

    search_fields = ("code", "title", "issuing_body", "document_number", "note")
    text_fields = ("code", "title", "issuing_body", "document_number", "note")

    class Meta:
        ordering = ["side", "-effective_on", "pk"]
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        indexes = [models.Index(fields=["partnership", "side"])]

    class Access:
        partnership = "partnership"
        regions = "side"

    def clean(self):
        if self.effective_on and self.expires_on and self.expires_on < self.effective_on:
            raise ValidationError({"expires_on": _("A policy cannot expire before it takes effect.")})

    def in_force_on(self, day) -> bool:
        return (self.effective_on is None or self.effective_on <= day) and (
            self.expires_on is None or day <= self.expires_on
        )


class Clause(PrimaryModel):
    """A clause of a policy (政策条款) with its term as a figure: 厂房租金补贴, 前三年, 50 %."""

    audit_parent_field = "policy"

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="clauses", verbose_name=_("policy"))
    reference = models.CharField(_("clause number"), max_length=50, blank=True, help_text=_("e.g. 第五条"))
    text = models.TextField(_("text of the clause"), blank=True)
    term_name = models.CharField(_("policy term"), max_length=200, help_text=_("e.g. 厂房租金补贴"))
    value = models.DecimalField(_("value"), **VALUE_DIGITS, validators=[MinValueValidator(0)])
    unit = models.CharField(_("unit"), max_length=30, help_text=_("e.g. %, 元/人, 万元/亩"))
    qualifier = models.CharField(_("qualifier"), max_length=200, blank=True, help_text=_("e.g. 前三年"))

    text_fields = ("reference", "text", "term_name", "unit", "qualifier")

    class Meta:
        ordering = ["policy", "reference", "pk"]
        verbose_name = _("clause")
        verbose_name_plural = _("clauses")

    class Access:
        partnership = "policy__partnership"
        regions = "policy__side"

    def __str__(self) -> str:
        head = f"{self.reference} {self.term_name}".strip()
        return f"{head}: {self.value_display}"

    def get_absolute_url(self) -> str:
        """A clause is read on its policy's page."""
        return f"{self.policy.get_absolute_url()}#clause-{self.pk}"

    def clean(self):
        self.unit = normalise_unit(self.unit)
        if not self.unit:
            raise ValidationError({"unit": _("Give the unit of the value (%, 元/人, …).")})

    @property
    def amount(self) -> str:
        """The value without trailing zeros, with its unit: “50 %”."""
        return f"{self.value.normalize():f} {self.unit}" if self.value is not None else self.unit

    @property
    def value_display(self) -> str:
        """The value with its unit and qualifier: “50 %（前三年）”."""
        return f"{self.amount}（{self.qualifier}）" if self.qualifier else self.amount


class AlignmentGroup(RegisterEntry):
    """An alignment group (政策对标组): the equivalent clauses of each side on one term, compared.

    ``divergence`` and ``status`` are kept by the services: the divergence is recomputed whenever a
    member's value, the members or the tolerance change; the status follows it (aligned ↔ diverging)
    unless people have put the group under negotiation or agreed to differ.
    """

    term_name = models.CharField(_("policy term"), max_length=200)
    unit = models.CharField(_("unit"), max_length=30)
    tolerance = models.DecimalField(_("tolerance"), **VALUE_DIGITS, validators=[MinValueValidator(0)])
    tolerance_kind = models.CharField(
        _("tolerance kind"), max_length=10, choices=ToleranceKind.choices, default=ToleranceKind.RELATIVE
    )
    status = models.CharField(
        _("status"), max_length=20, choices=AlignmentStatus.choices, default=AlignmentStatus.ALIGNED, db_index=True
    )
    divergence = models.DecimalField(_("divergence"), max_digits=22, decimal_places=4, null=True, blank=True)
    status_reason = models.CharField(_("reason for the status"), max_length=500, blank=True)

    search_fields = ("code", "title", "term_name", "note")
    text_fields = ("code", "title", "term_name", "unit", "note", "status_reason")

    class Meta:
        ordering = ["status", "code", "pk"]
        verbose_name = _("alignment group")
        verbose_name_plural = _("alignment groups")
        indexes = [models.Index(fields=["partnership", "status"])]

    class Access:
        # The office keeps the groups; the sides act on them through their own clauses (see services).
        partnership = "partnership"

    def clean(self):
        self.unit = normalise_unit(self.unit)
        if not self.unit:
            raise ValidationError({"unit": _("Give the unit the group compares in (%, 元/人, …).")})
        if self.tolerance_kind == ToleranceKind.RELATIVE and self.tolerance is not None and self.tolerance > 100:
            raise ValidationError({"tolerance": _("A relative tolerance is a percentage of at most 100.")})

    @property
    def divergence_display(self) -> str:
        """“33.3 %” (relative, one decimal) or “15 %” in the group's unit (absolute, at most two decimals);
        empty when nothing is compared yet. The stored figure keeps four decimals; the flag compares those."""
        if self.divergence is None:
            return ""
        if self.tolerance_kind == ToleranceKind.RELATIVE:
            return f"{self.divergence.quantize(Decimal('0.1'), ROUND_HALF_UP).normalize():f} %"
        return f"{self.divergence.quantize(Decimal('0.01'), ROUND_HALF_UP).normalize():f} {self.unit}"

    @property
    def is_compared(self) -> bool:
        """Do at least two sides have a clause in the group (is there a divergence)?"""
        return self.divergence is not None

    @property
    def shown_status(self) -> str:
        """The status as pages show it: a group with nothing to compare is not “aligned” but not compared yet."""
        if not self.is_compared and self.status in COMPUTED_STATUSES:
            return NOT_COMPARED
        return self.status

    def get_status_display(self) -> str:
        if self.shown_status == NOT_COMPARED:
            return str(NOT_COMPARED_LABEL)
        return str(AlignmentStatus(self.status).label)

    @property
    def tolerance_display(self) -> str:
        value = f"{self.tolerance.normalize():f}"
        return f"{value} %" if self.tolerance_kind == ToleranceKind.RELATIVE else f"{value} {self.unit}"

    @property
    def is_held(self) -> bool:
        """Set by people (negotiation, agreed to differ) rather than by the comparison."""
        return self.status in (AlignmentStatus.NEGOTIATING, AlignmentStatus.AGREED_TO_DIFFER)


class AlignmentMember(ChangeLoggedModel):
    """A clause set against the other sides' clauses in an alignment group (对标条款)."""

    audit_parent_field = "group"

    group = models.ForeignKey(AlignmentGroup, on_delete=models.PROTECT, related_name="members")
    clause = models.ForeignKey(Clause, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("clause"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("added by")
    )
    archived_at = models.DateTimeField(_("removed at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["group", "clause__policy__side", "pk"]
        verbose_name = _("clause in an alignment group")
        verbose_name_plural = _("clauses in alignment groups")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "clause"], condition=models.Q(archived_at__isnull=True), name="one_live_member"
            )
        ]

    class Access:
        partnership = "group__partnership"
        regions = "clause__policy__side"

    def __str__(self) -> str:
        return f"{self.group} · {self.clause}"

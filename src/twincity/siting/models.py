"""Siting cases (项目布局协调): a project both sides want, and how the office settled where it goes.

错位发展: instead of undercutting each other for a contested project, the sides put their cases to
each other (need, existing capacity, policy offer), negotiate at the joint meeting, and the project
goes where it is needed most ("你急需的，放在你那里，我急需的，放在我这里"). The article's example: a
big-data platform both wanted went to Chengdu Science City and became the Chengdu Supercomputing
Center. A case links the meeting decisions it was negotiated in (not copied: ``meetings.Outcome``)
and, once decided, the key cooperation matters that carry the decision out (``registers.MatterLink``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from twincity.core.models import ChangeLoggedModel, PrimaryModel
from twincity.registers.models import RegisterEntry
from twincity.siting.choices import CLOSED_STATUSES, OPEN_STATUSES, CaseStatus


class SitingCase(RegisterEntry):
    """A siting case (项目布局协调): a project more than one side wants, the sides' bids, and the decision."""

    industry = models.CharField(_("industry"), max_length=100)
    description = models.TextField(_("the project"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.OPEN, db_index=True
    )
    decided_side = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("decided for"),
    )
    decided_site = models.CharField(_("decided site"), max_length=300, blank=True, editable=False)
    rationale = models.TextField(_("rationale"), blank=True, editable=False)
    decided_on = models.DateField(_("decided on"), null=True, blank=True, editable=False)
    withdrawal_reason = models.TextField(_("why it was withdrawn"), blank=True, editable=False)

    search_fields = ("code", "title", "industry", "description", "note", "decided_site", "rationale")
    text_fields = ("code", "title", "industry", "description", "note")

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("siting case")
        verbose_name_plural = _("siting cases")
        indexes = [
            models.Index(fields=["partnership", "status"]),
            # The dashboard's cases still open, under negotiation first, then the oldest: the first five entries.
            models.Index(
                fields=["partnership", "status", "created"],
                condition=Q(archived_at__isnull=True, status__in=OPEN_STATUSES),
                name="sitingcase_pending",
            ),
            # The dashboard's recent decisions, the latest first.
            models.Index(
                fields=["partnership", "decided_on"],
                condition=Q(archived_at__isnull=True, status=CaseStatus.DECIDED),
                name="sitingcase_decided",
            ),
        ]

    class Access:
        partnership = "partnership"
        regions = "bids__side"

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    def search_text(self) -> str:
        # The candidate sites and the sides' arguments are what people remember a case by.
        if self.pk is None:
            return super().search_text()
        bids = " ".join(f"{b.candidate_site} {b.need} {b.existing_capacity} {b.policy_offer}" for b in self.bids.all())
        return f"{super().search_text()} {bids}"


class SitingBid(PrimaryModel):
    """One side's bid (一方的布局诉求) for a contested project: where it would go, and why there."""

    audit_parent_field = "case"

    case = models.ForeignKey(SitingCase, on_delete=models.PROTECT, related_name="bids", verbose_name=_("siting case"))
    side = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("side"))
    unit = models.ForeignKey(
        "regions.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bidding unit"),
    )
    candidate_site = models.CharField(_("candidate site"), max_length=300)
    need = models.TextField(_("need"), blank=True)
    existing_capacity = models.TextField(_("existing capacity"), blank=True)
    policy_offer = models.TextField(_("policy offer"), blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True, editable=False)
    withdrawal_reason = models.TextField(_("why the bid was withdrawn"), blank=True, editable=False)

    text_fields = ("candidate_site", "need", "existing_capacity", "policy_offer")

    class Meta:
        ordering = ["case", "pk"]
        verbose_name = _("bid")
        verbose_name_plural = _("bids")
        constraints = [models.UniqueConstraint(fields=["case", "side"], name="siting_one_bid_per_side")]

    class Access:
        partnership = "case__partnership"
        regions = "side"

    def __str__(self) -> str:
        return f"{self.side.label} · {self.candidate_site}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_on is not None

    def get_absolute_url(self) -> str:
        return f"{self.case.get_absolute_url()}#bid-{self.pk}"


class NegotiationRecord(ChangeLoggedModel):
    """A joint-meeting decision (议定事项) the case was negotiated in: a link to the minutes, not a copy."""

    audit_parent_field = "case"

    case = models.ForeignKey(
        SitingCase, on_delete=models.PROTECT, related_name="negotiations", verbose_name=_("siting case")
    )
    outcome = models.ForeignKey(
        "meetings.Outcome", on_delete=models.PROTECT, related_name="siting_records", verbose_name=_("meeting decision")
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("linked by")
    )
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["case", "created", "pk"]
        verbose_name = _("negotiation record")
        verbose_name_plural = _("negotiation records")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "outcome"],
                condition=Q(archived_at__isnull=True),
                name="siting_one_live_record_per_decision",
            )
        ]

    class Access:
        partnership = "case__partnership"
        regions = "case__bids__side"

    def __str__(self) -> str:
        return f"{self.case} ← {self.outcome}"

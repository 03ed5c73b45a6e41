"""Joint requests to higher authorities (共同对上争取事项).

The two sides petition a higher authority together instead of competing for the same favour. The
jointly agreed text has versions; every side endorses the current version before the request may be
submitted; the authority's answer is recorded when it comes; the matters the request creates or
serves are linked through ``registers.MatterLink``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from twincity.core.models import ChangeLoggedModel
from twincity.core.validators import YEAR_VALIDATORS
from twincity.petitions.choices import AWAITING_ANSWER, Channel, PetitionStatus
from twincity.registers.models import RegisterEntry


class Petition(RegisterEntry):
    """A joint request to a higher authority (共同对上争取事项), e.g. to the National Development and Reform
    Commission."""

    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    target_authority = models.CharField(_("target authority"), max_length=200)
    status = models.CharField(
        _("status"), max_length=20, choices=PetitionStatus.choices, default=PetitionStatus.DRAFTING, db_index=True
    )
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, blank=True)
    response = models.TextField(_("response"), blank=True)
    response_on = models.DateField(_("response date"), null=True, blank=True)

    search_fields = ("code", "title", "target_authority", "note", "response")
    text_fields = ("code", "title", "target_authority", "note", "response")

    class Meta:
        ordering = ["-year", "code", "pk"]
        verbose_name = _("joint request")
        verbose_name_plural = _("joint requests")
        indexes = [
            models.Index(fields=["partnership", "year", "status"]),
            # The dashboard's requests awaiting the answer, earliest submitted first: the first five entries.
            models.Index(
                fields=["partnership", "submitted_on"],
                condition=Q(archived_at__isnull=True, status__in=AWAITING_ANSWER),
                name="petition_awaiting_answer",
            ),
        ]

    class Access:
        partnership = "partnership"
        regions = "sides__region"
        organisations = "sides__drafting_units"

    def current_text(self):
        return self.texts.order_by("-number").first()


class PetitionSide(ChangeLoggedModel):
    """One side's half of a joint request: its drafting units and its endorsement of the current text."""

    audit_parent_field = "petition"
    # Who endorsed and when is said by the "endorsed" event; the change record keeps the raw values.
    audit_derived = ("endorsed_at", "endorsed_by")

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="sides")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("side"))
    drafting_units = models.ManyToManyField(
        "regions.Organisation", blank=True, related_name="+", verbose_name=_("drafting units")
    )
    endorsed_text = models.PositiveIntegerField(_("endorsed text version"), null=True, blank=True)
    endorsed_at = models.DateTimeField(_("endorsed at"), null=True, blank=True)
    endorsed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["petition", "pk"]
        verbose_name = _("side of a joint request")
        verbose_name_plural = _("sides of joint requests")
        constraints = [models.UniqueConstraint(fields=["petition", "region"], name="one_half_per_side")]

    class Access:
        partnership = "petition__partnership"
        regions = "region"
        organisations = "drafting_units"

    def __str__(self) -> str:
        return f"{self.petition} · {self.region}"


class PetitionText(ChangeLoggedModel):
    """A version of the jointly agreed text of a request; a new version needs every side's endorsement again."""

    audit_parent_field = "petition"

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="texts")
    number = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("text"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["petition", "-number"]
        verbose_name = _("text of a joint request")
        verbose_name_plural = _("texts of joint requests")
        constraints = [models.UniqueConstraint(fields=["petition", "number"], name="one_text_per_number")]

    class Access:
        partnership = "petition__partnership"
        regions = "petition__sides__region"

    def __str__(self) -> str:
        return f"{self.petition} v{self.number}"

"""Secondments (干部互派): cadres of one side serving a term in a unit of the other.

The article: the two new areas' Party working committees plan to exchange serving division-level
leading cadres (互派处级实职领导干部交流任职) so that they learn from each other at work. The office
keeps who went where, for how long and to do what, their periodic reports, and the host's
end-of-term evaluation; the dashboard warns of terms ending within 60 days.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from twincity.accounts.choices import Action
from twincity.core.models import PrimaryModel
from twincity.exchanges.choices import Rank, Rating, SecondmentStatus
from twincity.exchanges.querysets import SecondmentQuerySet, effective_end_expression
from twincity.registers.models import RegisterEntry


class Secondment(RegisterEntry):
    """A secondment (干部互派 / 挂职交流): one cadre of a home unit serving a term in a host unit of the other side.

    The status (planned, serving, ended, cut short) is computed from the dates, not stored: a stored
    status would go stale on the day a term starts or ends with nobody touching the record. The one
    thing that is recorded is a decision: a term cut short (``cut_short_on`` and its reason). Lists
    read the status from ``SecondmentQuerySet.with_status``, one object from ``status_on``; both
    give the same verdict.

    The sides are not chosen but derived from the two units (``Organisation.side_for``) by the
    services, and must differ: a secondment always crosses from one side to the other.
    """

    person_name = models.CharField(_("name of the cadre"), max_length=100)
    post = models.CharField(_("post at home"), max_length=200)
    host_post = models.CharField(_("post held at the host"), max_length=200, blank=True)
    rank = models.CharField(_("rank"), max_length=20, choices=Rank.choices, default=Rank.DIVISION)
    home_organisation = models.ForeignKey(
        "regions.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("home unit")
    )
    host_organisation = models.ForeignKey(
        "regions.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("host unit")
    )
    home_side = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", editable=False, verbose_name=_("home side")
    )
    host_side = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=pgettext_lazy("secondment", "host side"),
    )
    start_date = models.DateField(_("start of the term"))
    end_date = models.DateField(_("end of the term"))
    objectives = models.TextField(_("objectives"), blank=True)
    cut_short_on = models.DateField(_("cut short on"), null=True, blank=True, editable=False)
    cut_short_reason = models.TextField(_("why the term was cut short"), blank=True, editable=False)
    evaluation = models.TextField(_("end-of-term evaluation"), blank=True, editable=False)
    rating = models.CharField(_("rating"), max_length=20, choices=Rating.choices, blank=True, editable=False)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("evaluated by"),
    )
    evaluated_on = models.DateField(_("evaluated on"), null=True, blank=True, editable=False)

    objects = SecondmentQuerySet.as_manager()

    search_fields = (
        "code",
        "title",
        "person_name",
        "post",
        "host_post",
        "home_organisation",
        "host_organisation",
        "objectives",
        "note",
        "evaluation",
    )
    text_fields = ("code", "title", "person_name", "post", "host_post", "objectives", "note")

    class Meta:
        ordering = ["-start_date", "pk"]
        verbose_name = _("secondment")
        verbose_name_plural = _("secondments")
        indexes = [
            models.Index(fields=["partnership", "end_date"]),
            models.Index(fields=["partnership", "start_date"]),
            # The dashboard's terms ending soon, by their last day (querysets.ending_within): the first twenty.
            models.Index(
                models.F("partnership"),
                effective_end_expression(),
                models.F("id"),
                condition=Q(archived_at__isnull=True),
                name="secondment_ending",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gt=models.F("start_date")), name="exchanges_secondment_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(home_side=models.F("host_side")), name="exchanges_secondment_crosses_sides"
            ),
        ]

    class Access:
        partnership = "partnership"
        regions = ("home_side", "host_side")
        organisations = ("home_organisation", "host_organisation")
        # The end-of-term evaluation (考核鉴定) is the host's: the office, the host side's coordinator or the
        # host unit's contact. Every other action is open to both ends.
        by_action = {Action.EVALUATE: {"regions": "host_side", "organisations": "host_organisation"}}

    @property
    def last_day(self) -> dt.date:
        """The last day of the term: the day it was cut short, else its planned end."""
        return self.cut_short_on or self.end_date

    def status_on(self, today: dt.date | None = None) -> str:
        """The status on ``today`` (the same verdict as ``querysets.status_expression``)."""
        today = today or timezone.localdate()
        if self.cut_short_on and self.cut_short_on <= today:
            return SecondmentStatus.CUT_SHORT
        if self.start_date > today:
            return SecondmentStatus.PLANNED
        if self.end_date < today:
            return SecondmentStatus.ENDED
        return SecondmentStatus.ACTIVE

    def status_label(self, today: dt.date | None = None) -> str:
        return SecondmentStatus(getattr(self, "status", None) or self.status_on(today)).label

    @property
    def is_evaluated(self) -> bool:
        return bool(self.rating)

    def search_text(self) -> str:
        """The entry's own text and its periodic reports' (a report's words find the secondment)."""
        own = super().search_text()
        if self.pk is None:
            return own
        reports = self.reports.filter(archived_at__isnull=True).values_list("period", "text")
        return " ".join([own, *(f"{period} {text}" for period, text in reports)])

    def clean(self):
        super().clean()
        errors = {}
        if self.start_date and self.end_date and self.end_date <= self.start_date:
            errors["end_date"] = _("The term must end after it starts.")
        if self.home_organisation_id and self.home_organisation_id == self.host_organisation_id:
            errors["host_organisation"] = _("The host unit must differ from the home unit.")
        elif self.home_side_id and self.home_side_id == self.host_side_id:
            errors["host_organisation"] = _("The host unit must be on the other side from the home unit.")
        cut_short = self.cut_short_on and self.start_date and self.end_date
        if cut_short and not self.start_date <= self.cut_short_on < self.end_date:
            errors["end_date"] = _("A term is cut short between its start and its planned end.")
        if self.evaluated_on and self.start_date and self.end_date and self.evaluated_on < self.last_day:
            errors["end_date"] = _("The term cannot end after its evaluation.")
        if errors:
            raise ValidationError(errors)


class SecondmentReport(PrimaryModel):
    """A periodic report (定期报告) of a secondment: what the cadre did in one period, filed by either unit."""

    audit_parent_field = "secondment"

    secondment = models.ForeignKey(
        Secondment, on_delete=models.PROTECT, related_name="reports", verbose_name=_("secondment")
    )
    period = models.CharField(_("period"), max_length=20, help_text=_("For example 2020-Q3 or 2020-09"))
    reported_on = models.DateField(_("reported on"))
    text = models.TextField(_("report"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("filed by")
    )

    class Meta:
        ordering = ["secondment", "-reported_on", "-pk"]
        verbose_name = _("secondment report")
        verbose_name_plural = _("secondment reports")
        constraints = [
            models.UniqueConstraint(
                fields=["secondment", "period"],
                condition=Q(archived_at__isnull=True),
                name="exchanges_one_live_report_per_period",
            )
        ]

    class Access:
        partnership = "secondment__partnership"
        regions = ("secondment__home_side", "secondment__host_side")
        organisations = ("secondment__home_organisation", "secondment__host_organisation")

    def __str__(self) -> str:
        return f"{self.secondment} · {self.period}"

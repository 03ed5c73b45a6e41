"""Visits between the sides (考察互访) and what each side took home from them: lessons (经验借鉴) and gaps (差距).

Since 2015 the two new areas have made "what do we learn from the other side" a set question for
their leaders. A visit records who went where, when and to look at what; the lessons and gaps are
registers of their own, each traceable to the visit it came from and to the key cooperation matters
it caused (``registers.MatterLink``), so the office can answer "what did we do with the ten lessons".

A visit's topics are rows (``VisitTopic``) rather than a JSON list: the list filters by topic with the
same query and index on SQLite and PostgreSQL (SQLite cannot look inside a JSON list), and a change
of topics appears in the visit's history like any other change.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from twincity.core.models import ChangeLoggedModel
from twincity.registers.models import RegisterEntry
from twincity.visits.choices import Topic, VisitLevel, VisitStatus
from twincity.visits.querysets import LearningQuerySet, VisitQuerySet


class Visit(RegisterEntry):
    """A visit (考察互访): a delegation of one side to the other, its programme and its outcomes."""

    visiting_region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("visiting side")
    )
    host_region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=pgettext_lazy("visit", "host side")
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"), null=True, blank=True, help_text=_("Leave empty for a one-day visit."))
    level = models.CharField(_("level"), max_length=20, choices=VisitLevel.choices, default=VisitLevel.PARTY_GOVERNMENT)
    status = models.CharField(
        _("status"), max_length=20, choices=VisitStatus.choices, default=VisitStatus.HELD, db_index=True
    )
    head_of_delegation = models.CharField(_("head of delegation"), max_length=200, blank=True)
    members = models.TextField(_("members of the delegation"), blank=True, help_text=_("One person or unit a line."))
    programme = models.TextField(
        _("programme"), blank=True, help_text=_("Sites visited and meetings held, one a line.")
    )
    outcomes = models.TextField(pgettext_lazy("visit", "outcomes"), blank=True)

    objects = VisitQuerySet.as_manager()

    search_fields = ("code", "title", "head_of_delegation", "members", "programme", "outcomes", "note")
    text_fields = search_fields

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        indexes = [
            models.Index(fields=["partnership", "start_date"]),
            # The dashboard's planned visits, soonest first: the first five entries.
            models.Index(
                fields=["partnership", "start_date"],
                condition=Q(archived_at__isnull=True, status=VisitStatus.PLANNED),
                name="visit_planned",
            ),
        ]

    class Access:
        partnership = "partnership"
        regions = ("visiting_region", "host_region")

    @property
    def last_day(self):
        return self.end_date or self.start_date

    @property
    def topic_values(self) -> list[str]:
        """The visit's topics in the order of the choices (reads prefetched ``topics`` when there are)."""
        chosen = {row.topic for row in self.topics.all()}
        return [value for value in Topic.values if value in chosen]

    @property
    def topic_labels(self) -> list[str]:
        return [str(Topic(value).label) for value in self.topic_values]

    def clean(self):
        super().clean()
        errors = {}
        if self.visiting_region_id and self.visiting_region_id == self.host_region_id:
            errors["host_region"] = _("A side does not visit itself: choose another host.")
        if self.partnership_id:
            sides = set(self.partnership.memberships.values_list("region_id", flat=True))
            for name in ("visiting_region", "host_region"):
                region_id = getattr(self, f"{name}_id")
                if region_id and region_id not in sides and name not in errors:
                    errors[name] = _("Choose a side of this partnership.")
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The visit cannot end before it starts.")
        if errors:
            raise ValidationError(errors)


class VisitTopic(ChangeLoggedModel):
    """One topic a visit looked at (城市、产业、人才、开放、创新、基础设施…); a visit has several."""

    audit_parent_field = "visit"

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="topics")
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices, db_index=True)

    class Meta:
        ordering = ["visit", "pk"]
        verbose_name = _("topic of a visit")
        verbose_name_plural = _("topics of visits")
        constraints = [models.UniqueConstraint(fields=["visit", "topic"], name="visit_topic_once")]

    class Access:
        partnership = "visit__partnership"
        regions = ("visit__visiting_region", "visit__host_region")

    def __str__(self) -> str:
        return str(self.get_topic_display())


class Learning(RegisterEntry):
    """What one side took from the other (互学互鉴): the shape lessons and gaps share.

    ``side`` is the side that learned it: its coordinator edits the entry and turns it into follow-up
    matters. ``visit`` is where it was learned (empty for what came from benchmarking without a visit);
    ``number`` is its place in the list the side drew up (the ten lessons are numbered one to ten).
    """

    side = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("side that learned it")
    )
    visit = models.ForeignKey(
        Visit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="%(class)ss",
        verbose_name=_("source visit"),
    )
    number = models.PositiveSmallIntegerField(_("no."), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)

    objects = LearningQuerySet.as_manager()

    search_fields = ("code", "title", "text", "note")
    text_fields = search_fields

    class Meta:
        abstract = True
        ordering = ["visit_id", "side_id", "number", "pk"]
        indexes = [
            models.Index(fields=["partnership", "side"], name="%(app_label)s_%(class)s_side"),
            # The dashboard's count of the live entries, read in the index alone (visits.sources, the panel's reads):
            # one key, so the index keeps each partnership's entries as one deduplicated list, smaller to read.
            models.Index(
                fields=["partnership"], condition=Q(archived_at__isnull=True), name="%(app_label)s_%(class)s_live_count"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "side", "number"],
                condition=Q(archived_at__isnull=True),
                name="%(app_label)s_%(class)s_number_once",
            )
        ]

    class Access:
        partnership = "partnership"
        regions = "side"

    def __str__(self) -> str:
        return f"{self.number}. {self.title}" if self.number else super().__str__()

    @property
    def follow_up_title(self) -> str:
        """A matter made from it is titled with the lesson itself, without its place in the list ("1. ")."""
        return self.title

    @property
    def follow_up_field(self):
        """The field a matter made from it is filed in: its own, else its visit's."""
        return self.field or (self.visit.field if self.visit_id else None)

    def clean(self):
        super().clean()
        errors = {}
        in_partnership = self.partnership_id and self.side_id
        if in_partnership and not self.partnership.memberships.filter(region_id=self.side_id).exists():
            errors["side"] = _("Choose a side of this partnership.")
        visit = self.visit if self.visit_id else None
        if visit is not None:
            if self.partnership_id and visit.partnership_id != self.partnership_id:
                errors["visit"] = _("The visit belongs to another partnership.")
            elif visit.status != VisitStatus.HELD:
                errors["visit"] = _("Only a visit that took place teaches anything: this one is “%(status)s”.") % {
                    "status": visit.get_status_display()
                }
            elif visit.is_archived:
                errors["visit"] = _("The visit is archived.")
            elif self.side_id and self.side_id not in (visit.visiting_region_id, visit.host_region_id):
                errors.setdefault("side", _("The side that learned it must have taken part in the visit."))
        if errors:
            raise ValidationError(errors)


class Lesson(Learning):
    """A lesson (经验借鉴): what one side resolved to learn from the other, such as the ten lessons 十条真经."""

    class Meta(Learning.Meta):
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")


class Gap(Learning):
    """A gap (差距): where one side found itself behind the other, such as the ten gaps 十条差距."""

    class Meta(Learning.Meta):
        verbose_name = _("gap")
        verbose_name_plural = _("gaps")

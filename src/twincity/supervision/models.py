"""Supervision 督办: one lifecycle for everything with an owner and a due date.

A ``Case`` follows one supervised item (a matter, a milestone, a meeting action, a register item with a
due date) through 立项 → 交办 → 签收 → 反馈 → 办结销号. Each owning side has a ``CaseSide``: its own
sign-off, feedback dates and completion with evidence; the case is complete only when every side has
reported, and closed only when the office has rated it. A ``Sheet`` (督办单) is issued when the case
crosses a threshold and raised blue → yellow → red and escalated until it closes with the case.
A ``Todo`` is one thing waiting for one desk (the office, the leaders, a side's coordinator, a unit):
kept from the state of the work in the same transaction as the change, so counting a person's to-do is
one indexed query.

The items themselves live in higher apps; they are reached through a generic key and described by the
adapter each app registers in ``supervision.registry``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from twincity.core.models import ChangeLoggedModel, PrimaryModel
from twincity.supervision.choices import (
    CaseState,
    Escalation,
    EvidenceKind,
    Rating,
    SheetLevel,
    SheetStepKind,
)


class SupervisionPolicy(ChangeLoggedModel):
    """A partnership's supervision settings: deadlines, feedback cadence, sheet thresholds, the scoring formula.

    Every partnership has one (made with defaults when first asked for, ``SupervisionPolicy.of``)."""

    partnership = models.OneToOneField(
        "regions.Partnership",
        on_delete=models.PROTECT,
        related_name="supervision_policy",
        verbose_name=_("partnership"),
    )
    signoff_days = models.PositiveSmallIntegerField(
        _("days to sign off"), default=2, help_text=_("Each owning side signs off within this many days of assignment.")
    )
    feedback_days = models.CharField(
        _("feedback days"),
        max_length=60,
        default="1,3,7",
        help_text=_("Days after assignment on which feedback is due, separated by commas (for example 1,3,7)."),
    )
    feedback_repeat_days = models.PositiveSmallIntegerField(
        _("then feedback every (days)"), default=30, help_text=_("After the listed days, feedback is due this often.")
    )
    remind_before_days = models.PositiveSmallIntegerField(
        _("remind before (days)"), default=1, help_text=_("A reminder goes out this many days before each due step.")
    )
    blue_days = models.PositiveSmallIntegerField(
        _("blue sheet (days before due)"), default=3, help_text=_("A blue sheet is issued this close to the due date.")
    )
    yellow_late_days = models.PositiveSmallIntegerField(
        _("yellow sheet (days feedback late)"),
        default=2,
        help_text=_("A sheet turns yellow when feedback is this many days late."),
    )
    escalate_coordinator_days = models.PositiveSmallIntegerField(
        _("escalate to the coordinator after (days)"), default=3
    )
    escalate_leader_days = models.PositiveSmallIntegerField(_("escalate to the leaders after (days)"), default=7)
    # The scoring formula 绩效评价: points out of 100, shown next to every score.
    weight_on_time = models.PositiveSmallIntegerField(_("weight: closed on time"), default=40)
    weight_delay = models.PositiveSmallIntegerField(_("weight: average delay"), default=20)
    weight_feedback = models.PositiveSmallIntegerField(_("weight: feedback on time"), default=15)
    weight_rating = models.PositiveSmallIntegerField(_("weight: ratings"), default=15)
    weight_red = models.PositiveSmallIntegerField(_("weight: no red sheets"), default=10)
    delay_cap_days = models.PositiveSmallIntegerField(
        _("delay that scores zero (days)"), default=30, help_text=_("An average delay this long or longer scores 0.")
    )

    class Meta:
        verbose_name = _("supervision settings")
        verbose_name_plural = _("supervision settings")

    class Access:
        partnership = "partnership"

    def __str__(self) -> str:
        return str(self.partnership)

    @classmethod
    def of(cls, partnership_id: int) -> SupervisionPolicy:
        policy = cls.objects.filter(partnership_id=partnership_id).first()
        return policy or cls(partnership_id=partnership_id)

    def feedback_offsets(self) -> list[int]:
        days = []
        for part in self.feedback_days.replace("，", ",").split(","):
            part = part.strip()
            if part.isdigit() and int(part) > 0:
                days.append(int(part))
        return sorted(set(days))


class Case(PrimaryModel):
    """One supervised item (督办事项) with an owner and a due date, and where it stands."""

    partnership = models.ForeignKey(
        "regions.Partnership", on_delete=models.PROTECT, related_name="+", verbose_name=_("partnership")
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(_("kind"), max_length=30, db_index=True)  # the registry's name for the item's model
    code = models.CharField(_("code"), max_length=60, blank=True)
    title = models.CharField(_("title"), max_length=300)
    url = models.CharField(_("link"), max_length=500, blank=True)
    field = models.ForeignKey(
        "regions.Field", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("field")
    )
    assigned_on = models.DateField(_("assigned on"))
    due_on = models.DateField(_("due on"), db_index=True)
    state = models.CharField(_("state"), max_length=20, choices=CaseState.choices, default=CaseState.OPEN)
    level = models.CharField(_("sheet colour"), max_length=10, choices=SheetLevel.choices, blank=True)
    next_feedback_on = models.DateField(_("next feedback due"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    rating = models.CharField(_("rating"), max_length=10, choices=Rating.choices, blank=True)
    review = models.TextField(_("review"), blank=True)
    delay_days = models.IntegerField(_("days late at closure"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("supervised item")
        verbose_name_plural = _("supervised items")
        constraints = [models.UniqueConstraint(fields=["content_type", "object_id"], name="case_one_per_item")]
        indexes = [
            models.Index(fields=["partnership", "state", "due_on"]),
            models.Index(fields=["state", "due_on"]),
            models.Index(fields=["state", "next_feedback_on"]),
        ]

    class Access:
        partnership = "partnership"
        regions = "sides__side"
        organisations = "sides__organisation"

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()

    def get_absolute_url(self) -> str:
        return reverse("supervision:case_detail", args=[self.pk])


class CaseSide(ChangeLoggedModel):
    """One owning side's part of a case: its sign-off, its feedback and its report of completion."""

    audit_parent_field = "case"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sides")
    side = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("side"))
    organisation = models.ForeignKey(
        "regions.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owning unit"),
    )
    signoff_due_on = models.DateField(_("sign-off due"))
    signed_at = models.DateTimeField(_("signed off at"), null=True, blank=True, editable=False)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed off by"),
    )
    signed_late = models.BooleanField(_("signed off late"), default=False, editable=False)
    next_feedback_on = models.DateField(_("next feedback due"), null=True, blank=True)
    last_feedback_on = models.DateField(_("last feedback"), null=True, blank=True, editable=False)
    late_feedback_count = models.PositiveSmallIntegerField(_("late feedback"), default=0, editable=False)
    feedback_count = models.PositiveSmallIntegerField(_("feedback given"), default=0, editable=False)
    completed_at = models.DateTimeField(_("completion reported at"), null=True, blank=True, editable=False)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("completion reported by"),
    )
    completion_note = models.TextField(_("completion report"), blank=True)

    class Meta:
        ordering = ["case", "pk"]
        verbose_name = _("owning side")
        verbose_name_plural = _("owning sides")
        constraints = [models.UniqueConstraint(fields=["case", "side"], name="case_side_unique")]
        indexes = [models.Index(fields=["next_feedback_on"]), models.Index(fields=["signoff_due_on"])]

    class Access:
        partnership = "case__partnership"
        regions = "side"
        organisations = "organisation"
        organisation_side = "side"

    def __str__(self) -> str:
        return f"{self.case} · {self.side}"


class Feedback(ChangeLoggedModel):
    """A side's feedback 反馈 on a case: what was done, how far along, and whether it came on time."""

    audit_parent_field = "case"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="feedback")
    side = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("side"))
    organisation = models.ForeignKey(
        "regions.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("by")
    )
    on = models.DateField(_("given on"))
    due_on = models.DateField(_("was due on"), null=True, blank=True)
    late = models.BooleanField(_("late"), default=False)
    text = models.TextField(_("feedback"))
    percent_complete = models.PositiveSmallIntegerField(
        _("percent complete"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )

    class Meta:
        ordering = ["case", "-on", "-pk"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")

    class Access:
        partnership = "case__partnership"
        regions = "side"
        organisations = "organisation"
        organisation_side = "side"

    def __str__(self) -> str:
        return f"{self.case} · {self.on}"


class Evidence(ChangeLoggedModel):
    """A file or a link a side offers as evidence of completion (the file itself is a ``core.Attachment``)."""

    audit_parent_field = "case"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="evidence")
    side = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("side"))
    kind = models.CharField(_("kind"), max_length=10, choices=EvidenceKind.choices)
    title = models.CharField(_("title"), max_length=300)
    link = models.URLField(_("link"), max_length=500, blank=True)
    attachment = models.ForeignKey(
        "core.Attachment", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("file")
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("added by")
    )

    class Meta:
        ordering = ["case", "pk"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    class Access:
        partnership = "case__partnership"
        regions = "side"
        organisations = "case__sides__organisation"
        organisation_side = "side"

    def __str__(self) -> str:
        return self.title


class Sheet(PrimaryModel):
    """A supervision sheet 督办单: one per case (一事一单), numbered, raised and escalated until the case closes."""

    partnership = models.ForeignKey(
        "regions.Partnership", on_delete=models.PROTECT, related_name="+", verbose_name=_("partnership")
    )
    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="sheet", verbose_name=_("item"))
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))  # within the partnership and the year
    level = models.CharField(_("colour"), max_length=10, choices=SheetLevel.choices, db_index=True)
    escalation = models.CharField(
        _("addressed to"), max_length=15, choices=Escalation.choices, default=Escalation.OWNER
    )
    reason = models.TextField(_("reason"), blank=True)
    issued_at = models.DateTimeField(_("issued at"))
    raised_at = models.DateTimeField(_("colour since"))
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-year", "-number"]
        verbose_name = _("supervision sheet")
        verbose_name_plural = _("supervision sheets")
        constraints = [models.UniqueConstraint(fields=["partnership", "year", "number"], name="sheet_number_unique")]
        indexes = [models.Index(fields=["partnership", "closed_at", "level"])]

    class Access:
        partnership = "partnership"
        regions = "case__sides__side"
        organisations = "case__sides__organisation"

    def __str__(self) -> str:
        return self.display_number

    @property
    def display_number(self) -> str:
        return f"督〔{self.year}〕{self.number}号"

    def get_absolute_url(self) -> str:
        return reverse("supervision:sheet_detail", args=[self.pk])


class SheetStep(ChangeLoggedModel):
    """One step in a sheet's life: issued, raised to a colour, escalated, closed."""

    audit_parent_field = "sheet"

    sheet = models.ForeignKey(Sheet, on_delete=models.PROTECT, related_name="steps")
    kind = models.CharField(_("step"), max_length=10, choices=SheetStepKind.choices)
    level = models.CharField(_("colour"), max_length=10, choices=SheetLevel.choices)
    escalation = models.CharField(_("addressed to"), max_length=15, choices=Escalation.choices)
    at = models.DateTimeField(_("at"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["sheet", "at", "pk"]
        verbose_name = _("sheet step")
        verbose_name_plural = _("sheet steps")

    class Access:
        partnership = "sheet__partnership"

    def __str__(self) -> str:
        return f"{self.sheet} · {self.kind}"


class TodoQuerySet(models.QuerySet):
    def open(self):
        return self.filter(done_at__isnull=True)


class Todo(models.Model):
    """One thing waiting for one desk: approve, endorse, confirm, sign off, feed back, report, verify, rate.

    A desk is a partnership and a part (``accounts.access.Part``): the office, the leaders, the coordinator of
    a side (``scope_id`` is the side), the contact of a unit (``scope_id`` is the unit). Rows are written by
    the to-do sources (``supervision.todos``) from the state of the work, in the transaction that changed it;
    a done to-do keeps its row (``done_at``) as the record of when it was done.
    """

    partnership = models.ForeignKey("regions.Partnership", on_delete=models.CASCADE, related_name="+")
    part = models.CharField(_("desk"), max_length=20)
    scope_id = models.PositiveBigIntegerField(null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=30)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    title = models.CharField(_("title"), max_length=300)
    url = models.CharField(_("link"), max_length=500, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    active_from = models.DateField(_("waiting from"))
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    objects = TodoQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("to-do")
        verbose_name_plural = _("to-dos")
        indexes = [
            models.Index(
                fields=["partnership", "part", "scope_id", "active_from"],
                condition=models.Q(done_at__isnull=True),
                name="todo_open_desk",
            ),
            models.Index(fields=["content_type", "object_id"], name="todo_item"),
        ]

    def __str__(self) -> str:
        return self.title

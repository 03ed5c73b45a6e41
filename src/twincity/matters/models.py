"""The rolling annual list of key cooperation matters (滚动推进年度重点合作事项)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from twincity.core.addresses import address_of
from twincity.core.models import ChangeLoggedModel, PrimaryModel
from twincity.core.validators import YEAR_VALIDATORS
from twincity.matters.choices import Light, MatterStatus, OwnerRole
from twincity.matters.querysets import MatterQuerySet

DUE_BEFORE_START = _("The due date is before the start date.")


class MatterList(PrimaryModel):
    """A partnership's list of key cooperation matters for one year."""

    partnership = models.ForeignKey(
        "regions.Partnership", on_delete=models.PROTECT, related_name="matter_lists", verbose_name=_("partnership")
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    title = models.CharField(_("title"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["partnership", "-year"]
        verbose_name = _("annual list")
        verbose_name_plural = _("annual lists")
        constraints = [models.UniqueConstraint(fields=["partnership", "year"], name="one_list_per_year")]

    class Access:
        partnership = "partnership"

    def __str__(self) -> str:
        return self.title or f"{self.year}"


class Matter(PrimaryModel):
    """A key cooperation matter: one piece of joint work owned by units on every participating side.

    A matter keeps its identity when it rolls into next year's list; ``year_list`` and ``code`` say
    where it stands now, ``entries`` the chain of lists it has been on. ``percent_complete``,
    ``next_milestone_due``, ``watch_from`` and ``lag_date`` are derived by the services from reports and milestones,
    so that the health light can be computed by the database for tens of thousands of matters.
    """

    partnership = models.ForeignKey(
        "regions.Partnership", on_delete=models.PROTECT, related_name="matters", verbose_name=_("partnership")
    )
    year_list = models.ForeignKey(MatterList, on_delete=models.PROTECT, related_name="matters", verbose_name=_("list"))
    # The year of ``year_list``, kept beside it so that lists filter and sort without a join.
    year = models.PositiveSmallIntegerField(_("year"), editable=False, validators=YEAR_VALIDATORS)
    code = models.CharField(_("code"), max_length=30)
    title = models.CharField(_("title"), max_length=300)
    field = models.ForeignKey(
        "regions.Field", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("field")
    )
    goal = models.TextField(_("goal"), blank=True)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=MatterStatus.choices, default=MatterStatus.PROPOSED, db_index=True
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True, db_index=True)
    percent_complete = models.PositiveSmallIntegerField(
        _("percent complete"), default=0, validators=[MaxValueValidator(100)], editable=False
    )
    next_milestone_due = models.DateField(_("next milestone due"), null=True, blank=True, editable=False)
    watch_from = models.DateField(_("deadline near from"), null=True, blank=True, editable=False)
    lag_date = models.DateField(_("progress lags from"), null=True, blank=True, editable=False)
    completion_requested_at = models.DateTimeField(_("completion reported at"), null=True, blank=True, editable=False)
    completed_on = models.DateField(_("completed on"), null=True, blank=True, editable=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("completion confirmed by"),
    )
    search_document = models.TextField(editable=False, blank=True, default="")

    objects = MatterQuerySet.as_manager()

    audit_derived = (
        "year",
        "percent_complete",
        "next_milestone_due",
        "watch_from",
        "lag_date",
        "completion_requested_at",
    )

    class Meta:
        ordering = ["year", "code"]
        verbose_name = _("key cooperation matter")
        verbose_name_plural = _("key cooperation matters")
        constraints = [
            models.UniqueConstraint(fields=["year_list", "code"], name="matter_code_unique_in_list"),
            # The database's own guard of the rule ``clean`` tells people about.
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(due_date__isnull=True) | Q(due_date__gte=F("start_date")),
                name="matter_due_not_before_start",
                violation_error_message=DUE_BEFORE_START,
            ),
        ]
        indexes = [
            models.Index(fields=["partnership", "year", "code"]),
            models.Index(fields=["partnership", "status"]),
            models.Index(fields=["year_list", "status"]),
            models.Index(fields=["year_list", "due_date"]),
            models.Index(fields=["next_milestone_due"]),
            # Counting a partnership's live matters (every paginated list) without reading the wide rows.
            models.Index(
                fields=["partnership"], condition=Q(archived_at__isnull=True), name="matter_live_in_partnership"
            ),
            # The live matters in the lists' order (newest year, then code): a page, a search's first page, stops
            # after its rows instead of sorting the whole year; the dashboard reads a year's ids from it (issue 12).
            models.Index(
                fields=["partnership", "-year", "code", "id"],
                condition=Q(archived_at__isnull=True),
                name="matter_live_list_order",
            ),
            # The archived matters of a list: few, so the dashboard leaves their sides and milestones out cheaply.
            models.Index(fields=["year_list"], condition=Q(archived_at__isnull=False), name="matter_archived_in_list"),
            # The running ones in due order (the dashboard's overdue and due-soon lists stop after ten).
            models.Index(
                fields=["partnership", "year", "due_date"],
                condition=Q(archived_at__isnull=True, status__in=["approved", "in_progress"]),
                name="matter_running_by_due",
            ),
            # … and by their next milestone (the dashboard's due-soon list reads those due soon by either date).
            models.Index(
                fields=["partnership", "year", "next_milestone_due"],
                condition=Q(archived_at__isnull=True, status__in=["approved", "in_progress"]),
                name="matter_running_by_milestone",
            ),
            # A year's live matters with what the dashboard counts them by (status, field, the light's dates): its
            # counts by status, light and field read this index alone, never the wide rows. Key columns, not
            # INCLUDE, so that SQLite has the same index.
            models.Index(
                fields=[
                    "partnership",
                    "year",
                    "status",
                    "field",
                    "due_date",
                    "next_milestone_due",
                    "watch_from",
                    "lag_date",
                ],
                condition=Q(archived_at__isnull=True),
                name="matter_live_year_figures",
            ),
        ]

    class Access:
        partnership = "partnership"
        regions = "sides__region"
        organisations = "owners__organisation"

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def clean(self) -> None:
        """The rules of a matter's own values, asked by every way in (services, forms, API, Excel import)."""
        super().clean()
        if self.start_date and self.due_date and self.due_date < self.start_date:
            raise ValidationError({"due_date": DUE_BEFORE_START})

    def get_absolute_url(self) -> str:
        return address_of("matters:matter", self.pk)  # reversed once (an import asks it of 5,000 matters)

    @property
    def light_label(self) -> str:
        """The name of the light, on a matter loaded with ``with_light()``."""
        return Light(self.light).label


class MatterSide(ChangeLoggedModel):
    """One side's half of a matter: its responsible leader and its own progress."""

    audit_parent_field = "matter"

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="sides")
    # The matter's list, kept beside it (set where a side is made, moved by ``services.roll_over``): a year's progress
    # per side is read from the sides of one list without joining the matters (the dashboard).
    year_list = models.ForeignKey(
        MatterList, on_delete=models.PROTECT, related_name="+", editable=False, db_index=False
    )
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("side"))
    responsible_leader = models.CharField(_("responsible leader"), max_length=100, blank=True)
    percent_complete = models.PositiveSmallIntegerField(_("percent complete"), default=0, editable=False)
    last_reported_on = models.DateField(_("last report"), null=True, blank=True, editable=False)

    audit_derived = ("year_list", "percent_complete", "last_reported_on")

    class Meta:
        ordering = ["matter", "pk"]
        verbose_name = _("side of a matter")
        verbose_name_plural = _("sides of matters")
        constraints = [models.UniqueConstraint(fields=["matter", "region"], name="matter_side_unique")]
        indexes = [
            # A list's progress per side from the index alone (the dashboard).
            # (the matter too: the sides of its archived matters are left out without reading the table).
            models.Index(fields=["year_list", "region", "percent_complete", "matter"], name="side_progress_in_list"),
        ]

    class Access:
        partnership = "matter__partnership"
        regions = "region"

    def __str__(self) -> str:
        return f"{self.matter.code} · {self.region}"


class MatterOwner(ChangeLoggedModel):
    """A unit that leads (牵头单位) or supports (配合单位) a matter on its side."""

    audit_parent_field = "matter"

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="owners")
    organisation = models.ForeignKey(
        "regions.Organisation", on_delete=models.PROTECT, related_name="matter_roles", verbose_name=_("unit")
    )
    side = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("side"))
    role = models.CharField(_("role"), max_length=10, choices=OwnerRole.choices, default=OwnerRole.LEAD)

    class Meta:
        ordering = ["matter", "role", "pk"]
        verbose_name = _("owning unit")
        verbose_name_plural = _("owning units")
        constraints = [models.UniqueConstraint(fields=["matter", "organisation"], name="matter_owner_unique")]

    class Access:
        partnership = "matter__partnership"
        regions = "side"
        organisations = "organisation"

    def __str__(self) -> str:
        return _("%(unit)s (%(role)s)") % {"unit": self.organisation, "role": self.get_role_display()}


class ListEntry(ChangeLoggedModel):
    """A matter's stay on one annual list: how it came on, under which code, and how it left."""

    audit_parent_field = "matter"

    class Outcome(models.TextChoices):
        CURRENT = "current", _("On this list")
        ROLLED_OVER = "rolled_over", _("Rolled over")

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="entries")
    year_list = models.ForeignKey(MatterList, on_delete=models.PROTECT, related_name="entries")
    code = models.CharField(_("code"), max_length=30)
    entered_on = models.DateField(_("entered on"))
    reason = models.TextField(_("reason"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.CURRENT)

    class Meta:
        ordering = ["matter", "year_list__year"]
        verbose_name = _("list entry")
        verbose_name_plural = _("list entries")
        constraints = [models.UniqueConstraint(fields=["matter", "year_list"], name="one_entry_per_list")]

    class Access:
        partnership = "matter__partnership"

    def __str__(self) -> str:
        return f"{self.year_list.year} {self.code}"


class Milestone(PrimaryModel):
    """A dated step of one side's half of a matter, closed with evidence."""

    audit_parent_field = "matter"

    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="milestones")
    # The matter's list, kept beside it (set where a milestone is made, moved by ``services.roll_over``): a year's open
    # milestones are counted without joining the matters (the dashboard).
    year_list = models.ForeignKey(
        MatterList, on_delete=models.PROTECT, related_name="+", editable=False, db_index=False
    )
    side = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("side"))
    title = models.CharField(_("title"), max_length=300)
    due_date = models.DateField(_("due date"))
    done_date = models.DateField(_("done on"), null=True, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)

    audit_derived = ("year_list",)

    class Meta:
        ordering = ["matter", "due_date", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        indexes = [
            models.Index(fields=["matter", "done_date", "due_date"]),
            # A list's open milestones past their date, counted by side (the dashboard) from the index alone.
            models.Index(
                fields=["year_list", "due_date", "side", "matter"],
                condition=Q(done_date__isnull=True, archived_at__isnull=True),
                name="milestone_open_in_list",
            ),
        ]

    class Access:
        partnership = "matter__partnership"
        regions = "side"
        organisations = "matter__owners__organisation"
        organisation_side = "side"

    def __str__(self) -> str:
        return self.title


class ProgressReport(PrimaryModel):
    """One side's report on a matter for a period: what was done and how far along it is."""

    audit_parent_field = "matter"

    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="reports")
    side = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("side"))
    organisation = models.ForeignKey(
        "regions.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reporting unit"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("author")
    )
    period = models.CharField(_("period"), max_length=20, help_text=_("For example 2020-06 or 2020-Q2"))
    reported_on = models.DateField(_("reported on"))
    text = models.TextField(_("progress"))
    percent_complete = models.PositiveSmallIntegerField(_("percent complete"), validators=[MaxValueValidator(100)])
    search_document = models.TextField(editable=False, blank=True, default="")
    # Its files (core.Attachment, a generic reference): no column, here so that the matter page reads a report's
    # files in the report's own query (a join), not in one query more.
    attachments = GenericRelation("core.Attachment")

    class Meta:
        ordering = ["matter", "-reported_on", "-pk"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        indexes = [models.Index(fields=["matter", "side", "reported_on"])]

    class Access:
        partnership = "matter__partnership"
        regions = "side"
        # A unit reports for itself, on its own side, and only on a matter it owns.
        organisations = "organisation"
        organisation_side = "side"
        organisation_owners = "matter__owners__organisation"

    def __str__(self) -> str:
        return f"{self.matter.code} · {self.period}"

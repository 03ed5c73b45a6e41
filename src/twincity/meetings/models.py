"""Joint meetings (联席会议): series, numbered sessions with a rotating host, agendas, minutes,
decisions (议定事项) and the actions (督办事项) the office follows up until they are verified."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from twincity.core.models import ChangeLoggedModel, PrimaryModel
from twincity.meetings.choices import (
    ActionStatus,
    ActionUpdateKind,
    AgendaChangeKind,
    Cadence,
    DayRule,
    ItemSource,
    ItemStatus,
    MinutesStatus,
    OutcomeKind,
    SeriesKind,
    SessionStatus,
    Weekday,
    WeekOfMonth,
)
from twincity.meetings.querysets import ActionQuerySet


class MeetingSeries(PrimaryModel):
    """A standing meeting of the partnership (the monthly joint meeting, the docking meeting…).

    Its sessions are numbered (第N次) and hosted by the sides in their rotation order; the cadence
    says when the next ones fall, the thresholds when an action's light turns.
    """

    partnership = models.ForeignKey(
        "regions.Partnership", on_delete=models.PROTECT, related_name="meeting_series", verbose_name=_("partnership")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=SeriesKind.choices, default=SeriesKind.JOINT)
    name = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    cadence = models.CharField(_("cadence"), max_length=20, choices=Cadence.choices, default=Cadence.MONTHLY)
    day_rule = models.CharField(_("day rule"), max_length=20, choices=DayRule.choices, default=DayRule.NTH_WEEKDAY)
    week_of_month = models.SmallIntegerField(
        _("week of the month"), choices=WeekOfMonth.choices, default=WeekOfMonth.THIRD
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices, default=Weekday.FRIDAY)
    day_of_month = models.PositiveSmallIntegerField(
        _("day of the month"), default=15, help_text=_("1 to 28, used when the rule is a day of the month.")
    )
    default_time = models.TimeField(_("usual start time"), default=dt.time(9, 30))
    default_duration_minutes = models.PositiveSmallIntegerField(_("usual length (minutes)"), default=120)
    first_number = models.PositiveSmallIntegerField(
        _("number of the first session"),
        default=1,
        help_text=_("For a series whose earlier sessions were held before the system was used."),
    )
    first_host = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("first host"),
        help_text=_("Empty: the first side in the rotation order."),
    )
    action_near_days = models.PositiveSmallIntegerField(
        _("days before the due date that turn an action blue"), default=7
    )
    action_feedback_days = models.PositiveSmallIntegerField(
        _("days without feedback that turn an action yellow"), default=14
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["partnership", "kind", "name"]
        verbose_name = _("meeting series")
        verbose_name_plural = _("meeting series")

    class Access:
        partnership = "partnership"

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("meetings:series", args=[self.pk])


class Session(PrimaryModel):
    """One sitting of a series: 第N次联席会议, hosted by one side, which provides venue, chair and secretariat.

    A cancelled session keeps its number for the record; the sessions after it take the numbers on
    and its host hosts next. ``host_fixed`` marks a host chosen by hand, which the rotation respects.
    """

    series = models.ForeignKey(MeetingSeries, on_delete=models.PROTECT, related_name="sessions")
    partnership = models.ForeignKey(
        "regions.Partnership", on_delete=models.PROTECT, related_name="+", verbose_name=_("partnership")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    host = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("host side"))
    host_fixed = models.BooleanField(_("host chosen by hand"), default=False)
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    duration_minutes = models.PositiveSmallIntegerField(_("length (minutes)"), default=120)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    chair = models.CharField(_("chair"), max_length=100, blank=True)
    secretariat = models.ForeignKey(
        "regions.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("secretariat"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=SessionStatus.choices, default=SessionStatus.PLANNED, db_index=True
    )
    cancelled_reason = models.TextField(_("why it was cancelled"), blank=True)
    agenda_published_at = models.DateTimeField(_("agenda published at"), null=True, blank=True, editable=False)
    agenda_published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("agenda published by"),
    )
    minutes_status = models.CharField(
        _("minutes"), max_length=20, choices=MinutesStatus.choices, default=MinutesStatus.DRAFT
    )
    minutes_summary = models.TextField(_("summary of the minutes"), blank=True)
    minutes_locked_at = models.DateTimeField(_("minutes locked at"), null=True, blank=True, editable=False)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["series", "starts_at", "pk"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.UniqueConstraint(
                fields=["series", "number"], condition=~Q(status="cancelled"), name="session_number_unique"
            )
        ]
        indexes = [models.Index(fields=["partnership", "starts_at"])]

    class Access:
        partnership = "partnership"
        regions = "host"

    def __str__(self) -> str:
        return _("%(series)s, session %(number)s") % {"series": self.series, "number": self.number}

    def get_absolute_url(self) -> str:
        return reverse("meetings:session", args=[self.pk])

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)

    @property
    def local_date(self) -> dt.date:
        return timezone.localtime(self.starts_at).date()

    @property
    def agenda_frozen(self) -> bool:
        return self.agenda_published_at is not None

    @property
    def minutes_locked(self) -> bool:
        return self.minutes_status == MinutesStatus.LOCKED

    @property
    def is_cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED

    @property
    def is_planned(self) -> bool:
        """Not yet held nor cancelled: the only state in which a session is rescheduled or called off."""
        return self.status == SessionStatus.PLANNED

    @property
    def is_held(self) -> bool:
        return self.status == SessionStatus.HELD

    @property
    def minutes_confirmed(self) -> bool:
        """Every side has confirmed the minutes: they wait to be locked."""
        return self.minutes_status == MinutesStatus.CONFIRMED

    # The two rules of a session's life, each written once: services refuse with the reason, pages and the
    # API ask the property. The agenda is built while the session is planned; the minutes are recorded once
    # the agenda is published and the session's day has come, until they are locked.

    def agenda_closed_reason(self) -> str | None:
        """Why the agenda can no longer be built (items placed, moved, edited, published), or ``None``."""
        if self.is_cancelled:
            return _("The session is cancelled.")
        if not self.is_planned or self.minutes_status != MinutesStatus.DRAFT:
            return _("The session has been held: its agenda no longer changes.")
        return None

    @property
    def agenda_is_open(self) -> bool:
        return self.agenda_closed_reason() is None

    def has_begun(self, today: dt.date | None = None) -> bool:
        """The session's day has come (in the office's time zone)."""
        return self.local_date <= (today or timezone.localdate())

    def minutes_closed_reason(self, today: dt.date | None = None) -> str | None:
        """Why the minutes cannot be recorded or edited now (attendance, summary, outcomes), or ``None``."""
        if self.is_cancelled:
            return _("The session is cancelled.")
        if self.minutes_locked:
            return _("The minutes are locked: add a dated amendment instead.")
        if not self.agenda_frozen:
            return _("Publish the agenda before recording the minutes.")
        if not self.has_begun(today):
            return _("The session has not taken place yet: its minutes can be recorded from %(date)s.") % {
                "date": self.local_date.isoformat()
            }
        return None

    @property
    def minutes_editable(self) -> bool:
        return self.minutes_closed_reason() is None


class AgendaItem(PrimaryModel):
    """A topic (议题): proposed by a side into the series backlog, placed on a session's agenda by the
    host's secretariat, or proposed by the system from the state of the work (``source``)."""

    series = models.ForeignKey(MeetingSeries, on_delete=models.PROTECT, related_name="items")
    partnership = models.ForeignKey(
        "regions.Partnership", on_delete=models.PROTECT, related_name="+", verbose_name=_("partnership")
    )
    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, null=True, blank=True, related_name="items", verbose_name=_("session")
    )
    status = models.CharField(_("status"), max_length=20, choices=ItemStatus.choices, default=ItemStatus.BACKLOG)
    # Not constrained to ItemSource: further registers add their own sources (see meetings.sources).
    source = models.CharField(_("source"), max_length=40, default=ItemSource.PROPOSED)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    presenter = models.CharField(_("presenter"), max_length=100, blank=True)
    side = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("side")
    )
    organisation = models.ForeignKey(
        "regions.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("presenting unit"),
    )
    duration_minutes = models.PositiveSmallIntegerField(_("minutes needed"), default=10)
    matter = models.ForeignKey(
        "matters.Matter",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_items",
        verbose_name=_("matter"),
    )
    action = models.ForeignKey(
        "ActionItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_items",
        verbose_name=_("action carried forward"),
    )
    # Any other object an item may be about (a joint request, an agreement…), by content type and id.
    object_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    # What the system wrote for a standing item is kept in both languages: ``title``/``description`` in Chinese
    # (the language of the papers), these in English; each reader sees its own (``display_title``). Text a
    # person types stays as typed, and editing a generated title or description drops its English copy.
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    class Meta:
        ordering = ["session", "order", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        indexes = [models.Index(fields=["series", "status"]), models.Index(fields=["session", "order"])]

    class Access:
        partnership = "partnership"
        regions = ("session__host", "side")

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        if self.title_en and (get_language() or "").startswith("en"):
            return self.title_en
        return self.title

    @property
    def display_description(self) -> str:
        if self.description_en and (get_language() or "").startswith("en"):
            return self.description_en
        return self.description

    def audit_parent(self):
        return self.session or self.series


class AgendaChange(ChangeLoggedModel):
    """A change made to an agenda after it was published, shown to both sides with the agenda."""

    audit_parent_field = "session"

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="agenda_changes")
    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    kind = models.CharField(_("change"), max_length=20, choices=AgendaChangeKind.choices)
    text = models.TextField(_("what changed"))
    text_en = models.TextField(_("what changed (English)"), blank=True)  # the same, generated in English
    reason = models.TextField(_("reason"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("by")
    )

    class Meta:
        ordering = ["session", "created", "pk"]
        verbose_name = _("agenda change")
        verbose_name_plural = _("agenda changes")

    class Access:
        partnership = "session__partnership"
        regions = "session__host"

    def __str__(self) -> str:
        return self.display_text[:80]

    @property
    def display_text(self) -> str:
        if self.text_en and (get_language() or "").startswith("en"):
            return self.text_en
        return self.text


class Attendance(ChangeLoggedModel):
    """Someone present at a session, for one side; leaders are listed first in the minutes."""

    audit_parent_field = "session"

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="attendance")
    side = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("side"))
    name = models.CharField(_("name"), max_length=100)
    post = models.CharField(_("post"), max_length=150, blank=True)
    organisation = models.ForeignKey(
        "regions.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit"),
    )
    is_leader = models.BooleanField(_("leader"), default=False)

    class Meta:
        ordering = ["session", "side", "-is_leader", "pk"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")

    class Access:
        partnership = "session__partnership"
        regions = "session__host"

    def __str__(self) -> str:
        return self.name


class Outcome(PrimaryModel):
    """What the session concluded on an agenda item: information noted, a decision (议定事项, numbered
    per session) or an action (督办事项) that the office then supervises."""

    audit_parent_field = "session"

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="outcomes")
    item = models.ForeignKey(
        AgendaItem, on_delete=models.PROTECT, null=True, blank=True, related_name="outcomes", verbose_name=_("item")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=OutcomeKind.choices, default=OutcomeKind.DECISION)
    number = models.PositiveSmallIntegerField(_("number"), null=True, blank=True)
    text = models.TextField(_("text"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("recorded by")
    )

    class Meta:
        ordering = ["session", "number", "pk"]
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "number"], condition=Q(number__isnull=False), name="outcome_number_unique"
            )
        ]

    class Access:
        partnership = "session__partnership"
        regions = "session__host"

    def __str__(self) -> str:
        return self.text[:80]


class ActionItem(PrimaryModel):
    """A supervised action (督办事项): owned by units on one or more sides, due by a date, serving a
    matter; followed through acknowledgement, feedback and a report of completion until the office
    verifies it. ``watch_from`` and ``feedback_due`` are kept by the services so the database can
    compute the light for long lists."""

    partnership = models.ForeignKey(
        "regions.Partnership", on_delete=models.PROTECT, related_name="+", verbose_name=_("partnership")
    )
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="actions", verbose_name=_("decided at"))
    outcome = models.ForeignKey(
        Outcome, on_delete=models.PROTECT, null=True, blank=True, related_name="actions", verbose_name=_("decision")
    )
    code = models.CharField(_("code"), max_length=30)
    title = models.CharField(_("action"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    due_date = models.DateField(_("due date"), db_index=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.ASSIGNED, db_index=True
    )
    matter = models.ForeignKey(
        "matters.Matter",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_actions",
        verbose_name=_("matter it serves"),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True, editable=False)
    last_feedback_on = models.DateField(_("last feedback"), null=True, blank=True, editable=False)
    reported_done_at = models.DateTimeField(_("reported done at"), null=True, blank=True, editable=False)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True, editable=False)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("verified by"),
    )
    watch_from = models.DateField(_("due soon from"), null=True, blank=True, editable=False)
    feedback_due = models.DateField(_("feedback due"), null=True, blank=True, editable=False)
    search_document = models.TextField(editable=False, blank=True, default="")

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "code", "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        indexes = [models.Index(fields=["partnership", "status"]), models.Index(fields=["session", "status"])]

    class Access:
        partnership = "partnership"
        regions = "owners__side"
        organisations = "owners__organisation"

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:action", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status not in (ActionStatus.VERIFIED, ActionStatus.CANCELLED)


class ActionOwner(ChangeLoggedModel):
    """A unit that owns an action on its side (an action may have owners on several sides)."""

    audit_parent_field = "action"

    action = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="owners")
    organisation = models.ForeignKey(
        "regions.Organisation", on_delete=models.PROTECT, related_name="meeting_actions", verbose_name=_("unit")
    )
    side = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("side"))

    class Meta:
        ordering = ["action", "side", "pk"]
        verbose_name = _("action owner")
        verbose_name_plural = _("action owners")
        constraints = [models.UniqueConstraint(fields=["action", "organisation"], name="action_owner_unique")]

    class Access:
        partnership = "action__partnership"
        regions = "side"
        organisations = "organisation"

    def __str__(self) -> str:
        return str(self.organisation)


class ActionUpdate(ChangeLoggedModel):
    """One step in an action's history: acknowledged, progress fed back, reported done (with
    evidence files attached), verified, or returned with a reason."""

    audit_parent_field = "action"

    action = models.ForeignKey(ActionItem, on_delete=models.PROTECT, related_name="updates")
    kind = models.CharField(_("step"), max_length=20, choices=ActionUpdateKind.choices)
    text = models.TextField(_("text"), blank=True)
    on = models.DateField(_("date"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("by")
    )
    organisation = models.ForeignKey(
        "regions.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit"),
    )

    class Meta:
        ordering = ["action", "created", "pk"]
        verbose_name = _("action update")
        verbose_name_plural = _("action updates")

    class Access:
        partnership = "action__partnership"
        regions = "action__owners__side"
        organisations = "action__owners__organisation"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on:%Y-%m-%d}"


class MinutesConfirmation(ChangeLoggedModel):
    """One side's confirmation of a session's minutes."""

    audit_parent_field = "session"

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="confirmations")
    side = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("side"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("confirmed by")
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["session", "created"]
        verbose_name = _("confirmation of the minutes")
        verbose_name_plural = _("confirmations of the minutes")
        constraints = [models.UniqueConstraint(fields=["session", "side"], name="minutes_confirmed_once_per_side")]

    class Access:
        partnership = "session__partnership"
        regions = "side"

    def __str__(self) -> str:
        return f"{self.session} · {self.side}"


class MinutesAmendment(ChangeLoggedModel):
    """A dated amendment to locked minutes: the record itself is never edited."""

    audit_parent_field = "session"

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="amendments")
    outcome = models.ForeignKey(
        Outcome, on_delete=models.PROTECT, null=True, blank=True, related_name="amendments", verbose_name=_("outcome")
    )
    text = models.TextField(_("amendment"))
    reason = models.TextField(_("reason"))
    on = models.DateField(_("date"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )

    class Meta:
        ordering = ["session", "on", "pk"]
        verbose_name = _("amendment to the minutes")
        verbose_name_plural = _("amendments to the minutes")

    class Access:
        partnership = "session__partnership"
        regions = "session__host"

    def __str__(self) -> str:
        return f"{self.on:%Y-%m-%d} {self.text[:60]}"

from django.db import models
from django.utils.translation import gettext_lazy as _


class SeriesKind(models.TextChoices):
    JOINT = "joint", _("Joint meeting")
    DOCKING = "docking", _("Docking meeting")
    LEADING_GROUP = "leading_group", _("Leading-group meeting")
    DIRECTORS = "directors", _("Director's coordination meeting")


class Cadence(models.TextChoices):
    """How often a series meets; ``AD_HOC`` series get no generated sessions."""

    MONTHLY = "monthly", _("Monthly")
    BIMONTHLY = "bimonthly", _("Every two months")
    QUARTERLY = "quarterly", _("Quarterly")
    AD_HOC = "ad_hoc", _("As needed")


CADENCE_MONTHS = {Cadence.MONTHLY: 1, Cadence.BIMONTHLY: 2, Cadence.QUARTERLY: 3}


class DayRule(models.TextChoices):
    NTH_WEEKDAY = "nth_weekday", _("The nth weekday of the month")
    DAY_OF_MONTH = "day_of_month", _("A day of the month")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class WeekOfMonth(models.IntegerChoices):
    FIRST = 1, _("first")
    SECOND = 2, _("second")
    THIRD = 3, _("third")
    FOURTH = 4, _("fourth")
    LAST = -1, _("last")


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CONFIRMED = "confirmed", _("Confirmed by every side")
    LOCKED = "locked", _("Locked")


class ItemStatus(models.TextChoices):
    BACKLOG = "backlog", _("In the backlog")
    ON_AGENDA = "on_agenda", _("On the agenda")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ItemSource(models.TextChoices):
    """Where an agenda item came from. Further sources register in ``meetings.sources`` with their own key."""

    PROPOSED = "proposed", _("Proposed by a side")
    RED_MATTER = "red_matter", _("Matter turned red")
    AWAITING_DECISION = "awaiting_decision", _("Matter awaiting a decision")
    OPEN_ACTION = "open_action", _("Open action carried forward")


class AgendaChangeKind(models.TextChoices):
    ADDED = "added", _("Item added")
    REMOVED = "removed", _("Item removed")
    MOVED = "moved", _("Order changed")
    EDITED = "edited", _("Item edited")


class OutcomeKind(models.TextChoices):
    INFORMATION = "information", _("Information")
    DECISION = "decision", _("Decision")
    ACTION = "action", _("Action")


class ActionStatus(models.TextChoices):
    """The supervision cycle (督办): assigned → acknowledged → in progress → reported done → verified."""

    ASSIGNED = "assigned", _("Assigned")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    IN_PROGRESS = "in_progress", _("In progress")
    REPORTED_DONE = "reported_done", _("Reported done")
    RETURNED = "returned", _("Returned")
    VERIFIED = "verified", _("Verified")
    CANCELLED = "cancelled", _("Cancelled")


# Until the office has verified it (or cancelled it), an action is open and returns on the next agenda.
OPEN_ACTION_STATUSES = (
    ActionStatus.ASSIGNED,
    ActionStatus.ACKNOWLEDGED,
    ActionStatus.IN_PROGRESS,
    ActionStatus.REPORTED_DONE,
    ActionStatus.RETURNED,
)
CLOSED_ACTION_STATUSES = (ActionStatus.VERIFIED, ActionStatus.CANCELLED)
# The owner still has work to do (a report of completion waits for the office, not for the owner).
OWNER_PENDING_STATUSES = (
    ActionStatus.ASSIGNED,
    ActionStatus.ACKNOWLEDGED,
    ActionStatus.IN_PROGRESS,
    ActionStatus.RETURNED,
)


class ActionUpdateKind(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    PROGRESS = "progress", _("Progress fed back")
    REPORTED_DONE = "reported_done", _("Reported done")
    VERIFIED = "verified", _("Verified")
    RETURNED = "returned", _("Returned")
    CANCELLED = "cancelled", _("Cancelled")
    CHANGED = "changed", _("Changed")


class ActionLight(models.TextChoices):
    """An action's light: red overdue, yellow feedback late, blue due soon, green on track, grey closed."""

    GREEN = "green", _("On track")
    BLUE = "blue", _("Due soon")
    YELLOW = "yellow", _("Feedback late")
    RED = "red", _("Overdue")
    GREY = "grey", _("Closed")


class Event(models.TextChoices):
    """The verbs this app logs as named events (``audit.events`` shows their names in histories)."""

    SERIES_CREATED = "series.created", _("Meeting series created")
    SERIES_SESSIONS_GENERATED = "series.sessions_generated", _("Sessions planned ahead")
    SESSION_CREATED = "session.created", _("Session planned")
    SESSION_RESCHEDULED = "session.rescheduled", _("Session rescheduled")
    SESSION_CANCELLED = "session.cancelled", _("Session cancelled")
    SESSION_HELD = "session.held", _("Session held")
    SESSION_AGENDA_PUBLISHED = "session.agenda_published", _("Agenda published")
    SESSION_AGENDA_CHANGED = "session.agenda_changed", _("Agenda changed after publication")
    SESSION_OUTCOME_RECORDED = "session.outcome_recorded", _("Outcome recorded")
    SESSION_MINUTES_CONFIRMED = "session.minutes_confirmed", _("Minutes confirmed by a side")
    SESSION_MINUTES_CONFIRMATIONS_RESET = (
        "session.minutes_confirmations_reset",
        _("Confirmations withdrawn after an edit"),
    )
    SESSION_MINUTES_LOCKED = "session.minutes_locked", _("Minutes locked")
    SESSION_MINUTES_AMENDED = "session.minutes_amended", _("Minutes amended")
    AGENDA_ITEM_PROPOSED = "agenda_item.proposed", _("Item proposed")
    AGENDA_ITEM_WITHDRAWN = "agenda_item.withdrawn", _("Item withdrawn")
    ACTION_ASSIGNED = "action.assigned", _("Action assigned")
    ACTION_ACKNOWLEDGED = "action.acknowledged", _("Action acknowledged")
    ACTION_PROGRESS = "action.progress", _("Progress fed back")
    ACTION_REPORTED_DONE = "action.reported_done", _("Action reported done")
    ACTION_VERIFIED = "action.verified", _("Action verified")
    ACTION_RETURNED = "action.returned", _("Action returned")
    ACTION_CANCELLED = "action.cancelled", _("Action cancelled")
    ACTION_CHANGED = "action.changed", _("Action changed")
    MEETING_PACK_DOWNLOADED = "meeting.pack_downloaded", _("Meeting pack downloaded")
    MEETING_MINUTES_DOWNLOADED = "meeting.minutes_downloaded", _("Minutes downloaded")
    CALENDAR_ADDRESS_ISSUED = "calendar.address_issued", _("Calendar address made")
    CALENDAR_ADDRESS_REVOKED = "calendar.address_revoked", _("Calendar address closed")


class Notice(models.TextChoices):
    """The notices this app sends as things happen (``notifications.kinds``; people choose how they hear of them).
    The agenda published is the notifications app's own older kind (``NotificationKind.AGENDA_PUBLISHED``)."""

    MINUTES_AWAITING = "minutes_awaiting", _("Minutes waiting for your side's confirmation")

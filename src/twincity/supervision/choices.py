from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseState(models.TextChoices):
    """Where a supervised item stands in the lifecycle 立项 → 交办 → 签收 → 反馈 → 办结销号."""

    OPEN = "open", _("Under way")  # assigned; sides sign off, feed back, report completion
    COMPLETED = "completed", _("Completed by every side")  # waits for the office's review
    CLOSED = "closed", _("Closed and rated")  # 办结销号
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATES = (CaseState.OPEN, CaseState.COMPLETED)


class SheetLevel(models.TextChoices):
    """The colour of a supervision sheet 督办单, escalating blue → yellow → red."""

    BLUE = "blue", _("Blue: due soon")
    YELLOW = "yellow", _("Yellow: feedback late or behind schedule")
    RED = "red", _("Red: overdue")


LEVEL_ORDER = {SheetLevel.BLUE: 1, SheetLevel.YELLOW: 2, SheetLevel.RED: 3}


class Escalation(models.TextChoices):
    """Whom a sheet is addressed to beyond the owner, after the configured delays."""

    OWNER = "owner", _("The owning unit")
    COORDINATOR = "coordinator", _("The owner's coordinator")
    LEADER = "leader", _("The leaders")


class SheetStepKind(models.TextChoices):
    ISSUED = "issued", _("Issued")
    RAISED = "raised", _("Raised")
    ESCALATED = "escalated", _("Escalated")
    CLOSED = "closed", _("Closed")


class Rating(models.TextChoices):
    """The office's verdict on a closed item 办结评价."""

    EXCELLENT = "excellent", _("Excellent")  # 优秀
    GOOD = "good", _("Good")  # 良好
    PASS = "pass", _("Pass")  # 合格
    FAIL = "fail", _("Fail")  # 不合格


class EvidenceKind(models.TextChoices):
    FILE = "file", _("File")
    LINK = "link", _("Link")


class Event(models.TextChoices):
    """The verbs of the supervision trail (``audit.events``)."""

    OPENED = "case.opened", _("Supervision opened")
    SIGNED_OFF = "case.signed_off", _("Signed off")
    FEEDBACK = "case.feedback", _("Feedback given")
    COMPLETION_REPORTED = "case.completion_reported", _("Completion reported")
    CLOSED = "case.closed", _("Closed and rated")
    RETURNED = "case.returned", _("Returned")
    CANCELLED = "case.cancelled", _("Supervision cancelled")
    SHEET_ISSUED = "sheet.issued", _("Supervision sheet issued")
    SHEET_RAISED = "sheet.raised", _("Supervision sheet raised")
    SHEET_ESCALATED = "sheet.escalated", _("Supervision sheet escalated")
    SHEET_CLOSED = "sheet.closed", _("Supervision sheet closed")
    POLICY_CHANGED = "supervision.policy_changed", _("Supervision settings changed")


class Notice(models.TextChoices):
    """The notices supervision sends (``notifications.kinds``): each is one choice on a person's preferences page."""

    CASE_ASSIGNED = "case_assigned", _("Supervised item assigned")
    SIGNOFF_DUE = "signoff_due", _("Sign-off due")
    FEEDBACK_DUE = "feedback_due", _("Feedback due")
    CASE_COMPLETED = "case_completed", _("Completion reported by every side")
    CASE_RETURNED = "case_returned", _("Supervised item returned")
    CASE_CLOSED = "case_closed", _("Supervised item closed and rated")
    CASE_REOPENED = "case_reopened", _("Completed item reopened")
    SHEET_ISSUED = "sheet_issued", _("Supervision sheet issued")
    SHEET_RAISED = "sheet_raised", _("Supervision sheet raised")
    SHEET_ESCALATED = "sheet_escalated", _("Supervision sheet escalated")
    WEEKLY_DIGEST = "weekly_digest", _("Weekly digest")
    MONTHLY_BRIEFING = "monthly_briefing", _("Monthly briefing")


class TodoKind(models.TextChoices):
    """What a to-do asks of its desk (``supervision.todos``): one kind per step someone has to take."""

    APPROVE_MATTER = "approve_matter", _("Approve a proposed matter")
    CONFIRM_COMPLETION = "confirm_completion", _("Confirm a matter's completion")
    REPORT_PROGRESS = "report_progress", _("Report progress on a matter")
    ENDORSE_REQUEST = "endorse_request", _("Endorse a joint request")
    PUBLISH_AGENDA = "publish_agenda", _("Publish a session's agenda")
    CONFIRM_MINUTES = "confirm_minutes", _("Confirm the minutes")
    LOCK_MINUTES = "lock_minutes", _("Lock the confirmed minutes")
    SIGN_OFF_CASE = "sign_off_case", _("Sign off a supervised item")
    GIVE_FEEDBACK = "give_feedback", _("Give feedback on a supervised item")
    REPORT_COMPLETION = "report_completion", _("Report completion of a supervised item")
    RATE_CASE = "rate_case", _("Review and rate a completed item")
    EVALUATE_SECONDMENT = "evaluate_secondment", _("Evaluate a secondment at the end of its term")

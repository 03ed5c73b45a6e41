from django.db import models
from django.utils.translation import gettext_lazy as _


class MatterStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    SUSPENDED = "suspended", _("Suspended")
    CANCELLED = "cancelled", _("Cancelled")


# Statuses in which the work is under way and the health light means something.
ACTIVE_STATUSES = (MatterStatus.APPROVED, MatterStatus.IN_PROGRESS)
CLOSED_STATUSES = (MatterStatus.COMPLETED, MatterStatus.CANCELLED)

# Allowed moves. Completion is confirmed by the office or a leader (approve), never by the reporter.
TRANSITIONS: dict[str, dict[str, str]] = {
    MatterStatus.PROPOSED: {MatterStatus.APPROVED: "approve", MatterStatus.CANCELLED: "change"},
    MatterStatus.APPROVED: {
        MatterStatus.IN_PROGRESS: "change",
        MatterStatus.SUSPENDED: "change",
        MatterStatus.CANCELLED: "change",
        MatterStatus.COMPLETED: "approve",
    },
    MatterStatus.IN_PROGRESS: {
        MatterStatus.COMPLETED: "approve",
        MatterStatus.SUSPENDED: "change",
        MatterStatus.CANCELLED: "change",
    },
    MatterStatus.SUSPENDED: {MatterStatus.IN_PROGRESS: "change", MatterStatus.CANCELLED: "change"},
    MatterStatus.COMPLETED: {},
    MatterStatus.CANCELLED: {},
}


class Light(models.TextChoices):
    GREEN = "green", _("On track")
    YELLOW = "yellow", _("Needs attention")
    RED = "red", _("Overdue")
    GREY = "grey", _("No light (not under way)")


class OwnerRole(models.TextChoices):
    LEAD = "lead", _("Lead unit")
    SUPPORT = "support", _("Supporting unit")


# What the button that makes the move says.
TRANSITION_LABELS = {
    MatterStatus.APPROVED: _("Approve"),
    MatterStatus.IN_PROGRESS: _("Start / resume"),
    MatterStatus.COMPLETED: _("Confirm completion"),
    MatterStatus.SUSPENDED: _("Suspend"),
    MatterStatus.CANCELLED: _("Cancel the matter"),
}


class Notice(models.TextChoices):
    """The notices this app sends as things happen (``notifications.kinds``)."""

    AWAITING_APPROVAL = "matter_awaiting_approval", _("Matters waiting for a leader's approval")

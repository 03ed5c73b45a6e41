from django.db import models
from django.utils.translation import gettext_lazy as _


class ToleranceKind(models.TextChoices):
    """How an alignment group measures the gap between the sides (see ``policies.divergence``)."""

    RELATIVE = "relative", _("Relative (percent of the higher value)")
    ABSOLUTE = "absolute", _("Absolute (in the group's unit)")


class AlignmentStatus(models.TextChoices):
    """Where the sides stand on one term: computed (aligned, diverging) or held by a person's decision."""

    ALIGNED = "aligned", _("Aligned")
    DIVERGING = "diverging", _("Diverging")
    NEGOTIATING = "negotiating", _("Under negotiation")
    AGREED_TO_DIFFER = "agreed_to_differ", _("Agreed to differ")


# The statuses the comparison sets by itself; the others are set by people and stay until changed.
COMPUTED_STATUSES = (AlignmentStatus.ALIGNED, AlignmentStatus.DIVERGING)
HELD_STATUSES = (AlignmentStatus.NEGOTIATING, AlignmentStatus.AGREED_TO_DIFFER)

# How pages show a group that fewer than two sides have a clause in: not "aligned" (nothing was compared). Not a
# stored status: the stored one stays "aligned" so that the first comparison flags or clears it as before.
NOT_COMPARED = "not_compared"
NOT_COMPARED_LABEL = _("Not compared yet")


class Event(models.TextChoices):
    """The verbs this app logs as named events (``audit.events`` shows their names in histories)."""

    POLICY_CREATED = "policy.created", _("Policy entered")
    POLICY_ARCHIVED = "policy.archived", _("Policy archived")
    POLICY_DOCUMENT_ATTACHED = "policy.document_attached", _("Policy document attached")
    CLAUSE_CREATED = "clause.created", _("Clause added")
    CLAUSE_ARCHIVED = "clause.archived", _("Clause archived")
    ALIGNMENTGROUP_CREATED = "alignmentgroup.created", _("Alignment group set up")
    ALIGNMENTGROUP_ARCHIVED = "alignmentgroup.archived", _("Alignment group archived")
    ALIGNMENTGROUP_MEMBER_ADDED = "alignmentgroup.member_added", _("Clause added to the comparison")
    ALIGNMENTGROUP_MEMBER_REMOVED = "alignmentgroup.member_removed", _("Clause taken out of the comparison")
    ALIGNMENTGROUP_DIVERGING = "alignmentgroup.diverging", _("Divergence beyond the tolerance flagged")
    ALIGNMENTGROUP_ALIGNED = "alignmentgroup.aligned", _("Back within the tolerance")
    ALIGNMENTGROUP_NEGOTIATING = "alignmentgroup.negotiating", _("Put under negotiation")
    ALIGNMENTGROUP_AGREED_TO_DIFFER = "alignmentgroup.agreed_to_differ", _("Sides agreed to differ")
    ALIGNMENTGROUP_RESUMED = "alignmentgroup.resumed", _("Comparison resumed")

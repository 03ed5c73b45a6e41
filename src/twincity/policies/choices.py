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

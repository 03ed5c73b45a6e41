from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CaseStatus(models.TextChoices):
    """Where a siting case stands: raised, contested and being negotiated, decided, or dropped."""

    OPEN = "open", pgettext_lazy("siting case", "Open")  # "Open" alone is a matter's "not finished"
    NEGOTIATING = "negotiating", _("Under negotiation")
    DECIDED = "decided", _("Decided")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# A decided or withdrawn case is closed: its bids and its negotiation record no longer change.
CLOSED_STATUSES = (CaseStatus.DECIDED, CaseStatus.WITHDRAWN)
OPEN_STATUSES = (CaseStatus.OPEN, CaseStatus.NEGOTIATING)

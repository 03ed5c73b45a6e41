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


class Event(models.TextChoices):
    """The verbs this app logs as named events (``audit.events`` shows their names in histories)."""

    SITINGCASE_CREATED = "sitingcase.created", _("Siting case added")
    SITINGCASE_ARCHIVED = "sitingcase.archived", _("Siting case archived")
    SITINGCASE_BID_SUBMITTED = "sitingcase.bid_submitted", _("Bid submitted by a side")
    SITINGCASE_BID_WITHDRAWN = "sitingcase.bid_withdrawn", _("Bid withdrawn by a side")
    SITINGCASE_NEGOTIATING = "sitingcase.negotiating", _("Case under negotiation")
    SITINGCASE_NEGOTIATION_LINKED = (
        "sitingcase.negotiation_linked",
        _("Meeting decision added to the negotiation record"),
    )
    SITINGCASE_NEGOTIATION_UNLINKED = (
        "sitingcase.negotiation_unlinked",
        _("Meeting decision taken off the negotiation record"),
    )
    SITINGCASE_DECIDED = "sitingcase.decided", _("Siting decided")
    SITINGCASE_WITHDRAWN = "sitingcase.withdrawn", _("Siting case withdrawn")

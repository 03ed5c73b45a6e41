from django.db import models
from django.utils.translation import gettext_lazy as _


class PetitionStatus(models.TextChoices):
    DRAFTING = "drafting", _("Drafting")
    ENDORSED = "endorsed", _("Endorsed by every side")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_CONSIDERATION = "considering", _("Under consideration")
    GRANTED = "granted", _("Granted")
    PARTLY_GRANTED = "partly", _("Partly granted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Submitted and not answered yet: the dashboard's "awaiting the answer" (and its partial index).
AWAITING_ANSWER = (PetitionStatus.SUBMITTED, PetitionStatus.UNDER_CONSIDERATION)


class Channel(models.TextChoices):
    JOINT_LETTER = "joint_letter", _("Joint letter of both sides")
    PROVINCES = "provinces", _("Through both provinces / municipalities")
    MEETING = "meeting", _("At a meeting with the authority")
    OTHER = "other", _("Other")


# Where a request may go from each status (answers are recorded only once it was submitted).
TRANSITIONS = {
    PetitionStatus.DRAFTING: {PetitionStatus.ENDORSED, PetitionStatus.WITHDRAWN},
    PetitionStatus.ENDORSED: {PetitionStatus.DRAFTING, PetitionStatus.SUBMITTED, PetitionStatus.WITHDRAWN},
    PetitionStatus.SUBMITTED: {
        PetitionStatus.UNDER_CONSIDERATION,
        PetitionStatus.GRANTED,
        PetitionStatus.PARTLY_GRANTED,
        PetitionStatus.DECLINED,
        PetitionStatus.WITHDRAWN,
    },
    PetitionStatus.UNDER_CONSIDERATION: {
        PetitionStatus.GRANTED,
        PetitionStatus.PARTLY_GRANTED,
        PetitionStatus.DECLINED,
        PetitionStatus.WITHDRAWN,
    },
}
ANSWERS = (PetitionStatus.GRANTED, PetitionStatus.PARTLY_GRANTED, PetitionStatus.DECLINED)
OPEN_STATUSES = (
    PetitionStatus.DRAFTING,
    PetitionStatus.ENDORSED,
    PetitionStatus.SUBMITTED,
    PetitionStatus.UNDER_CONSIDERATION,
)


class Event(models.TextChoices):
    """The verbs this app logs as named events (``audit.events`` shows their names in histories)."""

    PETITION_CREATED = "petition.created", _("Joint request added")
    PETITION_ARCHIVED = "petition.archived", _("Joint request archived")
    PETITION_TEXT_REVISED = "petition.text_revised", _("Joint text revised (endorsements lapse)")
    PETITION_ENDORSED = "petition.endorsed", _("Endorsed by a side")
    PETITION_FULLY_ENDORSED = "petition.fully_endorsed", _("Endorsed by every side")
    PETITION_SUBMITTED = "petition.submitted", _("Submitted to the authority")
    PETITION_UNDER_CONSIDERATION = "petition.under_consideration", _("Under consideration by the authority")
    PETITION_GRANTED = "petition.granted", _("Granted")
    PETITION_PARTLY = "petition.partly", _("Partly granted")
    PETITION_DECLINED = "petition.declined", _("Declined")
    PETITION_WITHDRAWN = "petition.withdrawn", _("Withdrawn")


class Notice(models.TextChoices):
    """The notices this app sends as things happen (``notifications.kinds``)."""

    AWAITING_ENDORSEMENT = "petition_awaiting", _("Joint request waiting for your side's endorsement")
    ENDORSED = "petition_endorsed", _("Joint request endorsed by every side")

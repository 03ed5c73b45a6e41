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

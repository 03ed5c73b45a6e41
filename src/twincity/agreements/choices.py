from django.db import models
from django.utils.translation import gettext_lazy as _


class AgreementStatus(models.TextChoices):
    """What the office has recorded about an agreement (``state`` adds "expired" from the date; see models)."""

    IN_FORCE = "in_force", _("In force")
    EXPIRED = "expired", _("Expired")
    TERMINATED = "terminated", _("Terminated")
    RENEWED = "renewed", _("Renewed")


# Recorded statuses from which an agreement may still be renewed (an expired one may be revived by renewal).
RENEWABLE = (AgreementStatus.IN_FORCE, AgreementStatus.EXPIRED)

# Days ahead the dashboard and the meeting agenda look for expiring agreements.
DASHBOARD_HORIZON_DAYS = 90
AGENDA_HORIZON_DAYS = 60

# The signed document is a scan or the signed text: no spreadsheets or slides.
DOCUMENT_EXTENSIONS = ("pdf", "ofd", "docx", "png", "jpg", "jpeg")


class Event(models.TextChoices):
    """The verbs this app logs as named events (``audit.events`` shows their names in histories)."""

    AGREEMENT_CREATED = "agreement.created", _("Agreement registered")
    AGREEMENT_ARCHIVED = "agreement.archived", _("Agreement archived")
    AGREEMENT_EXTENDED = "agreement.extended", _("Renewed: term extended")
    AGREEMENT_RENEWED = "agreement.renewed", _("Renewed by a new agreement")
    AGREEMENT_TERMINATED = "agreement.terminated", _("Agreement terminated")
    AGREEMENT_EXPIRED = "agreement.expired", _("Lapse recorded: agreement expired")
    AGREEMENT_DOCUMENT_ATTACHED = "agreement.document_attached", _("Signed document uploaded")
    AGREEMENT_DOCUMENT_WITHDRAWN = "agreement.document_withdrawn", _("Signed document withdrawn")
    OBLIGATION_CREATED = "obligation.created", _("Obligation recorded")
    OBLIGATION_ARCHIVED = "obligation.archived", _("Obligation archived")

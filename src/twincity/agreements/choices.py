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

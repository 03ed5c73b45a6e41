from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICE_ADMIN = "office_admin", _("Office admin")
    REGION_COORDINATOR = "region_coordinator", _("Region coordinator")
    UNIT_CONTACT = "unit_contact", _("Unit contact")
    LEADER = "leader", _("Leader")
    AUDITOR = "auditor", _("Auditor")


class Action(models.TextChoices):
    """What a user may want to do with an object; the access rules answer per role."""

    VIEW = "view", _("view")
    CHANGE = "change", _("change")
    REPORT = "report", _("report progress")
    APPROVE = "approve", _("approve")
    AUDIT = "audit", _("read the audit log")
    ADMINISTER = "administer", _("run the office")
    EVALUATE = "evaluate", _("evaluate at the end of a term")

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class VisitLevel(models.TextChoices):
    """Who travelled: the level of the delegation."""

    PARTY_GOVERNMENT = "party_government", _("Party and government delegation")
    DEPARTMENT = "department", _("Department")
    ENTERPRISE = "enterprise", _("Enterprise")
    OTHER = "other", _("Other")


class VisitStatus(models.TextChoices):
    # In the context of a visit: the meetings' "Held" (已召开) and "Planned" say something else.
    PLANNED = "planned", pgettext_lazy("visit", "Planned")
    HELD = "held", pgettext_lazy("visit", "Held")
    CANCELLED = "cancelled", pgettext_lazy("visit", "Cancelled")


class Topic(models.TextChoices):
    """What a visit looked at (the article: city, industry, talent, opening-up, innovation, infrastructure…)."""

    CITY = "city", _("City")
    INDUSTRY = "industry", _("Industry")
    TALENT = "talent", _("Talent")
    OPENING_UP = "opening_up", _("Opening-up")
    INNOVATION = "innovation", _("Innovation")
    INFRASTRUCTURE = "infrastructure", _("Infrastructure")
    PLANNING = "planning", _("Planning")
    REFORM = "reform", _("Reform")
    PUBLIC_SERVICES = "public_services", _("Public services")
    GOVERNANCE = "governance", _("Governance and mechanisms")

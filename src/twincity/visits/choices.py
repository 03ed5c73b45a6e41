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


class Event(models.TextChoices):
    """The verbs this app logs as named events (``audit.events`` shows their names in histories)."""

    VISIT_CREATED = "visit.created", _("Visit recorded")
    VISIT_HELD = "visit.held", _("Visit took place")
    VISIT_CANCELLED = "visit.cancelled", _("Visit cancelled")
    VISIT_ARCHIVED = "visit.archived", _("Visit archived")
    LESSON_CREATED = "lesson.created", _("Lesson recorded")
    LESSON_FOLLOWED_UP = "lesson.followed_up", _("Lesson turned into a follow-up matter")
    LESSON_ARCHIVED = "lesson.archived", _("Lesson archived")
    GAP_CREATED = "gap.created", _("Gap recorded")
    GAP_FOLLOWED_UP = "gap.followed_up", _("Gap turned into a follow-up matter")
    GAP_ARCHIVED = "gap.archived", _("Gap archived")

from django.db import models
from django.utils.translation import gettext_lazy as _


class LinkRelation(models.TextChoices):
    """How a matter relates to the register entry it is linked to."""

    CREATED = "created", _("created from it")
    SERVES = "serves", _("serves it")


class Event(models.TextChoices):
    """The verbs this app logs as named events (``audit.events`` shows their names in histories)."""

    MATTER_LINK_CREATED = "matter_link.created", _("Follow-up matter linked")
    MATTER_LINK_ARCHIVED = "matter_link.archived", _("Follow-up matter unlinked")

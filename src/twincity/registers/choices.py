from django.db import models
from django.utils.translation import gettext_lazy as _


class LinkRelation(models.TextChoices):
    """How a matter relates to the register entry it is linked to."""

    CREATED = "created", _("created from it")
    SERVES = "serves", _("serves it")

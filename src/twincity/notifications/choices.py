from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    AGENDA_PUBLISHED = "agenda_published", _("Agenda published")
    SESSION_SOON = "session_soon", _("Meeting soon")
    ACTION_DUE = "action_due", _("Action due soon")
    ACTION_OVERDUE = "action_overdue", _("Action overdue")
    ACTION_ESCALATED = "action_escalated", _("Overdue action escalated")
    INVITATION = "invitation", _("Meeting invitation")
    OTHER = "other", _("Other")


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    IN_APP = "in_app", _("In the application")

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
    ROBOT = "robot", _("Group robot")


class Timing(models.TextChoices):
    """When a person hears of one kind of notice on one channel (their preference)."""

    IMMEDIATE = "immediate", _("Immediately")
    DIGEST = "digest", _("In the daily digest")
    OFF = "off", _("Not at all")


class RobotKind(models.TextChoices):
    """The group robots of the messaging tools officials use."""

    WECOM = "wecom", _("WeCom (企业微信)")
    DINGTALK = "dingtalk", _("DingTalk (钉钉)")
    FEISHU = "feishu", _("Feishu (飞书)")


class DeliveryState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    DIGEST = "digest", _("Waiting for the daily digest")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


# The channels a person chooses for (the outbox's robot deliveries are the partnership's, not a person's).
PERSONAL_CHANNELS = (Channel.IN_APP, Channel.EMAIL)


class DeliveryError(models.TextChoices):
    """Why an attempt failed, in words the office reads (the answer itself is kept beside it)."""

    UNREACHABLE = "unreachable", _("The server could not be reached")
    RATE_LIMITED = "rate_limited", _("Too many messages: the service asked us to slow down")
    REFUSED = "refused", _("The service refused the message")
    NO_ADDRESS = "no_address", _("No address to send to")
    SERVER_ERROR = "server_error", _("The service had an error")


class Event(models.TextChoices):
    """The verbs this app logs (``audit.events``)."""

    PREFERENCES_CHANGED = "notices.preferences_changed", _("Notice preferences changed")
    DELIVERY_RETRIED = "delivery.retried", _("Delivery retried")
    DELIVERY_FAILED = "delivery.failed", _("Delivery failed")
    ROBOT_ADDED = "robot.added", _("Group robot added")
    ROBOT_TESTED = "robot.tested", _("Group robot tested")

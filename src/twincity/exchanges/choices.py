from django.db import models
from django.utils.translation import gettext_lazy as _


class Rank(models.TextChoices):
    """The seconded cadre's rank (职级)."""

    BUREAU = "bureau", _("Bureau level")  # 厅局级
    DIVISION = "division", _("Division level")  # 处级: the article's 处级实职领导干部
    SECTION = "section", _("Section level")  # 科级
    OTHER = "other", _("Other")


class SecondmentStatus(models.TextChoices):
    """Where a secondment stands on a given day (computed from its dates, see ``Secondment``)."""

    PLANNED = "planned", _("Not yet started")
    ACTIVE = "active", _("Serving")
    ENDED = "ended", _("Term ended")
    CUT_SHORT = "cut_short", _("Cut short")


class Rating(models.TextChoices):
    """The host's end-of-term rating (考核等次)."""

    EXCELLENT = "excellent", _("Excellent")  # 优秀
    COMPETENT = "competent", _("Competent")  # 称职
    BASICALLY_COMPETENT = "basically_competent", _("Basically competent")  # 基本称职
    NOT_COMPETENT = "not_competent", _("Not competent")  # 不称职


# How far ahead the dashboard warns of a term coming to its end.
ENDING_SOON_DAYS = 60


class Event(models.TextChoices):
    """The verbs this app logs as named events (``audit.events`` shows their names in histories)."""

    SECONDMENT_CREATED = "secondment.created", _("Secondment recorded")
    SECONDMENT_ARCHIVED = "secondment.archived", _("Secondment archived")
    SECONDMENT_REPORTED = "secondment.reported", _("Periodic report filed")
    SECONDMENT_CUT_SHORT = "secondment.cut_short", _("Term cut short")
    SECONDMENT_EVALUATED = "secondment.evaluated", _("Evaluated by the host")
    SECONDMENT_EVALUATION_REVISED = "secondment.evaluation_revised", _("Host's evaluation revised")
    SECONDMENTREPORT_ARCHIVED = "secondmentreport.archived", _("Periodic report withdrawn")

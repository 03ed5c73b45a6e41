from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    LEADERSHIP_GROUP = "leadership_group", _("Leadership group")
    JOINT_OFFICE = "joint_office", _("Joint office")
    DEPARTMENT = "department", _("Department")
    SUBDISTRICT = "subdistrict", _("Subdistrict")
    FUNCTION_ZONE = "function_zone", _("Industrial function zone")
    MARKET_ENTITY = "market_entity", _("Market entity")
    OTHER = "other", _("Other")


class MeetingCadence(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    AD_HOC = "ad_hoc", _("As needed")


DEFAULT_FIELDS = [
    ("产业", "Industry"),
    ("开放", "Opening-up"),
    ("创新", "Innovation"),
    ("建设", "Construction"),
    ("改革", "Reform"),
    ("规划", "Planning"),
    ("人才", "Talent"),
    ("基础设施", "Infrastructure"),
    ("公共服务", "Public services"),
]

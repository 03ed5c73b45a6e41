import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from twincity.petitions.models import Petition
from twincity.registers.tables import RegisterTable, StatusColumn


class PetitionTable(RegisterTable):
    year = tables.Column(verbose_name=_("Year"))
    target_authority = tables.Column(verbose_name=_("Target authority"))
    status = StatusColumn(verbose_name=_("Status"), attrs={"td": {"class": "text-nowrap"}})
    submitted_on = tables.DateColumn(verbose_name=_("Submitted"), format="Y-m-d")
    response_on = tables.DateColumn(verbose_name=_("Answered"), format="Y-m-d")

    class Meta(RegisterTable.Meta):
        model = Petition
        sequence = ("code", "year", "title", "field", "target_authority", "status", "submitted_on", "response_on")

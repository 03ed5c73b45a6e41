import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from twincity.registers.tables import RegisterTable
from twincity.siting.models import SitingCase


class SitingCaseTable(RegisterTable):
    industry = tables.Column(verbose_name=_("Industry"))
    status = tables.Column(verbose_name=_("Status"), attrs={"td": {"class": "text-nowrap"}})
    decided_side = tables.Column(verbose_name=_("Decided for"), accessor="decided_side__label", order_by="decided_side")
    decided_site = tables.Column(verbose_name=_("Decided site"))
    decided_on = tables.DateColumn(verbose_name=_("Decided on"), format="Y-m-d")

    class Meta(RegisterTable.Meta):
        model = SitingCase
        sequence = ("code", "title", "field", "industry", "status", "decided_side", "decided_site", "decided_on")

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from twincity.exchanges.models import Secondment
from twincity.registers.tables import RegisterTable


class SecondmentTable(RegisterTable):
    person_name = tables.Column(verbose_name=_("Cadre"), attrs={"td": {"class": "text-nowrap"}})
    rank = tables.Column(verbose_name=_("Rank"), attrs={"td": {"class": "text-nowrap"}})
    home_organisation = tables.Column(verbose_name=_("Home unit"), order_by=("home_organisation__name",))
    host_organisation = tables.Column(verbose_name=_("Host unit"), order_by=("host_organisation__name",))
    start_date = tables.DateColumn(
        verbose_name=_("Term starts"), format="Y-m-d", attrs={"td": {"class": "text-nowrap"}}
    )
    end_date = tables.DateColumn(verbose_name=_("Term ends"), format="Y-m-d", attrs={"td": {"class": "text-nowrap"}})
    status = tables.TemplateColumn(
        '<span class="badge tc-status tc-status-{{ record.status }}" data-status="{{ record.status }}">'
        "{{ record.status_label }}</span>",
        verbose_name=_("Status"),
        attrs={"td": {"class": "text-nowrap"}},
    )
    rating = tables.Column(verbose_name=_("Rating"), attrs={"td": {"class": "text-nowrap"}})

    class Meta(RegisterTable.Meta):
        model = Secondment
        sequence = (
            "code",
            "person_name",
            "title",
            "rank",
            "home_organisation",
            "host_organisation",
            "start_date",
            "end_date",
            "status",
            "rating",
            "field",
        )

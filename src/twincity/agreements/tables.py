import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from twincity.agreements.choices import AgreementStatus
from twincity.agreements.models import Agreement
from twincity.core.text import join_words
from twincity.registers.tables import RegisterTable


class AgreementTable(RegisterTable):
    topic = tables.Column(verbose_name=_("Area of cooperation"))
    parties = tables.Column(verbose_name=_("Parties"), empty_values=(), orderable=False)
    signed_on = tables.DateColumn(verbose_name=_("Signed"), format="Y-m-d")
    expires_on = tables.DateColumn(
        verbose_name=_("Expires"), format="Y-m-d", empty_values=(), attrs={"td": {"class": "text-nowrap"}}
    )
    state = tables.Column(verbose_name=_("Status"), attrs={"td": {"class": "text-nowrap"}})

    class Meta(RegisterTable.Meta):
        model = Agreement
        sequence = ("code", "title", "topic", "field", "parties", "signed_on", "expires_on", "state")

    def render_parties(self, record):
        return join_words(p.organisation.display_name for p in record.parties.all())

    def render_expires_on(self, value, record):
        return value.isoformat() if value else _("open-ended")

    def render_state(self, value):
        return format_html('<span class="badge tc-status tc-status-{}">{}</span>', value, AgreementStatus(value).label)

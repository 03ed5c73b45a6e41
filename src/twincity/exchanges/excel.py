"""The register of secondments in Excel (干部互派台账): the layout, and the services it writes through.

The sides, the status, the day a term was cut short and the host's evaluation are exported for
reading but not imported: the sides follow from the units, the status from the dates, and the rest
changes only through its workflow step (the evaluation is the host's alone).
"""

from twincity.exchanges import services
from twincity.exchanges.choices import Rank, Rating, SecondmentStatus
from twincity.exchanges.models import Secondment
from twincity.registers.excel import CHOICE, DATE, FIELD, SIDE, UNIT, Cell, RegisterWorkbook


class SecondmentWorkbook(RegisterWorkbook):
    model = Secondment
    sheet = "干部互派"
    # a row without a number that repeats these is refused (docs/registers.md)
    identity = ("person_name", "home_organisation", "host_organisation", "start_date")
    columns = [
        Cell("person_name", "姓名", "Name", required=True, width=12, max_length=100),
        Cell("rank", "职级", "Rank", kind=CHOICE, choices=Rank, required=True, width=10),
        Cell("post", "原任职务", "Post at home", required=True, width=28, max_length=200),
        Cell("home_organisation", "派出单位", "Home unit", kind=UNIT, required=True, width=24),
        Cell("host_organisation", "接收单位", "Host unit", kind=UNIT, required=True, width=24),
        Cell("host_post", "挂任职务", "Post held at the host", width=28, max_length=200),
        Cell("start_date", "起始日期", "Start of the term", kind=DATE, required=True, width=12),
        Cell("end_date", "结束日期", "End of the term", kind=DATE, required=True, width=12),
        Cell("title", "名称", "Title", width=36, max_length=300, help="留空则为“派出单位派驻接收单位”"),
        Cell("field", "领域", "Field", kind=FIELD),
        Cell("objectives", "挂职目标", "Objectives", width=40),
        Cell("note", "备注", "Notes", width=30),
        Cell("home_side", "派出方", "Home side", kind=SIDE, imported=False, width=8),
        Cell("host_side", "接收方", "Host side", kind=SIDE, imported=False, width=8),
        Cell(
            "status",
            "状态",
            "Status",
            kind=CHOICE,
            choices=SecondmentStatus,
            imported=False,
            get=lambda s: s.status_on(),
            width=10,
        ),
        Cell("cut_short_on", "提前结束日期", "Cut short on", kind=DATE, imported=False, width=12),
        Cell("rating", "考核等次", "Rating", kind=CHOICE, choices=Rating, imported=False, width=10),
        Cell("evaluated_on", "考核日期", "Evaluated on", kind=DATE, imported=False, width=12),
    ]

    def queryset(self, queryset):
        return queryset.select_related("field", "home_organisation", "host_organisation", "home_side", "host_side")

    def create(self, values, *, partnership, user):
        return services.create_secondment(partnership=partnership, user=user, **values)

    def update(self, entry, values, *, user, version):
        return services.update_secondment(entry, user=user, version=version, **values)

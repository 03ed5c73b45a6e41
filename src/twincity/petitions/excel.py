"""The register of joint requests in Excel (共同对上争取事项清单): the layout, and the services it writes through.

Status, submission and the authority's answer are exported for reading but not imported: they change
only through the request's workflow (endorsements before submission), never by editing a cell.
"""

from twincity.petitions import services
from twincity.petitions.choices import Channel, PetitionStatus
from twincity.petitions.models import Petition
from twincity.registers.excel import CHOICE, DATE, FIELD, INT, UNITS, Cell, RegisterWorkbook


def _drafting_units(petition):
    return [u for half in petition.sides.all() for u in half.drafting_units.all()]


class PetitionWorkbook(RegisterWorkbook):
    model = Petition
    sheet = "共同对上争取事项"
    identity = ("year", "title")  # a row without a number that repeats these is refused (docs/registers.md)
    columns = [
        Cell("year", "年度", "Year", kind=INT, required=True, width=8),
        Cell("title", "事项名称", "Title", required=True, width=40, max_length=300),
        Cell("field", "领域", "Field", kind=FIELD),
        Cell("target_authority", "争取对象", "Target authority", required=True, width=24, max_length=200),
        Cell(
            "drafting_units",
            "起草单位",
            "Drafting units",
            kind=UNITS,
            width=30,
            get=_drafting_units,
            help="各方起草单位，以顿号分隔",
        ),
        Cell("note", "备注", "Notes", width=30),
        Cell("status", "状态", "Status", kind=CHOICE, choices=PetitionStatus, imported=False),
        Cell("submitted_on", "报送日期", "Submitted on", kind=DATE, imported=False),
        Cell("channel", "报送渠道", "Channel", kind=CHOICE, choices=Channel, imported=False),
        Cell("response_on", "答复日期", "Response date", kind=DATE, imported=False),
        Cell("response", "答复情况", "Response", imported=False, width=30),
    ]

    def queryset(self, queryset):
        return queryset.select_related("field").prefetch_related("sides__drafting_units")

    def create(self, values, *, partnership, user):
        return services.create_petition(partnership=partnership, user=user, **values)

    def update(self, entry, values, *, user, version):
        return services.update_petition(entry, user=user, version=version, **values)

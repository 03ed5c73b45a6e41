"""The register of agreements in Excel (合作协议台账): the layout, and the services it writes through.

The office keeps this list in Excel today. The parties are named by unit (顿号-separated; each unit's
side is its own). Signatories, the status and how an agreement ended are exported for reading but not
imported: the status changes only through renewal, termination or a recorded lapse, and signatories
are entered on the agreement's page (an import keeps those of the units that stay parties).
"""

from twincity.agreements import services
from twincity.agreements.choices import AgreementStatus
from twincity.agreements.models import Agreement
from twincity.agreements.services import PartySpec
from twincity.registers.excel import CHOICE, DATE, FIELD, UNITS, Cell, RegisterWorkbook


def _parties(agreement):
    return [p.organisation for p in agreement.parties.all()]


def _signatories(agreement):
    return "；".join(
        f"{p.organisation.name}：{' '.join(x for x in (p.signatory_post, p.signatory) if x)}"
        for p in agreement.parties.all()
        if p.signatory or p.signatory_post
    )


def _party_specs(agreement, units) -> list[PartySpec]:
    """The imported units as parties, keeping the signatories of those that were parties already."""
    current = {p.organisation_id: p for p in agreement.parties.all()} if agreement else {}
    specs = []
    for unit in units:
        party = current.get(unit.pk)
        specs.append(PartySpec(unit, party.signatory, party.signatory_post) if party else PartySpec(unit))
    return specs


class AgreementWorkbook(RegisterWorkbook):
    model = Agreement
    sheet = "合作协议"
    # a row without a number that repeats these is refused (docs/registers.md)
    identity = ("title", "parties", "signed_on")
    columns = [
        Cell("title", "协议名称", "Title", required=True, width=40, max_length=300),
        Cell("field", "领域", "Field", kind=FIELD),
        Cell("topic", "合作方向", "Area of cooperation", width=16, max_length=100),
        Cell(
            "parties",
            "签约单位",
            "Parties",
            kind=UNITS,
            required=True,
            width=36,
            get=_parties,
            help="至少两方、分属不同地区的签约单位，以顿号分隔",
        ),
        Cell("signed_on", "签署日期", "Signed on", kind=DATE),
        Cell("starts_on", "生效日期", "In force from", kind=DATE),
        Cell("expires_on", "到期日期", "Expires on", kind=DATE, help="长期有效的协议留空"),
        Cell("note", "备注", "Notes", width=30),
        Cell("state", "状态", "Status", kind=CHOICE, choices=AgreementStatus, imported=False, get=Agreement.state_on),
        Cell("signatories", "签署人", "Signatories", imported=False, width=36, get=_signatories),
        Cell("terminated_on", "终止日期", "Terminated on", kind=DATE, imported=False),
        Cell("termination_reason", "终止原因", "Reason for termination", imported=False, width=24),
        Cell("renewed_by", "续签协议", "Renewed by", imported=False, width=24, get=lambda a: str(a.renewed_by or "")),
    ]

    def queryset(self, queryset):
        return queryset.select_related("field", "renewed_by").prefetch_related("parties__organisation")

    def create(self, values, *, partnership, user):
        parties = _party_specs(None, values.pop("parties"))
        return services.create_agreement(partnership=partnership, user=user, parties=parties, **values)

    def update(self, entry, values, *, user, version):
        parties = _party_specs(entry, values.pop("parties"))
        return services.update_agreement(entry, user=user, version=version, parties=parties, **values)

"""The register of siting cases in Excel (项目布局协调台账): exported for reading, never imported.

The office does not keep this list in a spreadsheet today; a case moves only through its workflow
(bids by each side, negotiation, the office's record of the decision), so the file is a report.
"""

from twincity.registers.excel import CHOICE, DATE, FIELD, SIDE, Cell, RegisterWorkbook
from twincity.siting.choices import CaseStatus
from twincity.siting.models import SitingCase


def _bids(case) -> str:
    lines = []
    for bid in case.bids.all():
        line = f"{bid.side.short_name or bid.side.name}：{bid.candidate_site}"
        if bid.is_withdrawn:
            line += f"（{bid.withdrawn_on:%Y-%m-%d}撤回：{bid.withdrawal_reason}）"
        lines.append(line)
    return "\n".join(lines)


class SitingCaseWorkbook(RegisterWorkbook):
    model = SitingCase
    sheet = "项目布局协调"
    imports = False
    columns = [
        Cell("title", "项目", "Project", width=36),
        Cell("industry", "产业", "Industry", width=18),
        Cell("field", "领域", "Field", kind=FIELD),
        Cell("status", "状态", "Status", kind=CHOICE, choices=CaseStatus),
        Cell("bids", "各方候选地点", "Candidate sites", get=_bids, width=40, help="每方一行；撤回的注明日期和原因"),
        Cell("decided_side", "布局方", "Decided for", kind=SIDE),
        Cell("decided_site", "布局地点", "Decided site", width=24),
        Cell("decided_on", "决定日期", "Decided on", kind=DATE),
        Cell("rationale", "决定理由", "Rationale", width=40),
        Cell("note", "备注", "Notes", width=30),
    ]

    def queryset(self, queryset):
        return queryset.select_related("field", "decided_side").prefetch_related("bids__side")

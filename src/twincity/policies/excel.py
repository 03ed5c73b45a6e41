"""Policy alignment in Excel: the policies with their clauses, and the alignment groups with each side's
terms, exported for reading and for the joint meeting's papers.

Nothing is imported: the office does not keep these lists in Excel today (issue 5 names requests,
agreements, visits and secondments), and a group's status changes only through its comparison and the
people's decisions on its page, never by editing a cell.
"""

from django.db.models import Prefetch

from twincity.policies import services
from twincity.policies.choices import AlignmentStatus, ToleranceKind
from twincity.policies.models import AlignmentGroup, AlignmentMember, Policy
from twincity.registers.excel import CHOICE, DATE, DECIMAL, FIELD, SIDE, Cell, RegisterWorkbook


def _clauses(policy) -> str:
    return "\n".join(str(c) for c in policy.clauses.all() if not c.is_archived)


def _terms(group) -> str:
    """Each side's values: “天府：50 %（前三年）；两江：40 %（前三年）”."""
    by_side: dict = {}
    for member in group.members.all():
        if member.archived_at is None and member.clause.archived_at is None:
            by_side.setdefault(member.clause.policy.side.label, []).append(member.clause.value_display)
    return "；".join(f"{side}：{'、'.join(values)}" for side, values in by_side.items())


class PolicyWorkbook(RegisterWorkbook):
    model = Policy
    sheet = "政策文件"
    imports = False
    columns = [
        Cell("side", "所属方", "Side", kind=SIDE, width=8),
        Cell("title", "政策名称", "Title", width=40),
        Cell("field", "领域", "Field", kind=FIELD),
        Cell("issuing_body", "发文单位", "Issuing body", width=24),
        Cell("document_number", "文号", "Document number", width=20),
        Cell("effective_on", "施行日期", "Effective from", kind=DATE),
        Cell("expires_on", "有效期至", "Expires on", kind=DATE),
        Cell("clauses", "条款", "Clauses", get=_clauses, width=50),
        Cell("note", "备注", "Notes", width=30),
    ]

    def queryset(self, queryset):
        return queryset.select_related("field", "side").prefetch_related("clauses")


class AlignmentGroupWorkbook(RegisterWorkbook):
    model = AlignmentGroup
    sheet = "政策对标"
    imports = False
    columns = [
        Cell("title", "对标事项", "Title", width=30),
        Cell("field", "领域", "Field", kind=FIELD),
        Cell("term_name", "政策条款", "Policy term", width=20),
        Cell("unit", "单位", "Unit", width=10),
        Cell("terms", "各方标准", "Each side's terms", get=_terms, width=40),
        Cell("divergence", "差异", "Divergence", kind=DECIMAL, width=10),
        Cell("tolerance", "容差", "Tolerance", kind=DECIMAL, width=10),
        Cell("tolerance_kind", "容差类型", "Tolerance kind", kind=CHOICE, choices=ToleranceKind),
        Cell("status", "状态", "Status", kind=CHOICE, choices=AlignmentStatus),
        Cell("status_reason", "状态说明", "Reason for the status", width=40),
        Cell("note", "备注", "Notes", width=30),
    ]

    def queryset(self, queryset):
        members = services.in_side_order(AlignmentMember.objects.select_related("clause__policy__side"))
        return queryset.select_related("field").prefetch_related(Prefetch("members", queryset=members))

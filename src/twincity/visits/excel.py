"""The registers of visits, lessons and gaps in Excel.

Visits are exported and imported (the office keeps its visit log in a workbook today); whether a visit
took place is exported for reading, never imported: it changes through the visit's steps. Topics sit
in one cell, separated by 、 as people write them. Lessons and gaps are exported only, each with the
matters that follow it up.
"""

from django.db.models import Prefetch
from django.utils import translation
from django.utils.translation import gettext as _

from twincity.core import xlsx
from twincity.registers.excel import CHOICE, DATE, FIELD, INT, SEPARATORS, SIDE, Cell, RegisterWorkbook, choice_words
from twincity.registers.models import MatterLink
from twincity.visits import services
from twincity.visits.choices import Topic, VisitLevel, VisitStatus
from twincity.visits.models import Gap, Lesson, Visit


def _topics_text(visit) -> str:
    with translation.override("zh-hans"):
        return "、".join(visit.topic_labels)


class VisitWorkbook(RegisterWorkbook):
    model = Visit
    sheet = "考察互访"
    identity = ("title", "start_date")  # a row without a number that repeats these is refused (docs/registers.md)
    columns = [
        Cell("title", "考察名称", "Title", required=True, width=36, max_length=300),
        Cell("visiting_region", "来访方", "Visiting side", kind=SIDE, required=True, width=10),
        Cell("host_region", "接待方", "Host side", kind=SIDE, required=True, width=10),
        Cell("start_date", "开始日期", "From", kind=DATE, required=True, width=12),
        Cell("end_date", "结束日期", "To", kind=DATE, width=12),
        Cell("level", "层级", "Level", kind=CHOICE, choices=VisitLevel, required=True, width=14),
        Cell("topics", "考察主题", "Topics", width=24, get=_topics_text, help="以顿号分隔"),
        Cell("head_of_delegation", "带队领导", "Head of delegation", width=18, max_length=200),
        Cell("members", "代表团成员", "Members", width=24),
        Cell("programme", "考察行程", "Programme", width=30),
        Cell("outcomes", "考察成果", "Outcomes", width=36),
        Cell("field", "领域", "Field", kind=FIELD),
        Cell("note", "备注", "Notes", width=24),
        Cell("status", "状态", "Status", kind=CHOICE, choices=VisitStatus, imported=False),
    ]

    def read_cell(self, col, cell, ctx):
        if col.key != "topics":
            return super().read_cell(col, cell, ctx)
        words = choice_words(Topic)
        topics = []
        for name in (n.strip() for n in SEPARATORS.split(xlsx.cell_text(getattr(cell, "value", None)))):
            if not name:
                continue
            topic = words.get(xlsx.norm(name))
            if topic is None:
                raise ValueError(_("“%(value)s” is not a topic of visits.") % {"value": name})
            topics.append(topic)
        return topics

    def queryset(self, queryset):
        return queryset.select_related("visiting_region", "host_region", "field").prefetch_related("topics")

    def create(self, values, *, partnership, user):
        return services.create_visit(partnership=partnership, user=user, **values)

    def update(self, entry, values, *, user, version):
        return services.update_visit(entry, user=user, version=version, **values)


def _visit_text(entry) -> str:
    return f"{entry.visit.start_date:%Y-%m-%d} {entry.visit.title}" if entry.visit else ""


def _follow_up_text(entry) -> str:
    with translation.override("zh-hans"):
        return "；".join(
            f"{link.matter.code} {link.matter.title}（{link.matter.get_status_display()}）"
            for link in entry.matter_links.all()
        )


class LearningWorkbook(RegisterWorkbook):
    """Lessons and gaps alike, for reading: each with the side that learned it, its visit and its follow-up."""

    imports = False
    columns = [
        Cell("number", "序号", "No.", kind=INT, width=6),
        Cell("title", "内容", "Title", width=36),
        Cell("field", "领域", "Field", kind=FIELD),
        Cell("side", "学习方", "Learned by", kind=SIDE, width=10),
        Cell("visit", "来源考察", "Source visit", width=36, get=_visit_text),
        Cell("text", "说明", "Text", width=48),
        Cell("note", "备注", "Notes", width=24),
        Cell("follow_up", "后续事项", "Follow-up matters", width=48, get=_follow_up_text),
    ]

    def queryset(self, queryset):
        live = MatterLink.objects.filter(archived_at__isnull=True).select_related("matter").order_by("created", "pk")
        return queryset.select_related("side", "visit", "field").prefetch_related(Prefetch("matter_links", live))


class LessonWorkbook(LearningWorkbook):
    model = Lesson
    sheet = "经验借鉴"


class GapWorkbook(LearningWorkbook):
    model = Gap
    sheet = "差距"

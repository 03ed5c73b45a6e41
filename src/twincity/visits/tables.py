import django_tables2 as tables
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from twincity.core.text import join_words
from twincity.registers.tables import RegisterTable
from twincity.visits.models import Gap, Lesson, Visit
from twincity.visits.querysets import attach_follow_ups


class VisitTable(RegisterTable):
    start_date = tables.Column(verbose_name=_("Dates"), attrs={"td": {"class": "text-nowrap"}})
    direction = tables.Column(
        verbose_name=_("Who visited whom"), accessor="visiting_region", order_by=("visiting_region__code",)
    )
    level = tables.Column(verbose_name=_("Level"))
    topics = tables.Column(verbose_name=_("Topics"), accessor="pk", orderable=False, empty_values=())
    status = tables.Column(verbose_name=_("Status"), attrs={"td": {"class": "text-nowrap"}})
    lesson_count = tables.Column(verbose_name=_("Lessons"), attrs={"td": {"class": "text-end"}})
    gap_count = tables.Column(verbose_name=_("Gaps"), attrs={"td": {"class": "text-end"}})

    class Meta(RegisterTable.Meta):
        model = Visit
        exclude = ("field",)
        sequence = (
            "code",
            "start_date",
            "title",
            "direction",
            "level",
            "topics",
            "status",
            "lesson_count",
            "gap_count",
        )

    def render_start_date(self, record):
        if record.end_date and record.end_date != record.start_date:
            return f"{record.start_date:%Y-%m-%d} — {record.end_date:%m-%d}"
        return f"{record.start_date:%Y-%m-%d}"

    def render_direction(self, record):
        return f"{record.visiting_region.label} → {record.host_region.label}"

    def render_topics(self, record):
        return join_words(record.topic_labels) or "—"


class LearningTable(RegisterTable):
    """Lessons and gaps alike: each with the matters that follow it up, counted and by light.

    The follow-up of the page's rows is read in two queries before the table renders (``attach_follow_ups``).
    """

    number = tables.Column(verbose_name=_("No."), attrs={"td": {"class": "text-end"}})
    side = tables.Column(verbose_name=_("Learned by"), order_by=("side__code",))
    visit = tables.Column(verbose_name=_("Source visit"), linkify=True, order_by=("visit__start_date",))
    follow_up_count = tables.Column(verbose_name=_("Follow-up matters"), attrs={"td": {"class": "text-nowrap"}})

    class Meta(RegisterTable.Meta):
        exclude = ("code",)
        sequence = ("number", "title", "field", "side", "visit", "follow_up_count")

    def before_render(self, request):
        attach_follow_ups(row.record for row in self.paginated_rows)

    def render_side(self, value):
        return value.label

    def render_visit(self, value):
        return f"{value.start_date:%Y-%m} {value.title}"

    def render_follow_up_count(self, record):
        return render_to_string("visits/_follow_up_summary.html", {"follow_up": record.follow_up})


class LessonTable(LearningTable):
    class Meta(LearningTable.Meta):
        model = Lesson


class GapTable(LearningTable):
    class Meta(LearningTable.Meta):
        model = Gap

"""The registers of visits, lessons and gaps, declared once: pages, a visit's steps, menu entries.

Lessons and gaps share one ``LearningRegister`` (and one entry template); each only names its model.
"""

from django.utils.translation import gettext_lazy
from rest_framework import serializers

from twincity.accounts.access import can
from twincity.accounts.choices import Action
from twincity.core import registry
from twincity.registers.declaration import Declaration, Step
from twincity.visits import excel, forms, services
from twincity.visits.choices import VisitStatus
from twincity.visits.filtersets import GapFilterSet, LessonFilterSet, VisitFilterSet
from twincity.visits.models import Gap, Lesson, Visit
from twincity.visits.querysets import attach_follow_ups
from twincity.visits.tables import GapTable, LessonTable, VisitTable


class VisitCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class VisitHeldSerializer(serializers.Serializer):
    outcomes = serializers.CharField(required=False, allow_blank=True)


class VisitRegister(Declaration):
    model = Visit
    label = gettext_lazy("Visits")
    icon = "airplane"
    order = 30
    filterset_class = VisitFilterSet
    table_class = VisitTable
    form_class = forms.VisitForm
    workbook = excel.VisitWorkbook()
    list_select_related = ("visiting_region", "host_region")
    # The visit's own fields, in the form's order, from its dates to its outcomes.
    detail_fields = services.VISIT_FIELDS[
        services.VISIT_FIELDS.index("start_date") : services.VISIT_FIELDS.index("outcomes") + 1
    ]
    steps = (
        # The page's empty outcomes leave them as they are; the API's empty outcomes clear them.
        Step(
            "held",
            lambda visit, user, data: services.mark_held(visit, user=user, outcomes=data["outcomes"] or None),
            form=forms.HeldForm,
            done=gettext_lazy("The visit is recorded as held."),
        ),
        Step(
            "held",
            lambda visit, user, data: services.mark_held(visit, user=user, **data),
            serializer=VisitHeldSerializer,
            page=False,
            doc="A planned visit took place (refused before its first day).",
        ),
        Step(
            "cancel",
            lambda visit, user, data: services.cancel_visit(visit, user=user, reason=data["reason"]),
            form=forms.CancelForm,
            serializer=VisitCancelSerializer,
            done=gettext_lazy("The visit is cancelled."),
            doc="A planned visit will not take place; say why.",
        ),
    )

    def list_queryset(self):
        return super().list_queryset().prefetch_related("topics").with_counts()

    def detail_queryset(self):
        return super().detail_queryset().select_related("visiting_region", "host_region").prefetch_related("topics")

    def create(self, **data):
        return services.create_visit(**data)

    def update(self, obj, **data):
        return services.update_visit(obj, **data)

    def archive(self, entry, *, user):
        """The visit's own rule: not while it still has lessons or gaps."""
        return services.archive_visit(entry, user=user)

    def detail_context(self, request, obj):
        can_change = can(request.user, Action.CHANGE, obj)
        learned = {}
        for model in (Lesson, Gap):
            rows = model.objects.filter(visit=obj, archived_at__isnull=True).select_related("side", "field")
            learned[model._meta.model_name] = attach_follow_ups(rows.order_by("side_id", "number", "pk"))
        planned = obj.status == VisitStatus.PLANNED
        return {
            "lessons": learned["lesson"],
            "gaps": learned["gap"],
            "may_hold": can_change and planned,
            "may_cancel": can_change and planned,
            "may_record": obj.status == VisitStatus.HELD and not obj.is_archived,
            "held_form": forms.HeldForm(initial={"outcomes": obj.outcomes}),
            "cancel_form": forms.CancelForm(),
        }


class LearningRegister(Declaration):
    """Lessons and gaps: the entry turns into follow-up matters; one template shows either."""

    follow_up = True
    list_select_related = ("field", "side", "visit")

    def template(self, page: str) -> list[str]:
        if page == "detail":
            return ["visits/learning_detail.html"]
        return super().template(page)

    def list_queryset(self):
        return super().list_queryset().with_follow_up_count()

    def detail_queryset(self):
        return super().detail_queryset().select_related("side", "visit")

    def detail_context(self, request, obj):
        # Where a higher app says it came from (e.g. the index run whose gap table it was added from).
        return {"origins": registry.object_links(obj, request.user)}

    def form_kwargs(self, request, partnership, obj=None):
        if obj is not None:
            return {}
        return {"initial": {k: request.GET[k] for k in ("visit", "side") if request.GET.get(k, "").isdigit()}}

    def create(self, **data):
        return services.create_learning(self.model, **data)

    def update(self, obj, **data):
        return services.update_learning(obj, **data)

    # The shared "turn into a matter" and "link a matter" pages go through this register's rules and events.
    def turn_into_matter(self, subject, **kwargs):
        return services.follow_up_learning(subject, **kwargs)

    def link_matter(self, subject, matter, *, user, note: str = ""):
        return services.link_follow_up(subject, matter, user=user, note=note)


class LessonRegister(LearningRegister):
    model = Lesson
    label = gettext_lazy("Lessons")
    icon = "lightbulb"
    order = 31
    filterset_class = LessonFilterSet
    table_class = LessonTable
    form_class = forms.LessonForm
    workbook = excel.LessonWorkbook()


class GapRegister(LearningRegister):
    model = Gap
    label = gettext_lazy("Gaps")
    icon = "rulers"
    order = 32
    filterset_class = GapFilterSet
    table_class = GapTable
    form_class = forms.GapForm
    workbook = excel.GapWorkbook()


visits, lessons, gaps = VisitRegister(), LessonRegister(), GapRegister()

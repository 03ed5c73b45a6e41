"""Pages of the registers of visits, lessons and gaps: the standard register pages plus a visit's steps.

Lessons and gaps share one ``LearningViews`` (and one entry template); each only names its model.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy

from twincity.accounts.access import can
from twincity.accounts.choices import Action
from twincity.registers.views import RegisterViews, message_of, step
from twincity.visits import excel, forms, services
from twincity.visits.choices import VisitStatus
from twincity.visits.filtersets import GapFilterSet, LessonFilterSet, VisitFilterSet
from twincity.visits.models import Gap, Lesson, Visit
from twincity.visits.querysets import attach_follow_ups
from twincity.visits.tables import GapTable, LessonTable, VisitTable


class VisitViews(RegisterViews):
    model = Visit
    filterset_class = VisitFilterSet
    table_class = VisitTable
    form_class = forms.VisitForm
    workbook = excel.VisitWorkbook()
    list_select_related = ("visiting_region", "host_region")
    # The visit's own fields, in the form's order, from its dates to its outcomes.
    detail_fields = services.VISIT_FIELDS[
        services.VISIT_FIELDS.index("start_date") : services.VISIT_FIELDS.index("outcomes") + 1
    ]

    def list_queryset(self):
        return super().list_queryset().prefetch_related("topics").with_counts()

    def detail_queryset(self):
        return super().detail_queryset().select_related("visiting_region", "host_region").prefetch_related("topics")

    def create(self, **data):
        return services.create_visit(**data)

    def update(self, obj, **data):
        return services.update_visit(obj, **data)

    def archive(self, request, pk: int):
        """Archive through the visit's own rule: not while it still has lessons or gaps."""
        visit = self.get_object(request, pk, Action.CHANGE)
        try:
            services.archive_visit(visit, user=request.user)
        except ValidationError as exc:
            messages.error(request, message_of(exc))
            return redirect(visit)
        # The shared page says so and goes back to the list; its own archive finds the visit archived already.
        return super().archive(request, pk)

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


class LearningViews(RegisterViews):
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

    def form_kwargs(self, request, partnership, obj=None):
        if obj is not None:
            return {}
        return {"initial": {k: request.GET[k] for k in ("visit", "side") if request.GET.get(k, "").isdigit()}}

    def create(self, **data):
        return services.create_learning(self.model, **data)

    def update(self, obj, **data):
        return services.update_learning(obj, **data)


class LessonViews(LearningViews):
    model = Lesson
    filterset_class = LessonFilterSet
    table_class = LessonTable
    form_class = forms.LessonForm
    workbook = excel.LessonWorkbook()


class GapViews(LearningViews):
    model = Gap
    filterset_class = GapFilterSet
    table_class = GapTable
    form_class = forms.GapForm
    workbook = excel.GapWorkbook()


visits, lessons, gaps = VisitViews(), LessonViews(), GapViews()


held = step(
    Visit.objects,
    lambda visit, user, data: services.mark_held(visit, user=user, outcomes=data["outcomes"] or None),
    form_class=forms.HeldForm,
    done=gettext_lazy("The visit is recorded as held."),
)
cancel = step(
    Visit.objects,
    lambda visit, user, data: services.cancel_visit(visit, user=user, reason=data["reason"]),
    form_class=forms.CancelForm,
    done=gettext_lazy("The visit is cancelled."),
)

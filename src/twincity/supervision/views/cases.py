"""Supervision pages: the supervised items (cases), each with its sides' steps (see docs/supervision.md)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch
from django.urls import path
from django.utils.translation import gettext_lazy as _

from twincity.accounts.access import is_office, partnerships_for
from twincity.audit.models import AuditEvent
from twincity.core.views import ExportView, ObjectDetailView, ObjectListView, StepView
from twincity.core.xlsx import ExportBook
from twincity.supervision import services
from twincity.supervision.choices import OPEN_STATES, CaseState
from twincity.supervision.filtersets import CaseFilterSet
from twincity.supervision.forms import CloseForm, CompletionForm, FeedbackForm, ReturnForm, SignOffForm
from twincity.supervision.models import Case, CaseSide, Evidence, Feedback
from twincity.supervision.tables import CaseTable

CASES = Case.objects.filter(archived_at__isnull=True)


def _listed(queryset):
    return queryset.select_related("partnership").prefetch_related(
        Prefetch("sides", queryset=CaseSide.objects.select_related("side"))
    )


class CaseListView(ObjectListView):
    queryset = CASES
    filterset_class = CaseFilterSet
    table_class = CaseTable
    template_name = "supervision/case_list.html"

    def get_queryset(self):
        return _listed(super().get_queryset())

    def get_extra_context(self) -> dict:
        partnership = self.filterset.form.cleaned_data.get("partnership") if self.filterset.is_bound else None
        return {
            "partnership": partnership or next(iter(partnerships_for(self.request.user)), None),
            "query_string": self.request.GET.urlencode(),
        }


class CaseExportView(ExportView):
    queryset = CASES
    filterset_class = CaseFilterSet
    filename = "supervised-items.xlsx"

    def export(self, rows, partnership) -> bytes:
        book = ExportBook()
        sheet = book.sheet(str(_("Supervised items")))
        sheet.append(
            [
                str(h)
                for h in (
                    _("Code"),
                    _("Item under supervision"),
                    _("Kind"),
                    _("Assigned on"),
                    _("Due on"),
                    _("State"),
                    _("Sheet colour"),
                    _("Side"),
                    _("Owning unit"),
                    _("Signed off at"),
                    _("Signed off late"),
                    _("Feedback given"),
                    _("Late feedback"),
                    _("Completion reported at"),
                    _("Rating"),
                    _("Days late at closure"),
                )
            ]
        )
        for case in _listed(rows).prefetch_related("sides__organisation"):
            for side in case.sides.all():
                sheet.append(
                    [
                        case.code,
                        case.title,
                        case.kind,
                        case.assigned_on,
                        case.due_on,
                        case.get_state_display(),
                        case.get_level_display(),
                        str(side.side),
                        str(side.organisation or ""),
                        side.signed_at.replace(tzinfo=None) if side.signed_at else None,
                        _("yes") if side.signed_late else "",
                        side.feedback_count,
                        side.late_feedback_count,
                        side.completed_at.replace(tzinfo=None) if side.completed_at else None,
                        case.get_rating_display(),
                        case.delay_days,
                    ]
                )
        return book.save()


class CaseDetailView(ObjectDetailView):
    queryset = CASES
    template_name = "supervision/case_detail.html"
    context_object_name = "case"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        case, user = self.object, self.request.user
        mine = services.sides_for(user, case) if case.state in OPEN_STATES else []
        office = is_office(user, case.partnership_id)
        sides = list(case.sides.select_related("side", "organisation", "signed_by", "completed_by"))
        evidence = list(Evidence.objects.filter(case=case).select_related("attachment", "side"))
        for side in sides:
            side.evidence = [e for e in evidence if e.side_id == side.side_id]
        context.update(
            sides=sides,
            feedback=Feedback.objects.filter(case=case).select_related("side", "author"),
            trail=AuditEvent.objects.filter(object_type=ContentType.objects.get_for_model(Case), object_id=case.pk)
            .select_related("user")
            .order_by("time", "pk"),
            to_sign=[s for s in mine if s.signed_at is None],
            to_report=[s for s in mine if s.completed_at is None],
            may_close=office and case.state == CaseState.COMPLETED,
            may_return=office and (case.state == CaseState.COMPLETED or any(s.completed_at for s in sides)),
        )
        context.update(
            sign_form=SignOffForm(sides=context["to_sign"]),
            feedback_form=FeedbackForm(sides=context["to_report"]),
            completion_form=CompletionForm(sides=context["to_report"]),
            close_form=CloseForm(),
            return_form=ReturnForm(),
        )
        return context


def _sides(case, user):
    return {"sides": services.sides_for(user, case)}


STEPS = {
    "sign_off": {
        "form_class": SignOffForm,
        "form_kwargs": _sides,
        "run": lambda case, user, data: services.sign_off(case, data["side"], user=user),
        "done": _("Signed off."),
    },
    "feedback": {
        "form_class": FeedbackForm,
        "form_kwargs": _sides,
        "run": lambda case, user, data: services.give_feedback(
            case, data["side"], user=user, text=data["text"], percent=data.get("percent")
        ),
        "done": _("Feedback recorded."),
    },
    "complete": {
        "form_class": CompletionForm,
        "form_kwargs": _sides,
        "run": lambda case, user, data: services.report_completion(
            case, data["side"], user=user, note=data["note"], links=data["links"], files=data["files"]
        ),
        "done": _("Completion reported."),
    },
    "close": {
        "form_class": CloseForm,
        "run": lambda case, user, data: services.close_case(
            case, user=user, rating=data["rating"], review=data["review"]
        ),
        "done": _("Closed and rated."),
    },
    "return": {
        "form_class": ReturnForm,
        "run": lambda case, user, data: services.return_case(case, user=user, reason=data["reason"]),
        "done": _("Returned to the owners."),
    },
}

urlpatterns = [
    path("cases/", CaseListView.as_view(), name="case_list"),
    path("cases/export/", CaseExportView.as_view(), name="case_export"),
    path("cases/<int:pk>/", CaseDetailView.as_view(), name="case_detail"),
    *[
        path(
            f"cases/<int:pk>/{name}/",
            StepView.as_view(queryset=CASES, action="view", **step),
            name=f"case_{name}",
        )
        for name, step in STEPS.items()
    ],
]

"""The supervised actions: their list, page, edit and each step of the cycle."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from twincity.accounts.access import can, is_office, restrict
from twincity.accounts.choices import Action
from twincity.core.listexport import ListPdfMixin, ListXlsxMixin
from twincity.core.views import ObjectListView, StepView, restricted_object
from twincity.meetings import forms, services
from twincity.meetings.choices import CLOSED_ACTION_STATUSES, OWNER_PENDING_STATUSES, ActionStatus
from twincity.meetings.filtersets import ActionFilterSet
from twincity.meetings.models import ActionItem, ActionOwner, Session
from twincity.meetings.tables import ActionTable
from twincity.meetings.views.common import (
    MembersOnlyMixin,
    _actions_with_history,
    _partnership_from,
    _run,
    members_only,
)
from twincity.supervision.choices import Rating
from twincity.supervision.services import case_of


def action_list_queryset(user, today=None):
    return (
        ActionItem.objects.restrict(user, Action.VIEW)
        .with_light(today)
        .select_related("session__series")
        .prefetch_related(Prefetch("owners", queryset=ActionOwner.objects.select_related("organisation")))
    )


class ActionListView(MembersOnlyMixin, ObjectListView):
    queryset = ActionItem.objects.all()
    filterset_class = ActionFilterSet
    table_class = ActionTable
    template_name = "meetings/action_list.html"

    def get_queryset(self):
        return action_list_queryset(self.request.user)

    def get_extra_context(self):
        return {"nav": "meetings", "partnership": _partnership_from(self.request)}


class ActionPdfView(ListPdfMixin, ActionListView):
    """The actions as on screen (filters, order), as a titled PDF."""

    pdf_title = gettext_lazy("Actions decided at the meetings")
    pdf_filename = "meeting-actions.pdf"


class ActionXlsxView(ListXlsxMixin, ActionListView):
    """The actions as on screen (filters, order), as an Excel sheet."""

    pdf_title = gettext_lazy("Actions decided at the meetings")
    xlsx_filename = "meeting-actions.xlsx"


def _action(request, pk: int, action: str = Action.VIEW) -> ActionItem:
    return restricted_object(
        request, ActionItem.objects.select_related("session__series", "partnership", "matter", "outcome"), action, pk=pk
    )


@members_only
def action_detail(request, pk: int):
    action = _action(request, pk)
    user = request.user
    today = timezone.localdate()
    (action_full,) = _actions_with_history(ActionItem.objects.filter(pk=action.pk), today)
    may_report = can(user, Action.REPORT, action)
    office = is_office(user, action.partnership_id)
    # Each owning side's step on the action's case (签收, 反馈, 完成): the owner's steps are its side's.
    case = case_of(action)
    case_sides = list(case.sides.select_related("side", "organisation").order_by("pk")) if case else []
    mine = (
        set(restrict(action.owners.all(), user, Action.REPORT).values_list("side_id", flat=True))
        if may_report
        else set()
    )
    to_sign = [s for s in case_sides if s.side_id in mine and s.signed_at is None]
    to_report = [s for s in case_sides if s.side_id in mine and s.completed_at is None]
    steps = []
    if (
        may_report
        and action.status in OWNER_PENDING_STATUSES
        and (to_sign or (not case and action.status == ActionStatus.ASSIGNED))
    ):
        steps.append(("acknowledge", _("Acknowledge"), False))
    if may_report and action.status in OWNER_PENDING_STATUSES and (to_report or not case):
        steps.append(("feedback", _("Feed back progress"), True))
        steps.append(("done", _("Report done"), True))
    if office and action.status == ActionStatus.REPORTED_DONE:
        steps.append(("verify", _("Verify"), False))
        steps.append(("return", _("Return"), True))
    if office and action.status not in CLOSED_ACTION_STATUSES:
        steps.append(("cancel", _("Cancel the action"), True))
    sessions = list(
        Session.objects.filter(items__action=action).select_related("series").order_by("starts_at").distinct()
    )
    context = {
        "nav": "meetings",
        "action": action_full,
        "partnership": action.partnership,
        "steps": steps,
        "step_form": forms.StepForm(),
        "case": case,
        "case_sides": case_sides,
        "ratings": Rating.choices,
        "can_edit": action.status not in CLOSED_ACTION_STATUSES and (office or can(user, Action.CHANGE, action)),
        "agendas": sessions,
        "today": today,
    }
    return render(request, "meetings/action_detail.html", context)


STEPS = {
    "acknowledge": (
        lambda a, u, text, files: services.acknowledge_action(a, user=u, note=text),
        gettext_lazy("Acknowledged."),
    ),
    "feedback": (
        lambda a, u, text, files: services.feed_back(a, user=u, text=text, files=files),
        gettext_lazy("Feedback sent."),
    ),
    "done": (
        lambda a, u, text, files: services.report_done(a, user=u, text=text, files=files),
        gettext_lazy("Reported done. The office verifies it."),
    ),
    "verify": (
        lambda a, u, text, files, rating="": services.verify_action(a, user=u, note=text, rating=rating),
        gettext_lazy("Verified."),
    ),
    "return": (
        lambda a, u, text, files: services.return_action(a, user=u, reason=text),
        gettext_lazy("Returned to its owners."),
    ),
    "cancel": (
        lambda a, u, text, files: services.cancel_action(a, user=u, reason=text),
        gettext_lazy("Action cancelled."),
    ),
}


class ActionStepView(MembersOnlyMixin, StepView):
    """One step of an action's cycle (``STEPS``), posted from its page with a text and evidence files. Every
    member reaches the action; the service decides who may take the step (the owner, or the office)."""

    queryset = ActionItem.objects.select_related("session__series", "partnership", "matter", "outcome")
    action = Action.VIEW
    form_class = forms.StepForm

    def post(self, request, *args, **kwargs):
        if kwargs["step"] not in STEPS:
            raise Http404
        return super().post(request, *args, **kwargs)

    def run(self, action, user, data):
        call, _done = STEPS[self.kwargs["step"]]
        if self.kwargs["step"] == "verify":
            return call(action, user, data["text"], data["files"], rating=data.get("rating") or "")
        return call(action, user, data["text"], data["files"])

    def done(self, action) -> str:
        return str(STEPS[self.kwargs["step"]][1])


action_step = ActionStepView.as_view()


@members_only
def action_edit(request, pk: int):
    action = _action(request, pk)
    if not (is_office(request.user, action.partnership_id) or can(request.user, Action.CHANGE, action)):
        raise Http404
    form = forms.ActionForm(
        request.POST or None,
        initial={
            "title": action.title,
            "description": action.description,
            "due_date": action.due_date,
            "owners": list(action.owners.values_list("organisation_id", flat=True)),
        },
        partnership=action.partnership,
        version=action.version,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _run(
            request,
            lambda: services.update_action(
                action,
                user=request.user,
                version=data["version"],
                owners=list(data["owners"]),
                reason=data["reason"],
                title=data["title"],
                description=data["description"],
                due_date=data["due_date"],
            ),
            _("Saved."),
        ):
            return redirect(action)
    return render(
        request,
        "meetings/action_form.html",
        {"form": form, "action": action, "partnership": action.partnership, "nav": "meetings"},
    )

"""Recording the minutes: attendance, outcomes, summary, the sides' confirmations, locking, amendments."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from twincity.accounts.choices import Action
from twincity.core.views import restricted_object
from twincity.meetings import forms, services
from twincity.meetings.models import Attendance, Outcome
from twincity.meetings.views.common import (
    SessionStepView,
    _back_to,
    _form_errors,
    _run,
    _session,
    _visible_matters,
    members_only,
)


@members_only
@require_POST
def attendance_add(request, pk: int):
    session = _session(request, pk, Action.CHANGE)
    form = forms.AttendanceForm(request.POST, partnership=session.partnership)
    if form.is_valid():
        _run(
            request,
            lambda: services.record_attendance(session, user=request.user, **form.cleaned_data),
            _("Attendance recorded."),
        )
    else:
        messages.error(request, _form_errors(form))
    return _back_to(session, "minutes")


attendance_remove = SessionStepView.as_view(
    queryset=Attendance.objects.select_related("session"),
    anchor="minutes",
    run=lambda row, user, data: services.remove_attendance(row, user=user),
    done=gettext_lazy("Removed."),
)


@members_only
@require_POST
def outcome_add(request, pk: int):
    session = _session(request, pk, Action.CHANGE)
    form = forms.OutcomeForm(request.POST, session=session, matters=_visible_matters(request.user, session.partnership))
    if form.is_valid():
        data = form.cleaned_data
        spec = None
        if data["wants_action"]:
            spec = services.ActionSpec(
                title=data["action_title"] or data["text"][:300],
                due_date=data["due_date"],
                owners=list(data["owners"]),
                matter=data["matter"],
                new_matter_title=data["new_matter_title"],
            )
        kind = data["kind"]
        _run(
            request,
            lambda: services.record_outcome(
                session, user=request.user, kind=kind, text=data["text"], item=data["item"], action=spec
            ),
            _("Outcome recorded.") if spec is None else _("Outcome recorded; the action is assigned to its owners."),
        )
    else:
        messages.error(request, _form_errors(form))
    return _back_to(session, "minutes")


@members_only
def outcome_edit(request, pk: int):
    outcome = restricted_object(request, Outcome.objects.select_related("session"), Action.CHANGE, pk=pk)
    session = outcome.session
    form = forms.OutcomeEditForm(request.POST or None, initial={"text": outcome.text}, version=outcome.version)
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            request,
            lambda: services.update_outcome(
                outcome, user=request.user, version=form.cleaned_data["version"], text=form.cleaned_data["text"]
            ),
            _("Saved."),
        )
    ):
        return _back_to(session, "minutes")
    return render(
        request,
        "meetings/session_action.html",
        {
            "form": form,
            "session": session,
            "title": _("Edit the outcome"),
            "nav": "meetings",
            "partnership": session.partnership,
        },
    )


@members_only
@require_POST
def summary(request, pk: int):
    session = _session(request, pk, Action.CHANGE)
    form = forms.SummaryForm(request.POST)
    if form.is_valid():
        _run(
            request,
            lambda: services.update_minutes_summary(session, user=request.user, summary=form.cleaned_data["summary"]),
            _("Saved."),
        )
    return _back_to(session, "minutes")


@members_only
@require_POST
def confirm(request, pk: int):
    session = _session(request, pk)
    sides = services.confirmable_sides(request.user, session)
    if not sides:
        raise Http404
    form = forms.ConfirmForm(request.POST, sides=sides)
    if form.is_valid():
        _run(
            request,
            lambda: services.confirm_minutes(
                session, user=request.user, side=form.cleaned_data["side"], note=form.cleaned_data["note"]
            ),
            _("Minutes confirmed for your side."),
        )
    else:
        messages.error(request, _form_errors(form))
    return _back_to(session, "minutes")


lock = SessionStepView.as_view(
    anchor="minutes",
    run=lambda session, user, data: services.lock_minutes(session, user=user),
    done=gettext_lazy("Minutes locked."),
)


@members_only
@require_POST
def amend(request, pk: int):
    session = _session(request, pk, Action.CHANGE)
    form = forms.AmendmentForm(request.POST, session=session)
    if form.is_valid():
        _run(
            request,
            lambda: services.amend_minutes(
                session,
                user=request.user,
                text=form.cleaned_data["text"],
                reason=form.cleaned_data["reason"],
                outcome=form.cleaned_data["outcome"],
            ),
            _("Amendment added to the minutes."),
        )
    else:
        messages.error(request, _form_errors(form))
    return _back_to(session, "minutes")

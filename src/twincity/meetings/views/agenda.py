"""Building the agenda: the system's proposals, items added, placed, edited, moved, removed, and publication."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from twincity.accounts.access import can
from twincity.accounts.choices import Action
from twincity.core.views import StepView, restricted_object
from twincity.meetings import forms, services
from twincity.meetings.models import AgendaItem
from twincity.meetings.views.common import (
    MembersOnlyMixin,
    _back_to,
    _form_errors,
    _run,
    _session,
    _visible_matters,
    members_only,
)


@members_only
@require_POST
def add_proposals(request, pk: int):
    session = _session(request, pk, Action.CHANGE)
    keys = request.POST.getlist("key")
    reason = request.POST.get("reason", "")
    if not keys:
        messages.error(request, _("Choose the proposed items to add."))
    else:
        _run(
            request,
            lambda: services.add_proposals(session, user=request.user, keys=keys, reason=reason),
            _("Proposed items added to the agenda."),
        )
    return _back_to(session, "agenda")


@members_only
@require_POST
def add_item(request, pk: int):
    session = _session(request, pk, Action.CHANGE)
    form = forms.ItemForm(
        request.POST,
        request.FILES,
        partnership=session.partnership,
        matters=_visible_matters(request.user, session.partnership),
        with_reason=True,
    )
    if form.is_valid():
        _run(
            request,
            lambda: services.add_item(
                session,
                user=request.user,
                title=form.cleaned_data["title"],
                side=form.cleaned_data["side"],
                reason=form.cleaned_data.get("reason", ""),
                files=form.cleaned_data["files"],
                **form.item_fields(),
            ),
            _("Item added to the agenda."),
        )
    else:
        messages.error(request, _form_errors(form))
    return _back_to(session, "agenda")


def _item(request, pk: int) -> AgendaItem:
    return restricted_object(
        request, AgendaItem.objects.select_related("session", "series", "series__partnership"), Action.VIEW, pk=pk
    )


@members_only
@require_POST
def schedule_item(request, pk: int):
    session = _session(request, pk, Action.CHANGE)
    item = restricted_object(request, AgendaItem.objects.filter(series=session.series), pk=request.POST.get("item"))
    _run(
        request,
        lambda: services.schedule_item(item, session, user=request.user, reason=request.POST.get("reason", "")),
        _("Item placed on the agenda."),
    )
    return _back_to(session, "agenda")


@members_only
@require_POST
def item_move(request, pk: int):
    item = _item(request, pk)
    if item.session is None or not can(request.user, Action.CHANGE, item.session):
        raise Http404
    _run(
        request,
        lambda: services.move_item(
            item, user=request.user, up=request.POST.get("direction") == "up", reason=request.POST.get("reason", "")
        ),
        "",
    )
    return _back_to(item.session, "agenda")


class ItemStepView(MembersOnlyMixin, StepView):
    """A step on an agenda item with an optional reason (take it off the agenda, withdraw it from the backlog);
    back to its session's agenda, or to its series when it is in the backlog, as it was before the step."""

    queryset = AgendaItem.objects.select_related("session", "series", "series__partnership")
    action = Action.VIEW  # who may is ``allowed``, and the service
    form_class = forms.ReasonForm

    def get_object(self):
        item = super().get_object()
        self.back_to = (
            reverse("meetings:session", args=[item.session_id]) + "#agenda"
            if item.session_id
            else item.series.get_absolute_url()
        )
        return item

    def entry(self, item):
        return self.back_to


item_remove = ItemStepView.as_view(
    allowed=lambda user, item: item.session is not None and can(user, Action.CHANGE, item.session),
    run=lambda item, user, data: services.unschedule_item(item, user=user, reason=data["reason"]),
    done=gettext_lazy("Item taken off the agenda."),
)


@members_only
def item_edit(request, pk: int):
    item = _item(request, pk)
    if not services.may_edit_item(request.user, item):
        raise Http404
    partnership = item.series.partnership
    initial = {
        "title": item.title,
        "side": item.side_id,
        "presenter": item.presenter,
        "organisation": item.organisation_id,
        "duration_minutes": item.duration_minutes,
        "matter": item.matter_id,
        "description": item.description,
    }
    form = forms.ItemForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        partnership=partnership,
        matters=_visible_matters(request.user, partnership),
        with_reason=bool(item.session and item.session.agenda_frozen),
    )
    if item.session_id:
        form.fields["side"].required = False
    if request.method == "POST" and form.is_valid():
        changes = {"title": form.cleaned_data["title"], "side": form.cleaned_data["side"], **form.item_fields()}
        if _run(
            request,
            lambda: services.update_item(
                item,
                user=request.user,
                version=int(request.POST["version"]) if request.POST.get("version", "").isdigit() else None,
                reason=form.cleaned_data.get("reason", ""),
                files=form.cleaned_data["files"],
                **changes,
            ),
            _("Saved."),
            form=form,
            conflict=_("Someone else changed this item while you were editing it. Nothing was overwritten: reload it."),
        ):
            return _back_to(item.session, "agenda") if item.session_id else redirect(item.series)
    return render(
        request,
        "meetings/item_form.html",
        {"form": form, "item": item, "series": item.series, "partnership": partnership, "nav": "meetings"},
    )


item_withdraw = ItemStepView.as_view(
    allowed=services.may_edit_item,
    run=lambda item, user, data: services.withdraw_item(item, user=user, reason=data["reason"]),
    done=gettext_lazy("Item withdrawn from the backlog."),
)


@members_only
@require_POST
def publish(request, pk: int):
    session = _session(request, pk, Action.CHANGE)
    _run(
        request,
        lambda: services.publish_agenda(session, user=request.user),
        lambda carried: (
            _("Agenda published to both sides and frozen; %(n)s open actions carried forward onto it.") % {"n": carried}
        ),
    )
    return _back_to(session, "agenda")

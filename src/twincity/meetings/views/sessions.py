"""A session's page (agenda, minutes, actions) and its edit, reschedule, cancel and held steps."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import Prefetch, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from twincity.accounts.access import can, is_office
from twincity.accounts.choices import Action
from twincity.audit.models import AuditEvent
from twincity.meetings import documents, forms, services
from twincity.meetings.choices import CLOSED_ACTION_STATUSES, ItemStatus, MinutesStatus, SessionStatus
from twincity.meetings.models import ActionItem, Outcome, Session
from twincity.meetings.sources import label as source_label
from twincity.meetings.views.common import (
    SessionStepView,
    _actions_with_history,
    _attachments_for,
    _run,
    _session,
    _visible_matters,
    members_only,
)

DOCX_SIZE_SECONDS = 3600


@members_only
def session_detail(request, pk: int):
    session = _session(request, pk)
    user = request.user
    today = timezone.localdate()
    series = session.series
    partnership = session.partnership
    sides = partnership.sides()
    can_change = can(user, Action.CHANGE, session)
    agenda_open = session.agenda_is_open
    items = list(
        session.items.filter(status=ItemStatus.ON_AGENDA)
        .select_related("side", "organisation", "matter", "action")
        .order_by("order", "pk")
    )
    papers = _attachments_for(items)
    for item in items:
        item.papers = papers.get(item.pk, [])
        item.source_label = source_label(item.source)
    outcomes = list(
        session.outcomes.select_related("item", "recorded_by")
        .prefetch_related(Prefetch("actions", queryset=ActionItem.objects.prefetch_related("owners__organisation")))
        .order_by("pk")
    )
    by_item: dict[int | None, list[Outcome]] = {}
    for o in outcomes:
        by_item.setdefault(o.item_id, []).append(o)
    for item in items:
        item.recorded = by_item.get(item.pk, [])
    previous = services.previous_session(session)
    following = (
        series.sessions.filter(starts_at__gt=session.starts_at, archived_at__isnull=True)
        .exclude(status=SessionStatus.CANCELLED)
        .order_by("starts_at")
        .first()
    )
    since = previous.starts_at if previous else None
    earlier = ActionItem.objects.restrict(user).filter(session__series=series, session__starts_at__lt=session.starts_at)
    if since is not None:
        earlier = earlier.filter(
            ~Q(status__in=CLOSED_ACTION_STATUSES) | Q(updates__created__gte=since) | Q(session=previous)
        ).distinct()
    else:
        earlier = earlier.exclude(status__in=CLOSED_ACTION_STATUSES)
    carried = _actions_with_history(earlier.order_by("due_date", "pk"), today)
    decided = _actions_with_history(ActionItem.objects.restrict(user).filter(session=session).order_by("pk"), today)
    attendance = list(session.attendance.select_related("side", "organisation"))
    confirmations = list(session.confirmations.select_related("side", "user"))
    confirmed_sides = {c.side_id for c in confirmations}
    my_sides = services.confirmable_sides(user, session) - confirmed_sides
    matters = _visible_matters(user, partnership)
    proposals = []
    backlog = []
    if can_change and agenda_open:
        proposals = services.propose_standing_items(session, today=today)
        backlog = list(series.items.filter(status=ItemStatus.BACKLOG).select_related("side", "proposed_by"))
    minutes_open = can_change and session.minutes_closed_reason(today) is None
    session_ct = ContentType.objects.get_for_model(Session)
    context = {
        "nav": "meetings",
        "session": session,
        "series": series,
        "partnership": partnership,
        "sides": sides,
        "items": items,
        "unplaced": by_item.get(None, []),
        "total_minutes": sum(i.duration_minutes for i in items),
        "agenda_changes": session.agenda_changes.select_related("user").order_by("created", "pk"),
        "attendance": attendance,
        "outcomes": outcomes,
        "confirmations": confirmations,
        "amendments": session.amendments.select_related("author", "outcome").order_by("on", "pk"),
        "carried": carried,
        "decided": decided,
        "previous": previous,
        "following": following,
        "proposals": proposals,
        "backlog": backlog,
        "minutes_docx_size": minutes_docx_size(session) if session.is_held else None,
        "can_change": can_change,
        "agenda_open": agenda_open,
        "minutes_open": minutes_open,
        "is_office": is_office(user, partnership.pk),
        "confirm_form": forms.ConfirmForm(sides=my_sides) if my_sides and session.is_held else None,
        "item_form": forms.ItemForm(partnership=partnership, matters=matters, with_reason=session.agenda_frozen),
        "outcome_form": forms.OutcomeForm(session=session, matters=matters) if minutes_open else None,
        "attendance_form": forms.AttendanceForm(partnership=partnership) if minutes_open else None,
        "summary_form": forms.SummaryForm(initial={"summary": session.minutes_summary}) if minutes_open else None,
        "amend_form": forms.AmendmentForm(session=session) if can_change and session.minutes_locked else None,
        "events": AuditEvent.objects.filter(object_type=session_ct, object_id=session.pk)
        .select_related("user")
        .order_by("-time")[:50],
        "today": today,
        "MinutesStatus": MinutesStatus,
    }
    return render(request, "meetings/session_detail.html", context)


@members_only
def session_edit(request, pk: int):
    session = _session(request, pk, Action.CHANGE)
    may_change_host = is_office(request.user, session.partnership_id)
    form = forms.SessionForm(
        request.POST or None,
        instance=session if request.method != "POST" else Session.objects.get(pk=session.pk),
        partnership=session.partnership,
        may_change_host=may_change_host,
        version=session.version,
    )
    if request.method == "POST" and form.is_valid():
        changes = {k: form.cleaned_data[k] for k in ("venue", "chair", "secretariat", "duration_minutes", "note")}
        if may_change_host and form.cleaned_data["host"] != session.host:
            changes["host"] = form.cleaned_data["host"]
        if _run(
            request,
            lambda: services.update_session(
                session, user=request.user, version=form.cleaned_data["version"], **changes
            ),
            _("Saved."),
            form=form,
            conflict=_("Someone else changed this session meanwhile. Reload it and try again."),
        ):
            return redirect(session)
    return render(
        request,
        "meetings/session_form.html",
        {"form": form, "session": session, "partnership": session.partnership, "nav": "meetings"},
    )


@members_only
def reschedule(request, pk: int):
    session = _session(request, pk, Action.CHANGE)
    local = timezone.localtime(session.starts_at)
    form = forms.RescheduleForm(
        request.POST or None, initial={"date": local.date(), "time": local.time()}, version=session.version
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            request,
            lambda: services.reschedule_session(
                session,
                user=request.user,
                starts_at=form.starts_at(),
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data["version"],
            ),
            "",
        )
    ):
        return redirect(session)
    title = _("Reschedule the session")
    return render(
        request,
        "meetings/session_action.html",
        {"form": form, "session": session, "title": title, "nav": "meetings", "partnership": session.partnership},
    )


@members_only
def cancel(request, pk: int):
    session = _session(request, pk, Action.CHANGE)
    form = forms.CancelForm(request.POST or None, version=session.version)
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            request,
            lambda: services.cancel_session(
                session, user=request.user, reason=form.cleaned_data["reason"], version=form.cleaned_data["version"]
            ),
            "",
        )
    ):
        return redirect(session)
    title = _("Cancel the session")
    return render(
        request,
        "meetings/session_action.html",
        {
            "form": form,
            "session": session,
            "title": title,
            "nav": "meetings",
            "partnership": session.partnership,
            "danger": True,
        },
    )


mark_held = SessionStepView.as_view(
    anchor="minutes",
    run=lambda session, user, data: services.mark_held(session, user=user),
    done=gettext_lazy("Recorded as held."),
)


def minutes_docx_size(session: Session) -> int:
    """The size of the minutes' .docx as the link offers it, made once per state of the session (the minutes are
    written on the fly: a new version or a later change of the session makes a new one)."""
    key = f"meetings:minutes-docx-size:{session.pk}:{session.version}:{session.last_updated.timestamp()}"
    size = cache.get(key)
    if size is None:
        size = len(documents.render_minutes_docx(session))
        cache.set(key, size, DOCX_SIZE_SECONDS)
    return size

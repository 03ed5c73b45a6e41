"""Pages of the joint meetings. Thin: they read through the access door and write through the services.

Every page answers 404 to someone who may not see the object, and the meeting pages as a whole
answer 404 to a signed-in user with no place in any partnership.
"""

from __future__ import annotations

import datetime as dt
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from twincity.accounts.access import can, is_office, partnerships_for
from twincity.accounts.choices import Action
from twincity.audit.models import AuditEvent
from twincity.core.models import Attachment
from twincity.core.services import ConflictError
from twincity.core.views import ObjectListView, restricted_object
from twincity.matters.models import Matter
from twincity.meetings import forms, services
from twincity.meetings.choices import (
    CLOSED_ACTION_STATUSES,
    OWNER_PENDING_STATUSES,
    ActionStatus,
    ItemStatus,
    MinutesStatus,
    SessionStatus,
)
from twincity.meetings.filtersets import ActionFilterSet, SessionFilterSet
from twincity.meetings.models import (
    ActionItem,
    ActionOwner,
    ActionUpdate,
    AgendaItem,
    Attendance,
    MeetingSeries,
    Outcome,
    Session,
)
from twincity.meetings.sources import label as source_label
from twincity.meetings.tables import ActionTable, SessionTable, action_light_badge
from twincity.regions.models import Partnership


def _message_of(exc: ValidationError | PermissionDenied) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or _("You may not do this.")


def _form_errors(form) -> str:
    return "; ".join(
        f"{form.fields[f].label if f in form.fields else ''} {' '.join(e)}".strip() for f, e in form.errors.items()
    )


def members_only(view):
    """The meeting pages exist only for people with a place in a partnership: anyone else gets 404."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not partnerships_for(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _partnership_from(request) -> Partnership | None:
    partnerships = partnerships_for(request.user)
    wanted = request.GET.get("partnership") or request.POST.get("partnership")
    return next((p for p in partnerships if str(p.pk) == wanted), partnerships[0] if partnerships else None)


def _visible_matters(user, partnership):
    return (
        Matter.objects.restrict(user)
        .filter(partnership=partnership, archived_at__isnull=True)
        .exclude(status__in=["completed", "cancelled"])
        .select_related("year_list")
        .order_by("-year_list__year", "code")
    )


def _session_queryset():
    return Session.objects.filter(archived_at__isnull=True).select_related(
        "series", "partnership", "host", "secretariat", "agenda_published_by"
    )


def _session(request, pk: int, action: str = Action.VIEW) -> Session:
    return restricted_object(request, _session_queryset(), action, pk=pk)


def _back_to(session: Session, anchor: str = ""):
    return redirect(reverse("meetings:session", args=[session.pk]) + (f"#{anchor}" if anchor else ""))


def _run(request, call, success: str) -> bool:
    """Call a service; turn refusals into a message on the page the user comes back to."""
    try:
        result = call()
    except ConflictError:
        messages.error(request, _("Someone else changed this meanwhile. Check it and try again."))
        return False
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _message_of(exc))
        return False
    message = getattr(result, "outcome_message", None) or success
    if message:
        messages.success(request, message)
    return True


# ---------------------------------------------------------------------------------------------- index


class SessionListView(ObjectListView):
    """The sessions of every series the user may see, and the series themselves above them."""

    queryset = Session.objects.all()
    filterset_class = SessionFilterSet
    table_class = SessionTable
    template_name = "meetings/session_list.html"

    def get_queryset(self):
        return _session_queryset().restrict(self.request.user, Action.VIEW).order_by("-starts_at")

    def get(self, request, *args, **kwargs):
        if not partnerships_for(request.user):
            raise Http404
        return super().get(request, *args, **kwargs)

    def get_extra_context(self):
        partnership = _partnership_from(self.request)
        series = list(
            MeetingSeries.objects.restrict(self.request.user)
            .filter(partnership=partnership, archived_at__isnull=True)
            .order_by("kind", "name")
        )
        today = timezone.now()
        upcoming = {
            s.series_id: s
            for s in _session_queryset()
            .filter(partnership=partnership, starts_at__gte=today)
            .exclude(status=SessionStatus.CANCELLED)
            .order_by("-starts_at")
        }
        for s in series:
            s.next_session = upcoming.get(s.pk)
        return {
            "nav": "meetings",
            "partnership": partnership,
            "series_list": series,
            "is_office": partnership is not None and is_office(self.request.user, partnership.pk),
        }


# ---------------------------------------------------------------------------------------------- series


def _office_partnership(request) -> Partnership:
    partnership = _partnership_from(request)
    if partnership is None or not is_office(request.user, partnership.pk):
        raise Http404
    return partnership


@members_only
def series_add(request):
    partnership = _office_partnership(request)
    form = forms.SeriesForm(request.POST or None, partnership=partnership, version=0)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in services.SERIES_FIELDS}
        try:
            series = services.create_series(partnership=partnership, user=request.user, **data)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _message_of(exc))
        else:
            messages.success(request, _("Series “%(name)s” set up.") % {"name": series.display_name})
            return redirect(series)
    return render(request, "meetings/series_form.html", {"form": form, "partnership": partnership, "nav": "meetings"})


def _series(request, pk: int, action: str = Action.VIEW) -> MeetingSeries:
    return restricted_object(
        request, MeetingSeries.objects.filter(archived_at__isnull=True).select_related("partnership"), action, pk=pk
    )


@members_only
def series_edit(request, pk: int):
    series = _series(request, pk, Action.CHANGE)
    form = forms.SeriesForm(
        request.POST or None,
        instance=series if request.method != "POST" else MeetingSeries.objects.get(pk=series.pk),
        partnership=series.partnership,
        version=series.version,
    )
    if request.method == "POST" and form.is_valid():
        changes = {k: form.cleaned_data[k] for k in services.SERIES_FIELDS}
        try:
            services.update_series(series, user=request.user, version=form.cleaned_data["version"], **changes)
        except ConflictError:
            form.add_error(None, _("Someone else changed this series meanwhile. Reload it and try again."))
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _message_of(exc))
        else:
            messages.success(request, _("Saved."))
            return redirect(series)
    return render(
        request,
        "meetings/series_form.html",
        {"form": form, "series": series, "partnership": series.partnership, "nav": "meetings"},
    )


@members_only
def series_detail(request, pk: int):
    series = _series(request, pk)
    user = request.user
    sessions = list(
        _session_queryset().filter(series=series).order_by("starts_at", "pk").prefetch_related("confirmations")
    )
    backlog = list(
        series.items.filter(status=ItemStatus.BACKLOG)
        .select_related("side", "organisation", "matter", "proposed_by")
        .order_by("created")
    )
    may_propose_sides = [s for s in series.partnership.sides() if services.may_propose(user, series, s.pk)]
    context = {
        "nav": "meetings",
        "series": series,
        "partnership": series.partnership,
        "sessions": sessions,
        "backlog": backlog,
        "is_office": is_office(user, series.partnership_id),
        "can_propose": bool(may_propose_sides),
        "generate_form": forms.GenerateForm(),
        "add_form": forms.SessionAddForm(initial={"time": series.default_time}),
        "rotation": series.partnership.sides(),
        "today": timezone.now(),
    }
    return render(request, "meetings/series_detail.html", context)


@members_only
@require_POST
def generate(request, pk: int):
    series = _series(request, pk)
    form = forms.GenerateForm(request.POST)
    if not is_office(request.user, series.partnership_id):
        raise Http404
    if form.is_valid():
        _run(
            request,
            lambda: services.generate_sessions(series, user=request.user, count=form.cleaned_data["count"]),
            _("Sessions planned. Edit them one by one if a date or host must differ."),
        )
    else:
        messages.error(request, _form_errors(form))
    return redirect(series)


@members_only
@require_POST
def session_add(request, pk: int):
    series = _series(request, pk)
    if not is_office(request.user, series.partnership_id):
        raise Http404
    form = forms.SessionAddForm(request.POST)
    if form.is_valid():
        starts_at = timezone.make_aware(dt.datetime.combine(form.cleaned_data["date"], form.cleaned_data["time"]))
        _run(request, lambda: services.add_session(series, user=request.user, starts_at=starts_at), _("Session added."))
    else:
        messages.error(request, _form_errors(form))
    return redirect(series)


@members_only
def propose(request, pk: int):
    """Either side proposes an item into the series backlog."""
    series = _series(request, pk)
    sides = [s for s in series.partnership.sides() if services.may_propose(request.user, series, s.pk)]
    if not sides:
        raise Http404
    form = forms.ItemForm(
        request.POST or None,
        request.FILES or None,
        partnership=series.partnership,
        sides=sides,
        matters=_visible_matters(request.user, series.partnership),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.propose_item(
                series,
                user=request.user,
                title=form.cleaned_data["title"],
                side=form.cleaned_data["side"],
                files=form.cleaned_data["files"],
                **form.item_fields(),
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _message_of(exc))
        else:
            messages.success(request, _("Proposed into the backlog. The host's secretariat places it on an agenda."))
            return redirect(series)
    return render(
        request,
        "meetings/item_form.html",
        {"form": form, "series": series, "partnership": series.partnership, "nav": "meetings"},
    )


# ---------------------------------------------------------------------------------------------- session


def _attachments_for(objects) -> dict[int, list[Attachment]]:
    objects = list(objects)
    if not objects:
        return {}
    ct = ContentType.objects.get_for_model(type(objects[0]))
    result: dict[int, list[Attachment]] = {}
    for a in Attachment.objects.filter(
        content_type=ct, object_id__in=[o.pk for o in objects], archived_at__isnull=True
    ).order_by("pk"):
        result.setdefault(a.object_id, []).append(a)
    return result


def _actions_with_history(queryset, today):
    updates = ActionUpdate.objects.select_related("author", "organisation").order_by("created", "pk")
    actions = list(
        queryset.with_light(today)
        .select_related("session__series", "matter")
        .prefetch_related(
            Prefetch("owners", queryset=ActionOwner.objects.select_related("organisation", "side")),
            Prefetch("updates", queryset=updates),
        )
    )
    files = _attachments_for(u for a in actions for u in a.updates.all())
    for a in actions:
        a.light_badge = action_light_badge(a.light)
        for u in a.updates.all():
            u.files = files.get(u.pk, [])
    return actions


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
        try:
            services.update_session(session, user=request.user, version=form.cleaned_data["version"], **changes)
        except ConflictError:
            form.add_error(None, _("Someone else changed this session meanwhile. Reload it and try again."))
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _message_of(exc))
        else:
            messages.success(request, _("Saved."))
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


@members_only
@require_POST
def mark_held(request, pk: int):
    session = _session(request, pk, Action.CHANGE)
    _run(request, lambda: services.mark_held(session, user=request.user), _("Recorded as held."))
    return _back_to(session, "minutes")


# ---------------------------------------------------------------------------------------------- agenda


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


@members_only
@require_POST
def item_remove(request, pk: int):
    item = _item(request, pk)
    if item.session is None or not can(request.user, Action.CHANGE, item.session):
        raise Http404
    _run(
        request,
        lambda: services.unschedule_item(item, user=request.user, reason=request.POST.get("reason", "")),
        _("Item taken off the agenda."),
    )
    return _back_to(item.session, "agenda")


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
        try:
            services.update_item(
                item,
                user=request.user,
                version=int(request.POST["version"]) if request.POST.get("version", "").isdigit() else None,
                reason=form.cleaned_data.get("reason", ""),
                files=form.cleaned_data["files"],
                **changes,
            )
        except ConflictError:
            form.add_error(
                None, _("Someone else changed this item while you were editing it. Nothing was overwritten: reload it.")
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _message_of(exc))
        else:
            messages.success(request, _("Saved."))
            return _back_to(item.session, "agenda") if item.session_id else redirect(item.series)
    return render(
        request,
        "meetings/item_form.html",
        {"form": form, "item": item, "series": item.series, "partnership": partnership, "nav": "meetings"},
    )


@members_only
@require_POST
def item_withdraw(request, pk: int):
    item = _item(request, pk)
    if not services.may_edit_item(request.user, item):
        raise Http404
    _run(
        request,
        lambda: services.withdraw_item(item, user=request.user, reason=request.POST.get("reason", "")),
        _("Item withdrawn from the backlog."),
    )
    return redirect(item.series)


@members_only
@require_POST
def publish(request, pk: int):
    session = _session(request, pk, Action.CHANGE)
    try:
        carried = services.publish_agenda(session, user=request.user)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _message_of(exc))
    else:
        messages.success(
            request,
            _("Agenda published to both sides and frozen; %(n)s open actions carried forward onto it.")
            % {"n": carried},
        )
    return _back_to(session, "agenda")


# ---------------------------------------------------------------------------------------------- minutes


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


@members_only
@require_POST
def attendance_remove(request, pk: int):
    row = restricted_object(request, Attendance.objects.select_related("session"), Action.CHANGE, pk=pk)
    _run(request, lambda: services.remove_attendance(row, user=request.user), _("Removed."))
    return _back_to(row.session, "minutes")


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


@members_only
@require_POST
def lock(request, pk: int):
    session = _session(request, pk, Action.CHANGE)
    _run(request, lambda: services.lock_minutes(session, user=request.user), _("Minutes locked."))
    return _back_to(session, "minutes")


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


# ---------------------------------------------------------------------------------------------- actions


def action_list_queryset(user, today=None):
    return (
        ActionItem.objects.restrict(user, Action.VIEW)
        .with_light(today)
        .select_related("session__series")
        .prefetch_related(Prefetch("owners", queryset=ActionOwner.objects.select_related("organisation")))
    )


class ActionListView(ObjectListView):
    queryset = ActionItem.objects.all()
    filterset_class = ActionFilterSet
    table_class = ActionTable
    template_name = "meetings/action_list.html"

    def get_queryset(self):
        return action_list_queryset(self.request.user)

    def get(self, request, *args, **kwargs):
        if not partnerships_for(request.user):
            raise Http404
        return super().get(request, *args, **kwargs)

    def get_extra_context(self):
        return {"nav": "meetings", "partnership": _partnership_from(self.request)}


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
    steps = []
    if may_report and action.status == ActionStatus.ASSIGNED:
        steps.append(("acknowledge", _("Acknowledge"), False))
    if may_report and action.status in OWNER_PENDING_STATUSES:
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
        "can_edit": action.status not in CLOSED_ACTION_STATUSES and (office or can(user, Action.CHANGE, action)),
        "agendas": sessions,
        "today": today,
    }
    return render(request, "meetings/action_detail.html", context)


STEPS = {
    "acknowledge": (lambda a, u, text, files: services.acknowledge_action(a, user=u, note=text), _("Acknowledged.")),
    "feedback": (lambda a, u, text, files: services.feed_back(a, user=u, text=text, files=files), _("Feedback sent.")),
    "done": (
        lambda a, u, text, files: services.report_done(a, user=u, text=text, files=files),
        _("Reported done. The office verifies it."),
    ),
    "verify": (lambda a, u, text, files: services.verify_action(a, user=u, note=text), _("Verified.")),
    "return": (lambda a, u, text, files: services.return_action(a, user=u, reason=text), _("Returned to its owners.")),
    "cancel": (lambda a, u, text, files: services.cancel_action(a, user=u, reason=text), _("Action cancelled.")),
}


@members_only
@require_POST
def action_step(request, pk: int, step: str):
    action = _action(request, pk)
    if step not in STEPS:
        raise Http404
    call, success = STEPS[step]
    form = forms.StepForm(request.POST, request.FILES)
    if form.is_valid():
        _run(
            request, lambda: call(action, request.user, form.cleaned_data["text"], form.cleaned_data["files"]), success
        )
    else:
        messages.error(request, _form_errors(form))
    return redirect(action)


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

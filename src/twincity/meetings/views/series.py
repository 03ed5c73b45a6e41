"""The meetings index and the series pages: set up and edit a series, plan and add its sessions, propose items."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from twincity.accounts.access import is_office
from twincity.accounts.choices import Action
from twincity.core.views import ObjectListView, is_fragment_request, restricted_object
from twincity.meetings import forms, services
from twincity.meetings.choices import ItemStatus, SessionStatus
from twincity.meetings.filtersets import SessionFilterSet
from twincity.meetings.models import MeetingSeries, Session
from twincity.meetings.tables import SessionTable
from twincity.meetings.views.common import (
    MembersOnlyMixin,
    _form_errors,
    _partnership_from,
    _run,
    _session_queryset,
    _visible_matters,
    members_only,
)
from twincity.regions.models import Partnership


class SessionListView(MembersOnlyMixin, ObjectListView):
    """The sessions of every series the user may see, and the series themselves above them."""

    queryset = Session.objects.all()
    filterset_class = SessionFilterSet
    table_class = SessionTable
    template_name = "meetings/session_list.html"

    def get_queryset(self):
        # What the rows show and nothing more (``SessionTable.OWN_FIELDS``). The series' and hosts' names are the
        # filter bar's (``SessionTable.before_render``), except in a fragment, which has no filter bar: there the
        # rows bring them.
        sessions = Session.objects.filter(archived_at__isnull=True)
        fields = SessionTable.OWN_FIELDS
        if is_fragment_request(self.request):
            sessions = sessions.select_related("series", "host")
            fields += SessionTable.RELATED_FIELDS
        return sessions.only(*fields).restrict(self.request.user, Action.VIEW).order_by("-starts_at")

    def get_extra_context(self):
        partnership = _partnership_from(self.request)
        return {
            "nav": "meetings",
            "partnership": partnership,
            "series_list": self.series_cards(partnership),
            "is_office": partnership is not None and is_office(self.request.user, partnership.pk),
        }

    def series_cards(self, partnership) -> list[MeetingSeries]:
        """The partnership's series, each with its next session (the earliest not cancelled from now on).

        They are the series filter's choices (every series the user may see, through the door, not archived), read
        once for the bar and the cards, each with the id of its next session; then those sessions: two queries
        however many sessions are planned. A fragment (the results alone) shows no card and reads none."""
        if partnership is None or is_fragment_request(self.request):
            return []
        upcoming = (
            Session.objects.filter(archived_at__isnull=True, series=OuterRef("pk"), starts_at__gte=timezone.now())
            .exclude(status=SessionStatus.CANCELLED)
            .order_by("starts_at", "pk")
            .values("pk")[:1]
        )
        field = self.filterset.form.fields["series"]
        field.queryset = field.queryset.annotate(next_session_id=Subquery(upcoming))
        # In the choices' order (partnership, kind, name): the partnership's series by kind and name.
        series = [s for s in field.queryset if s.partnership_id == partnership.pk]
        wanted = [s.next_session_id for s in series if s.next_session_id]
        # What a card says of the next session: its number, day and host.
        card = ("number", "starts_at", "host__name", "host__name_en", "host__short_name")
        sessions = Session.objects.select_related("host").only(*card).in_bulk(wanted) if wanted else {}
        for s in series:
            s.next_session = sessions.get(s.next_session_id)
        return series


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
        series = _run(
            request,
            lambda: services.create_series(partnership=partnership, user=request.user, **data),
            lambda series: _("Series “%(name)s” set up.") % {"name": series.display_name},
            form=form,
        )
        if series is not None:
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
        if _run(
            request,
            lambda: services.update_series(series, user=request.user, version=form.cleaned_data["version"], **changes),
            _("Saved."),
            form=form,
            conflict=_("Someone else changed this series meanwhile. Reload it and try again."),
        ):
            return redirect(series)
    return render(
        request,
        "meetings/series_form.html",
        {"form": form, "series": series, "partnership": series.partnership, "nav": "meetings"},
    )


SESSIONS_PER_PAGE = 24


@members_only
def series_detail(request, pk: int):
    series = _series(request, pk)
    user = request.user
    # Newest first, a page at a time: a monthly series has a hundred sessions after a few years.
    sessions = Paginator(
        _session_queryset().filter(series=series).order_by("-starts_at", "-pk").prefetch_related("confirmations"),
        SESSIONS_PER_PAGE,
    ).get_page(request.GET.get("page"))
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
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            request,
            lambda: services.propose_item(
                series,
                user=request.user,
                title=form.cleaned_data["title"],
                side=form.cleaned_data["side"],
                files=form.cleaned_data["files"],
                **form.item_fields(),
            ),
            _("Proposed into the backlog. The host's secretariat places it on an agenda."),
            form=form,
        )
    ):
        return redirect(series)
    return render(
        request,
        "meetings/item_form.html",
        {"form": form, "series": series, "partnership": series.partnership, "nav": "meetings"},
    )

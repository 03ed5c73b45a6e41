"""Pages of the matter list. Thin: they read through the access door and write through the services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, FilteredRelation, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import FormView
from django.views.generic.detail import SingleObjectMixin

from twincity.accounts.access import (
    can_expression,
    is_office,
    may_act_in,
    may_report_for_side,
    partnerships_for,
)
from twincity.accounts.choices import Action
from twincity.audit.models import AuditEvent, JournalEntry, history_of
from twincity.audit.services import add_journal_entry
from twincity.core.addresses import address_of
from twincity.core.listexport import ListPdfMixin
from twincity.core.services import ConflictError
from twincity.core.views import (
    DoorObjectMixin,
    ExportView,
    ObjectCreateView,
    ObjectDetailView,
    ObjectListView,
    ReportCorrectionView,
    StepView,
    VersionedUpdateView,
    editable_partnership,
    is_fragment_request,
    message_of,
    restricted_object,
)
from twincity.matters import forms, services
from twincity.matters.choices import CLOSED_STATUSES, TRANSITION_LABELS, TRANSITIONS, Light
from twincity.matters.excel import apply_import, export_matters, parse_import
from twincity.matters.filtersets import MatterFilterSet
from twincity.matters.health import explain
from twincity.matters.models import Matter, MatterList, Milestone, ProgressReport
from twincity.matters.tables import MatterTable, list_queryset, rows_queryset
from twincity.regions.models import Organisation, display_name
from twincity.supervision.models import CaseSide

# ---------------------------------------------------------------------------------------------- list


# The list's filters (besides the partnership, the page, the sort and the page size).
LIST_FILTERS = frozenset(MatterFilterSet.base_filters) - {"partnership"}


class MatterListView(ObjectListView):
    queryset = Matter.objects.all()
    filterset_class = MatterFilterSet
    table_class = MatterTable
    template_name = "matters/matter_list.html"
    results_cache = "scope"  # the rows are the door's, whoever asks (core.cache)

    rows = staticmethod(rows_queryset)  # the row's own columns (the PDF reads whole records)

    def get_queryset(self):
        # Newest year first, and within a year by code: the order of the printed annual list.
        return self.rows().restrict(self.request.user, Action.VIEW).order_by("-year", "code")

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        year = self.default_year()
        if year is not None:
            data = kwargs["data"].copy()
            data["year"] = str(year)
            kwargs["data"] = data
        return kwargs

    def default_year(self) -> int | None:
        """Opened without any filter, the list shows the current year: the latest list of the partnership.

        Any filter given (a search, a status, an empty year: "all years") is taken as asked."""
        if self.partnership is None or any(name in self.request.GET for name in LIST_FILTERS):
            return None
        return (
            MatterList.objects.filter(partnership_id=self.partnership.pk, archived_at__isnull=True)
            .order_by("-year")
            .values_list("year", flat=True)
            .first()
        )

    def get(self, request, *args, **kwargs):
        # The partnership on screen: the one filtered on, else the user's first.
        partnership_id = request.GET.get("partnership")
        partnerships = partnerships_for(request.user)
        self.partnership = next(
            (p for p in partnerships if str(p.pk) == partnership_id), partnerships[0] if partnerships else None
        )
        # The bulk controls are the office's of this partnership, not of any partnership the user runs.
        self.can_bulk = self.partnership is not None and is_office(request.user, self.partnership.pk)
        return super().get(request, *args, **kwargs)

    def get_table_kwargs(self):
        return {"bulk": self.can_bulk}

    def get_extra_context(self):
        partnership = self.partnership
        return {
            "nav": "matters",
            "partnership": partnership,
            "can_bulk": self.can_bulk,
            "bulk_form": forms.BulkStatusForm(),
            "can_add": partnership is not None and may_act_in(self.request.user, Action.CHANGE, partnership.pk),
            "query_string": self.request.GET.urlencode(),
        }


@login_required
@require_POST
def bulk_status(request):
    """The office changes the status of many matters at once (all or nothing)."""
    form = forms.BulkStatusForm(request.POST)
    pks = [int(pk) for pk in request.POST.getlist("pk") if pk.isdigit()]
    back = request.POST.get("next") or reverse("matters:list")
    if not url_is_local(back):
        back = reverse("matters:list")
    if not form.is_valid() or not pks:
        messages.error(request, _("Choose matters and a status."))
        return redirect(back)
    matters = Matter.objects.restrict(request.user, Action.VIEW).filter(pk__in=pks)
    count, errors = services.bulk_change_status(
        list(matters), form.cleaned_data["status"], user=request.user, reason=form.cleaned_data["reason"]
    )
    if errors:
        messages.error(request, _("Nothing was changed: %(errors)s") % {"errors": "; ".join(errors[:10])})
    else:
        messages.success(request, _("%(count)s matters changed.") % {"count": count})
    return redirect(back)


def url_is_local(url: str) -> bool:
    return url.startswith("/") and not url.startswith("//")


# ---------------------------------------------------------------------------------------------- detail


def matter_page(matter_pk: int, anchor: str = "") -> str:
    return reverse("matters:matter", args=[matter_pk]) + anchor


class MatterObjectMixin:
    """A matter named by the URL's ``pk``, with what every matter page shows of it."""

    queryset = Matter.objects.select_related("partnership", "year_list", "field", "confirmed_by")

    def get_queryset(self):
        return self.queryset.all()


# What the matter page posts to or links, by the address's name in ``matters``.
MATTER_STEPS = (
    "edit",
    "roll_over",
    "change_status",
    "reopen",
    "archive",
    "add_milestone",
    "file_progress",
    "add_note",
    "history",
)


class MatterDetailView(MatterObjectMixin, ObjectDetailView):
    template_name = "matters/matter_detail.html"

    def get_queryset(self):
        user = self.request.user
        may = {
            "may_change": can_expression(Matter, user, Action.CHANGE),
            "may_approve": can_expression(Matter, user, Action.APPROVE),
        }
        # Not the partnership nor the list: the partnership is the reader's, read with the frame (``partnership_of``);
        # the list's year is kept on the matter (``Matter.year``).
        return Matter.objects.select_related("field", "confirmed_by").annotate(**may)

    def partnership_of(self, matter):
        """The matter's partnership: one of the reader's, read once a request with the frame (``partnerships_for``);
        one they do not list (an archived partnership) is read now."""
        partnership = next((p for p in partnerships_for(self.request.user) if p.pk == matter.partnership_id), None)
        if partnership is not None:
            matter.partnership = partnership
        return matter.partnership

    def get_context_data(self, **kwargs):
        matter = self.object
        request = self.request
        user = request.user
        today = timezone.localdate()
        verdict = explain(matter, today)
        partnership = self.partnership_of(matter)
        sides = partnership.sides()
        side_by_pk = {s.pk: s for s in sides}
        # One matter's owners and halves in their models' order (the matter's own place in it is the same for all):
        # ordered without joining the matter. The owners as the page names them (values, not instances): (side, role,
        # unit, name, English name).
        owners = list(
            matter.owners.order_by("role", "pk").values_list(
                "side_id", "role", "organisation_id", "organisation__name", "organisation__name_en"
            )
        )
        side_records = {s.region_id: s for s in matter.sides.order_by("pk")}
        # Who may close (and so correct or archive) a milestone, and correct a report: the door's answer, read with
        # the rows themselves.
        milestones = list(
            matter.milestones.filter(archived_at__isnull=True)
            .annotate(closable=can_expression(Milestone, user, Action.REPORT))
            .order_by("due_date", "pk")
        )
        reports = reports_with_files(matter, user)
        # The units by name (a report's ``unit``): the owners', read above; one that reported without owning, read once.
        units = {unit: Unit(display_name(name, name_en)) for _side, _role, unit, name, name_en in owners}
        others = {r.organisation_id for r in reports if r.organisation_id and r.organisation_id not in units}
        if others:
            named = Organisation._base_manager.filter(pk__in=others).values_list("pk", "name", "name_en")
            units.update((unit, Unit(display_name(name, name_en))) for unit, name, name_en in named)
        for r in reports:
            r.unit = units[r.organisation_id] if r.organisation_id else None
            if r.side_id in side_by_pk:  # the partnership's sides, read above: no join for them
                r.side = side_by_pk[r.side_id]
        for m in milestones:
            side = side_by_pk.get(m.side_id)
            m.side_label = side.label if side else ""
        # The page's addresses, each kind reversed once per process (core.addresses), not once a row.
        for m in milestones:
            if m.closable:
                m.close_address = address_of("matters:close_milestone", m.pk)
                m.edit_address = address_of("matters:edit_milestone", m.pk)
        for r in reports:
            if r.correctable:
                r.edit_address = address_of("matters:edit_report", r.pk)
        addresses = {name: address_of(f"matters:{name}", matter.pk) for name in MATTER_STEPS}
        # Each side's part, sorted out once (twenty sides are twenty cards).
        side_milestones: dict[int, list[Milestone]] = {}
        for m in milestones:
            side_milestones.setdefault(m.side_id, []).append(m)
        latest_reports: dict[int, ProgressReport] = {}
        for r in reports:  # newest first
            latest_reports.setdefault(r.side_id, r)
        side_units: dict[tuple[int, str], list[Unit]] = {}
        for side_id, role, unit, _name, _name_en in owners:
            side_units.setdefault((side_id, role), []).append(units[unit])
        parity = []
        for side in sides:
            pk = side.pk
            record = side_records.get(pk)
            side_ms = side_milestones.get(pk, [])
            parity.append(
                {
                    "side": side,
                    "record": record,
                    "leads": side_units.get((pk, "lead"), []),
                    "supports": side_units.get((pk, "support"), []),
                    "milestones": side_ms,
                    "open_overdue": [m for m in side_ms if not m.done_date and m.due_date < today],
                    "latest": latest_reports.get(pk),
                    "percent": record.percent_complete if record else 0,
                    "lagging": False,
                }
            )
        if len([p for p in parity if p["record"]]) > 1:
            top = max(p["percent"] for p in parity if p["record"])
            for p in parity:
                p["lagging"] = p["record"] is not None and (top - p["percent"] >= 20 or bool(p["open_overdue"]))
        report_sides = [s for s in sides if s.pk in side_records and may_report_for_side(user, matter, s.pk)]
        # Each owning side's step on the matter's supervised item (签收, 反馈, 完成), shown on its half with the way to
        # the item's case (one per item): the page shows the case only through them, so it reads them alone.
        case_sides = {
            s.side_id: s
            for s in CaseSide.objects.filter(
                case__content_type=ContentType.objects.get_for_model(Matter), case__object_id=matter.pk
            ).order_by()
        }
        case_id = next(iter(case_sides.values())).case_id if case_sides else None
        for half in parity:
            half["case_side"] = case_sides.get(half["side"].pk)
        allowed = {Action.CHANGE: matter.may_change, Action.APPROVE: matter.may_approve}
        transitions = [
            (to, TRANSITION_LABELS[to]) for to, action in TRANSITIONS.get(matter.status, {}).items() if allowed[action]
        ]
        context = {
            "nav": "matters",
            "addresses": addresses,
            "matter": matter,
            "partnership": partnership,
            "verdict": verdict,
            "light_label": Light(verdict.light).label,
            "parity": parity,
            "milestones": milestones,
            "reports": reports,
            # The chain of lists, oldest first, as the overview shows it (``{% matter_overview %}``).
            "entries": list(
                matter.entries.order_by("year_list__year").values_list("year_list__year", "code", "outcome", "reason")
            ),
            "can_change": matter.may_change,
            "can_approve": matter.may_approve,
            "transitions": transitions,
            "case_address": address_of("supervision:case_detail", case_id) if case_id else "",
            "may_reopen": matter.status == "completed" and matter.may_approve,
            # The progress report's and the new milestone's forms load when their box is shown (htmx: the step's own
            # address, found through the door as its POST); the page says only whether to offer them.
            "may_file_progress": bool(report_sides) and matter.status not in CLOSED_STATUSES,
            "today": today,
        }
        return {**super().get_context_data(**kwargs), **context}


class Unit(NamedTuple):
    """A unit as the page names it (an owner on its side's card, the unit that filed a report)."""

    display_name: str

    def __str__(self) -> str:
        return self.display_name


@dataclass(frozen=True)
class ShownFile:
    """A report's file as the page links it."""

    address: str
    name: str
    size: int


def reports_with_files(matter, user) -> list[ProgressReport]:
    """The matter's live reports, newest first, each with who may correct it (``correctable``: the door's answer, read
    with the rows) and its live files (``files``, oldest first), in one query: a report's files are joined to it
    (a report with two files is read twice; the second row gives only its file)."""
    rows = (
        matter.reports.filter(archived_at__isnull=True)
        .annotate(
            correctable=can_expression(ProgressReport, user, Action.REPORT),
            live_file=FilteredRelation("attachments", condition=Q(attachments__archived_at__isnull=True)),
            file_pk=F("live_file__pk"),
            file_name=F("live_file__name"),
            file_size=F("live_file__size"),
        )
        .select_related("author")
        .order_by("-reported_on", "-pk", "file_pk")
    )
    reports: list[ProgressReport] = []
    for r in rows:
        if not reports or reports[-1].pk != r.pk:
            r.files = []
            reports.append(r)
        if r.file_pk is not None:
            reports[-1].files.append(ShownFile(address_of("core:attachment", r.file_pk), r.file_name, r.file_size))
    return reports


class MatterHistoryView(MatterObjectMixin, ObjectDetailView):
    """A matter's history: its changes (and its parts'), workflow events and notes, with the note form.

    The matter page loads it when its history tab is shown (htmx: the panel alone); without JavaScript it is a page
    of its own. Found through the door as the matter page (and as the note's POST: whoever reads the matter)."""

    queryset = Matter.objects.all()  # its code and title: the frame's back link
    template_name = "matters/matter_history.html"

    def get_template_names(self):
        return [f"{self.template_name}#panel" if is_fragment_request(self.request) else self.template_name]

    def get_context_data(self, **kwargs):
        matter = self.object
        matter_ct = ContentType.objects.get_for_model(Matter)
        context = {
            "nav": "matters",
            "history": history_of(matter),
            "events": AuditEvent.objects.filter(object_type=matter_ct, object_id=matter.pk).select_related("user")[
                :100
            ],
            "journal": JournalEntry.objects.filter(object_type=matter_ct, object_id=matter.pk).select_related("author")[
                :100
            ],
            "journal_form": forms.JournalForm(),
            "add_note": address_of("matters:add_note", matter.pk),
        }
        return {**super().get_context_data(**kwargs), **context}


# ---------------------------------------------------------------------------------------------- edits


class MatterFormMixin:
    """The matter form, for the partnership the matter belongs (or will belong) to."""

    form_class = forms.MatterForm
    template_name = "matters/matter_form.html"
    extra_context = {"nav": "matters"}

    def form_valid(self, form):
        self.form = form  # the owners and leaders are read from the form itself (owner_specs, leaders)
        return super().form_valid(form)


class MatterCreateView(MatterFormMixin, ObjectCreateView):
    def get_form_kwargs(self):
        partnership = self.partnership
        return {
            **super().get_form_kwargs(),
            "partnership": partnership,
            "sides": partnership.sides(),
            "user": self.request.user,
            "version": 0,
        }

    def create(self, *, partnership, user, year, **data):
        fields = {k: data[k] for k in ("code", "title", "field", "goal", "description", "start_date", "due_date")}
        return services.create_matter(
            partnership=partnership,
            year=year,
            user=user,
            owners=self.form.owner_specs(),
            leaders=self.form.leaders(),
            **fields,
        )

    def get_success_message(self) -> str:
        return _("Matter %(code)s added to the %(year)s list.") % {
            "code": self.object.code,
            "year": self.object.year_list.year,
        }


class MatterEditView(MatterFormMixin, MatterObjectMixin, VersionedUpdateView):
    def get_form_kwargs(self):
        partnership = self.object.partnership
        return {
            **super().get_form_kwargs(),
            "partnership": partnership,
            "sides": partnership.sides(),
            "user": self.request.user,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(partnership=self.object.partnership, **kwargs)

    def update(self, matter, *, user, version, **data):
        changes = {k: data[k] for k in services.EDITABLE_FIELDS}
        changes["code"] = changes["code"] or matter.code
        services.update_matter(
            matter, user=user, version=version, owners=self.form.owner_specs(), leaders=self.form.leaders(), **changes
        )

    def conflict(self, form, current, data):
        context = {"matter": self.object, "current": current, "attempted": data, "form": form, "nav": "matters"}
        return render(self.request, "matters/conflict.html", context, status=409)


class ReportEditView(ReportCorrectionView):
    """Correct a filed progress report: its side's coordinator, its unit, or the office."""

    queryset = ProgressReport.objects.select_related("matter")
    form_class = forms.ReportEditForm
    template_name = "matters/report_form.html"
    extra_context = {"nav": "matters"}
    initial_fields = ("period", "percent_complete", "text")

    def update(self, report, **data):
        services.update_progress_report(report, **data)

    def get_success_url(self) -> str:
        return matter_page(self.object.matter_id, "#progress")


class RollOverView(MatterObjectMixin, LoginRequiredMixin, DoorObjectMixin, SingleObjectMixin, FormView):
    action = Action.CHANGE
    form_class = forms.RollOverForm
    template_name = "matters/roll_over.html"
    context_object_name = "matter"
    extra_context = {"nav": "matters"}

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.object = self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"to_year": services.default_roll_over_year(self.object)}

    def form_valid(self, form):
        matter = self.object
        try:
            services.roll_over(
                matter,
                to_year=form.cleaned_data["to_year"],
                user=self.request.user,
                reason=form.cleaned_data["reason"],
                code=form.cleaned_data["code"] or None,
            )
        except ValidationError as exc:
            form.add_error(None, message_of(exc))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Rolled over into the %(year)s list as %(code)s.") % {"year": matter.year_list.year, "code": matter.code},
        )
        return redirect(matter)


@login_required
def bulk_roll_over(request):
    """Year end: the office rolls the open matters of a list into the coming year's list.

    GET lists the list's open matters, all ticked; "preview" says what would move (with its new code) and what is
    refused and why, writing nothing; "apply" moves what the preview said, all or nothing."""
    partnerships = [p for p in partnerships_for(request.user) if is_office(request.user, p.pk)]
    wanted = request.POST.get("partnership") or request.GET.get("partnership")
    if wanted:
        partnership = next((p for p in partnerships if str(p.pk) == wanted), None)
    else:
        partnership = partnerships[0] if partnerships else None
    if partnership is None:
        raise Http404  # the office's page: not there for anyone else
    to_default = services.coming_year()
    source = request.POST.get("year") or request.GET.get("year") or ""
    year = int(source) if source.isdigit() else to_default - 1
    open_matters = list(
        Matter.objects.restrict(request.user, Action.CHANGE)
        .filter(partnership=partnership, year=year, archived_at__isnull=True)
        .exclude(status__in=CLOSED_STATUSES)
        .select_related("partnership", "year_list")
        .order_by("code")
    )
    form = forms.BulkRollOverForm(request.POST or None, initial={"to_year": to_default})
    chosen = {int(pk) for pk in request.POST.getlist("pk") if pk.isdigit()} if request.method == "POST" else None
    lines = None
    if request.method == "POST" and form.is_valid():
        picked = [m for m in open_matters if m.pk in chosen]
        to_year = form.cleaned_data["to_year"]
        if request.POST.get("step") == "apply":
            expected = {int(pk) for pk in request.POST.getlist("moving") if pk.isdigit()}
            try:
                moved = services.roll_over_matters(
                    picked, to_year=to_year, user=request.user, reason=form.cleaned_data["reason"], expected=expected
                )
            except ValidationError as exc:
                form.add_error(None, message_of(exc))
            else:
                messages.success(
                    request,
                    _("%(count)s matters rolled over into the %(year)s list.") % {"count": len(moved), "year": to_year},
                )
                return redirect(reverse("matters:list") + f"?partnership={partnership.pk}&year={to_year}")
        if picked:
            lines = services.plan_roll_over(picked, to_year=to_year, user=request.user)
        else:
            form.add_error(None, _("Choose the matters to roll over."))
    context = {
        "nav": "matters",
        "partnership": partnership,
        "year": year,
        "form": form,
        "open_matters": open_matters,
        "chosen": chosen,
        "lines": lines,
        "moving": [line for line in lines or () if line.moves],
    }
    return render(request, "matters/bulk_roll_over.html", context)


@login_required
@require_POST
def archive(request, pk: int):
    matter = restricted_object(request, Matter.objects.all(), Action.CHANGE, pk=pk)
    services.archive_matter(matter, user=request.user)
    messages.success(
        request,
        _("Matter %(code)s archived. It stays in the history and can be found with the “archived” filter.")
        % {"code": matter.code},
    )
    return redirect(reverse("matters:list") + f"?partnership={matter.partnership_id}")


# ---------------------------------------------------------------------------------------------- steps


class _Forbidden(Exception):
    """A refusal a step answers with 403 rather than a message (see ``MatterStepView.refusal_is_403``)."""


class MatterStepView(StepView):
    """A step posted from a matter's page; back to the matter at ``anchor``.

    ``step(obj, user, data)`` calls the service. A stale version (``ConflictError``) is said as
    ``conflict_message``; with ``refusal_is_403`` the service's ``PermissionDenied`` is the 403 it is.
    """

    anchor = ""
    conflict_message = ""
    refusal_is_403 = False

    def step(self, obj, user, data):
        raise NotImplementedError

    def run(self, obj, user, data):
        try:
            self.step(obj, user, data)
        except ConflictError as exc:
            raise ValidationError(str(self.conflict_message)) from exc
        except PermissionDenied as exc:
            if self.refusal_is_403:
                raise _Forbidden(str(exc)) from exc
            raise

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except _Forbidden as exc:
            raise PermissionDenied(str(exc)) from exc

    def entry(self, obj):
        return matter_page(getattr(obj, "matter_id", obj.pk), self.anchor)


def step_form(request, template: str, context: dict):
    """A step's form as the matter page loads it when its box is shown (htmx: the form alone), or, without
    JavaScript, as a page of its own."""
    return render(
        request, f"{template}#form" if is_fragment_request(request) else template, {"nav": "matters", **context}
    )


class FileProgressView(MatterStepView):
    """File a side's progress report.

    GET answers the form (the matter page loads it when the progress tab is shown), found as the POST finds the
    matter: whoever may not report for any side gets the same 404. It offers the sides the reader reports for that
    take part in the matter, as the service accepts."""

    http_method_names = ["get", "post"]
    queryset = Matter.objects.select_related("partnership")
    action = Action.VIEW  # who may report for which side is the door's: may_report_for_side
    form_class = forms.ProgressForm
    anchor = "#progress"
    done = gettext_lazy("Progress report filed.")

    @staticmethod
    def report_sides(user, matter):
        return [s for s in matter.partnership.sides() if may_report_for_side(user, matter, s.pk)]

    def get(self, request, *args, **kwargs):
        matter = self.get_object()
        taking_part = set(matter.sides.values_list("region_id", flat=True))
        sides = [s for s in self.report_sides(request.user, matter) if s.pk in taking_part]
        if matter.status in CLOSED_STATUSES:
            form, refusal = None, _("A closed matter takes no more reports.")
        elif not sides:
            form, refusal = None, _("This side takes no part in the matter.")
        else:
            form, refusal = forms.ProgressForm(sides=sides), ""
        address = address_of("matters:file_progress", matter.pk)
        context = {"matter": matter, "progress_form": form, "refusal": refusal, "address": address}
        return step_form(request, "matters/progress_form.html", context)

    def allowed(self, user, matter):
        return bool(self.report_sides(user, matter))

    def form_kwargs(self, matter, user):
        return {"sides": self.report_sides(user, matter)}

    def step(self, matter, user, data):
        services.file_progress(
            matter,
            user=user,
            side_id=data["side"],
            period=data["period"],
            text=data["text"],
            percent_complete=data["percent_complete"],
            files=data["files"],
        )


class AddMilestoneView(MatterStepView):
    """Add a milestone (who may change the matter).

    GET answers the form (the matter page loads it when the milestones tab is shown), found as the POST finds the
    matter: whoever may not change it gets the same 404. It offers the sides that take part in the matter."""

    http_method_names = ["get", "post"]
    queryset = Matter.objects.select_related("partnership")
    form_class = forms.MilestoneForm
    anchor = "#milestones"
    done = gettext_lazy("Milestone added.")

    def form_kwargs(self, matter, user):
        return {"sides": matter.partnership.sides()}

    def get(self, request, *args, **kwargs):
        matter = self.get_object()
        taking_part = set(matter.sides.values_list("region_id", flat=True))
        form = forms.MilestoneForm(sides=[s for s in matter.partnership.sides() if s.pk in taking_part])
        address = address_of("matters:add_milestone", matter.pk)
        context = {"matter": matter, "milestone_form": form, "address": address}
        return step_form(request, "matters/milestone_add.html", context)

    def step(self, matter, user, data):
        services.add_milestone(matter, side_id=data["side"], title=data["title"], due_date=data["due_date"], user=user)


class CloseMilestoneView(MatterStepView):
    queryset = Milestone.objects.select_related("matter")
    action = Action.REPORT
    form_class = forms.CloseMilestoneForm
    anchor = "#milestones"
    conflict_message = gettext_lazy("Someone else updated this milestone meanwhile. Check it and try again.")
    done = gettext_lazy("Milestone closed.")

    def form_kwargs(self, milestone, user):
        return {"version": milestone.version}

    def step(self, milestone, user, data):
        services.close_milestone(
            milestone, user=user, done_date=data["done_date"], evidence=data["evidence"], version=data["version"]
        )


class EditMilestoneView(MatterStepView):
    """Correct a milestone's title, side or due date (who may close it may edit it).

    GET answers its forms (and the archive form, which the same people post): the matter page loads them when
    "Edit or archive" is opened (htmx: the forms alone), and without JavaScript they are a page of their own. Found
    as the POST finds the milestone: whoever may not take the step gets the same 404."""

    http_method_names = ["get", "post"]
    queryset = Milestone.objects.select_related("matter__partnership")
    action = Action.REPORT
    form_class = forms.EditMilestoneForm
    anchor = "#milestones"
    conflict_message = gettext_lazy("Someone else updated this milestone meanwhile. Check it and try again.")
    done = gettext_lazy("Milestone changed.")

    def form_kwargs(self, milestone, user):
        return {"version": milestone.version, "sides": milestone.matter.partnership.sides()}

    def get(self, request, *args, **kwargs):
        milestone = self.get_object()
        template = "matters/milestone_edit.html"
        context = {"m": milestone, "sides": milestone.matter.partnership.sides(), "nav": "matters"}
        return render(request, f"{template}#forms" if is_fragment_request(request) else template, context)

    def step(self, milestone, user, data):
        services.update_milestone(
            milestone,
            user=user,
            version=data["version"],
            title=data["title"],
            due_date=data["due_date"],
            side_id=data["side"],
        )


class ArchiveMilestoneView(MatterStepView):
    """Take a milestone off the matter with a reason; it stays in the trail."""

    queryset = Milestone.objects.select_related("matter")
    action = Action.REPORT
    form_class = forms.ArchiveMilestoneForm
    anchor = "#milestones"
    conflict_message = gettext_lazy("Someone else updated this milestone meanwhile. Check it and try again.")
    done = gettext_lazy("Milestone archived.")

    def form_kwargs(self, milestone, user):
        return {"version": milestone.version}

    def step(self, milestone, user, data):
        services.archive_milestone(milestone, user=user, reason=data["reason"], version=data["version"])


class ChangeStatusView(MatterStepView):
    queryset = Matter.objects.all()
    action = Action.VIEW  # which transition a person may make is the service's (change or approve)
    form_class = forms.StatusForm
    conflict_message = gettext_lazy("Someone else changed this matter meanwhile. Check it and try again.")
    refusal_is_403 = True

    def form_kwargs(self, matter, user):
        return {"version": matter.version}

    def step(self, matter, user, data):
        services.change_status(matter, data["status"], user=user, reason=data["reason"], version=data["version"])

    def done(self, matter):
        return _("Status changed to “%(status)s”.") % {"status": matter.get_status_display()}


class ReopenView(MatterStepView):
    """A leader or the office reopens a completed matter, saying why."""

    queryset = Matter.objects.all()
    action = Action.VIEW
    form_class = forms.ReopenForm
    conflict_message = gettext_lazy("Someone else changed this matter meanwhile. Check it and try again.")
    refusal_is_403 = True
    done = gettext_lazy("The matter is reopened; its owners carry on.")

    def form_kwargs(self, matter, user):
        return {"version": matter.version}

    def step(self, matter, user, data):
        services.reopen_matter(matter, user=user, reason=data["reason"], version=data["version"])


class AddNoteView(MatterStepView):
    queryset = Matter.objects.all()
    action = Action.VIEW
    form_class = forms.JournalForm
    anchor = "#history"
    done = gettext_lazy("Note added.")

    def step(self, matter, user, data):
        add_journal_entry(matter, author=user, text=data["text"])


# ---------------------------------------------------------------------------------------------- excel


class MatterPdfView(ListPdfMixin, MatterListView):
    """The matter list as on screen (filters, order), as a titled PDF."""

    pdf_title = gettext_lazy("Key cooperation matters")
    pdf_filename = "matters.pdf"
    rows = staticmethod(list_queryset)  # its cells (``MatterTable.value_*``) read the field and the owners


class MatterExportView(ExportView):
    queryset = Matter.objects.all()
    filterset_class = MatterFilterSet

    @property
    def filename(self) -> str:
        year = self.request.GET.get("year", "").strip()
        return f"matters-{int(year) if year.isdigit() else 'all'}.xlsx"

    def export(self, rows, partnership) -> bytes:
        return export_matters(rows, partnership)


@login_required
def import_xlsx(request):
    partnership = editable_partnership(request, request.POST.get("partnership") or request.GET.get("partnership"))
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    plan = result = None
    if request.method == "POST" and form.is_valid():
        plan = parse_import(
            form.cleaned_data["file"], partnership=partnership, year=form.cleaned_data["year"], user=request.user
        )
        if not plan.errors:
            try:
                result = apply_import(plan, user=request.user)
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, message_of(exc))
    template = "matters/import.html#result" if request.htmx else "matters/import.html"
    refused = bool(form.errors) or bool(plan and plan.errors)
    # As the registers' imports: a refused file is a 400 to a plain form post; htmx swaps only 2xx answers.
    return render(
        request,
        template,
        {
            "form": form,
            "plan": plan,
            "result": result,
            "partnership": partnership,
            "nav": "matters",
        },
        status=400 if refused and not request.htmx else 200,
    )

"""Pages of the matter list. Thin: they read through the access door and write through the services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from twincity.accounts.access import (
    can,
    is_office,
    may_act_in,
    may_report_for_side,
    partnerships_for,
)
from twincity.accounts.choices import Action
from twincity.audit.models import AuditEvent, JournalEntry, ObjectChange, with_names
from twincity.audit.services import add_journal_entry
from twincity.core.models import Attachment
from twincity.core.services import ConflictError
from twincity.core.views import ObjectListView, editable_partnership, restricted_object
from twincity.matters import forms, services
from twincity.matters.choices import TRANSITION_LABELS, TRANSITIONS, Light
from twincity.matters.excel import apply_import, export_matters, parse_import
from twincity.matters.filtersets import MatterFilterSet
from twincity.matters.health import explain
from twincity.matters.models import Matter, Milestone, ProgressReport
from twincity.matters.tables import MatterTable, list_queryset


def _message_of(exc: ValidationError | PermissionDenied) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or _("You may not do this.")


# ---------------------------------------------------------------------------------------------- list


class MatterListView(ObjectListView):
    queryset = Matter.objects.all()
    filterset_class = MatterFilterSet
    table_class = MatterTable
    template_name = "matters/matter_list.html"

    def get_queryset(self):
        return list_queryset().restrict(self.request.user, Action.VIEW)

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


def _matter(request, pk: int, action: str = Action.VIEW) -> Matter:
    return restricted_object(
        request, Matter.objects.select_related("partnership", "year_list", "field", "confirmed_by"), action, pk=pk
    )


@login_required
def matter_detail(request, pk: int):
    matter = _matter(request, pk)
    user = request.user
    today = timezone.localdate()
    matter.light = Matter.objects.with_light(today).values_list("light", flat=True).get(pk=matter.pk)
    verdict = explain(matter, today)
    partnership = matter.partnership
    sides = partnership.sides()
    owners = list(matter.owners.select_related("organisation"))
    side_records = {s.region_id: s for s in matter.sides.all()}
    milestones = list(matter.milestones.filter(archived_at__isnull=True).order_by("due_date", "pk"))
    reports = list(
        matter.reports.filter(archived_at__isnull=True)
        .select_related("organisation", "author", "side")
        .order_by("-reported_on", "-pk")
    )
    closable = set(Milestone.objects.restrict(user, Action.REPORT).filter(matter=matter).values_list("pk", flat=True))
    correctable = set(
        ProgressReport.objects.restrict(user, Action.REPORT).filter(matter=matter).values_list("pk", flat=True)
    )
    report_ct = ContentType.objects.get_for_model(ProgressReport)
    attachments: dict[int, list[Attachment]] = {}
    for a in Attachment.objects.filter(
        content_type=report_ct, object_id__in=[r.pk for r in reports], archived_at__isnull=True
    ):
        attachments.setdefault(a.object_id, []).append(a)
    for r in reports:
        r.files = attachments.get(r.pk, [])
    parity = []
    for side in sides:
        record = side_records.get(side.pk)
        side_ms = [m for m in milestones if m.side_id == side.pk]
        latest = next((r for r in reports if r.side_id == side.pk), None)
        parity.append(
            {
                "side": side,
                "record": record,
                "leads": [o.organisation for o in owners if o.side_id == side.pk and o.role == "lead"],
                "supports": [o.organisation for o in owners if o.side_id == side.pk and o.role == "support"],
                "milestones": side_ms,
                "open_overdue": [m for m in side_ms if not m.done_date and m.due_date < today],
                "latest": latest,
                "percent": record.percent_complete if record else 0,
            }
        )
    if len([p for p in parity if p["record"]]) > 1:
        top = max(p["percent"] for p in parity if p["record"])
        for p in parity:
            p["lagging"] = p["record"] is not None and (top - p["percent"] >= 20 or bool(p["open_overdue"]))
    report_sides = [s for s in sides if s.pk in side_records and may_report_for_side(user, matter, s.pk)]
    matter_ct = ContentType.objects.get_for_model(Matter)
    history = with_names(ObjectChange.objects.for_object(matter)[:200])
    events = AuditEvent.objects.filter(object_type=matter_ct, object_id=matter.pk).select_related("user")[:100]
    journal = JournalEntry.objects.filter(object_type=matter_ct, object_id=matter.pk).select_related("author")[:100]
    transitions = [
        (to, TRANSITION_LABELS[to])
        for to, action in TRANSITIONS.get(matter.status, {}).items()
        if can(user, action, matter)
    ]
    context = {
        "nav": "matters",
        "matter": matter,
        "partnership": partnership,
        "verdict": verdict,
        "light_label": Light(verdict.light).label,
        "parity": parity,
        "owners": owners,
        "milestones": milestones,
        "closable": closable,
        "correctable": correctable,
        "reports": reports,
        "entries": matter.entries.select_related("year_list").order_by("year_list__year"),
        "history": history,
        "events": events,
        "journal": journal,
        "can_change": can(user, Action.CHANGE, matter),
        "can_approve": can(user, Action.APPROVE, matter),
        "transitions": transitions,
        "progress_form": forms.ProgressForm(sides=report_sides)
        if report_sides and matter.status not in ("completed", "cancelled")
        else None,
        "milestone_form": forms.MilestoneForm(sides=[s for s in sides if s.pk in side_records]),
        "status_form": forms.StatusForm(version=matter.version),
        "journal_form": forms.JournalForm(),
        "today": today,
    }
    return render(request, "matters/matter_detail.html", context)


# ---------------------------------------------------------------------------------------------- edits


@login_required
def matter_create(request):
    partnership = editable_partnership(request, request.GET.get("partnership"))
    sides = partnership.sides()
    form = forms.MatterForm(request.POST or None, partnership=partnership, sides=sides, user=request.user, version=0)
    if request.method == "POST" and form.is_valid():
        data = {
            k: form.cleaned_data[k] for k in ("code", "title", "field", "goal", "description", "start_date", "due_date")
        }
        try:
            matter = services.create_matter(
                partnership=partnership,
                year=form.cleaned_data["year"],
                user=request.user,
                owners=form.owner_specs(),
                leaders=form.leaders(),
                **data,
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _message_of(exc))
        else:
            messages.success(
                request,
                _("Matter %(code)s added to the %(year)s list.") % {"code": matter.code, "year": matter.year_list.year},
            )
            return redirect(matter)
    return render(request, "matters/matter_form.html", {"form": form, "partnership": partnership, "nav": "matters"})


@login_required
def matter_edit(request, pk: int):
    matter = _matter(request, pk, Action.CHANGE)
    sides = matter.partnership.sides()
    form = forms.MatterForm(
        request.POST or None,
        instance=matter if request.method != "POST" else Matter.objects.get(pk=matter.pk),
        partnership=matter.partnership,
        sides=sides,
        user=request.user,
        version=matter.version,
    )
    if request.method == "POST" and form.is_valid():
        changes = {k: form.cleaned_data[k] for k in services.EDITABLE_FIELDS}
        if not changes["code"]:
            changes["code"] = matter.code
        try:
            services.update_matter(
                matter,
                user=request.user,
                version=form.cleaned_data["version"],
                owners=form.owner_specs(),
                leaders=form.leaders(),
                **changes,
            )
        except ConflictError as conflict:
            return render(
                request,
                "matters/conflict.html",
                {
                    "matter": matter,
                    "current": conflict.current,
                    "attempted": conflict.attempted,
                    "form": form,
                    "nav": "matters",
                },
                status=409,
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _message_of(exc))
        else:
            messages.success(request, _("Saved."))
            return redirect(matter)
    return render(
        request,
        "matters/matter_form.html",
        {"form": form, "matter": matter, "partnership": matter.partnership, "nav": "matters"},
    )


@login_required
@require_POST
def file_progress(request, pk: int):
    matter = _matter(request, pk)
    sides = [s for s in matter.partnership.sides() if may_report_for_side(request.user, matter, s.pk)]
    if not sides:
        raise Http404
    form = forms.ProgressForm(request.POST, request.FILES, sides=sides)
    if form.is_valid():
        try:
            services.file_progress(
                matter,
                user=request.user,
                side_id=form.cleaned_data["side"],
                period=form.cleaned_data["period"],
                text=form.cleaned_data["text"],
                percent_complete=form.cleaned_data["percent_complete"],
                files=form.cleaned_data["files"],
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _message_of(exc))
        else:
            messages.success(request, _("Progress report filed."))
    else:
        messages.error(request, _("The report was not filed: %(errors)s") % {"errors": _form_errors(form)})
    return redirect(reverse("matters:matter", args=[matter.pk]) + "#progress")


def _form_errors(form) -> str:
    return "; ".join(
        f"{form.fields[f].label if f in form.fields else ''} {' '.join(e)}".strip() for f, e in form.errors.items()
    )


@login_required
def edit_report(request, pk: int):
    """Correct a filed progress report: its side's coordinator, its unit, or the office."""
    report = restricted_object(request, ProgressReport.objects.select_related("matter"), Action.REPORT, pk=pk)
    form = forms.ReportEditForm(
        request.POST or None,
        version=report.version,
        initial={"period": report.period, "percent_complete": report.percent_complete, "text": report.text},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_progress_report(
                report,
                user=request.user,
                version=form.cleaned_data["version"],
                period=form.cleaned_data["period"],
                percent_complete=form.cleaned_data["percent_complete"],
                text=form.cleaned_data["text"],
            )
        except ConflictError:
            form.add_error(None, _("Someone else corrected this report meanwhile. Nothing was overwritten: reload it."))
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _message_of(exc))
        else:
            messages.success(request, _("Report corrected."))
            return redirect(reverse("matters:matter", args=[report.matter_id]) + "#progress")
    return render(request, "matters/report_form.html", {"form": form, "report": report, "nav": "matters"})


@login_required
@require_POST
def add_milestone(request, pk: int):
    matter = _matter(request, pk, Action.CHANGE)
    form = forms.MilestoneForm(request.POST, sides=matter.partnership.sides())
    if form.is_valid():
        try:
            services.add_milestone(
                matter,
                side_id=form.cleaned_data["side"],
                title=form.cleaned_data["title"],
                due_date=form.cleaned_data["due_date"],
                user=request.user,
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _message_of(exc))
        else:
            messages.success(request, _("Milestone added."))
    else:
        messages.error(request, _form_errors(form))
    return redirect(reverse("matters:matter", args=[matter.pk]) + "#milestones")


@login_required
@require_POST
def close_milestone(request, pk: int):
    milestone = restricted_object(request, Milestone.objects.select_related("matter"), Action.REPORT, pk=pk)
    form = forms.CloseMilestoneForm(request.POST, version=milestone.version)
    if form.is_valid():
        try:
            services.close_milestone(
                milestone,
                user=request.user,
                done_date=form.cleaned_data["done_date"],
                evidence=form.cleaned_data["evidence"],
                version=form.cleaned_data["version"],
            )
        except ConflictError:
            messages.error(request, _("Someone else updated this milestone meanwhile. Check it and try again."))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _message_of(exc))
        else:
            messages.success(request, _("Milestone closed."))
    else:
        messages.error(request, _form_errors(form))
    return redirect(reverse("matters:matter", args=[milestone.matter_id]) + "#milestones")


@login_required
@require_POST
def change_status(request, pk: int):
    matter = _matter(request, pk)
    form = forms.StatusForm(request.POST, version=matter.version)
    if form.is_valid():
        try:
            services.change_status(
                matter,
                form.cleaned_data["status"],
                user=request.user,
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data["version"],
            )
        except ConflictError:
            messages.error(request, _("Someone else changed this matter meanwhile. Check it and try again."))
        except PermissionDenied:
            raise
        except ValidationError as exc:
            messages.error(request, _message_of(exc))
        else:
            messages.success(request, _("Status changed to “%(status)s”.") % {"status": matter.get_status_display()})
    return redirect(matter)


@login_required
def roll_over(request, pk: int):
    matter = _matter(request, pk, Action.CHANGE)
    form = forms.RollOverForm(request.POST or None, initial={"to_year": matter.year_list.year + 1})
    if request.method == "POST" and form.is_valid():
        try:
            services.roll_over(
                matter,
                to_year=form.cleaned_data["to_year"],
                user=request.user,
                reason=form.cleaned_data["reason"],
                code=form.cleaned_data["code"] or None,
            )
        except ValidationError as exc:
            form.add_error(None, _message_of(exc))
        else:
            messages.success(
                request,
                _("Rolled over into the %(year)s list as %(code)s.")
                % {"year": matter.year_list.year, "code": matter.code},
            )
            return redirect(matter)
    return render(request, "matters/roll_over.html", {"form": form, "matter": matter, "nav": "matters"})


@login_required
@require_POST
def archive(request, pk: int):
    matter = _matter(request, pk, Action.CHANGE)
    services.archive_matter(matter, user=request.user)
    messages.success(
        request,
        _("Matter %(code)s archived. It stays in the history and can be found with the “archived” filter.")
        % {"code": matter.code},
    )
    return redirect(reverse("matters:list") + f"?partnership={matter.partnership_id}")


@login_required
@require_POST
def add_note(request, pk: int):
    matter = _matter(request, pk)
    form = forms.JournalForm(request.POST)
    if form.is_valid():
        add_journal_entry(matter, author=request.user, text=form.cleaned_data["text"])
        messages.success(request, _("Note added."))
    return redirect(reverse("matters:matter", args=[matter.pk]) + "#history")


# ---------------------------------------------------------------------------------------------- excel


@login_required
def export_xlsx(request):
    queryset = Matter.objects.restrict(request.user, Action.VIEW)
    filterset = MatterFilterSet(request.GET, queryset=queryset, request=request)
    if not filterset.is_valid():
        raise Http404
    partnership = filterset.form.cleaned_data.get("partnership") or next(iter(partnerships_for(request.user)), None)
    if partnership is None:
        raise Http404
    content = export_matters(filterset.qs.filter(partnership=partnership), partnership)
    year = filterset.form.cleaned_data.get("year") or "all"
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="matters-{year}.xlsx"'
    return response


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
                form.add_error(None, _message_of(exc))
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

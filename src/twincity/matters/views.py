"""Pages of the matter list. Thin: they read through the access door and write through the services."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Avg, Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from twincity.accounts.access import (
    can,
    may_act_in,
    may_report_for_side,
    partnerships_for,
    runs_an_office,
)
from twincity.accounts.choices import Action
from twincity.audit.models import AuditEvent, JournalEntry, ObjectChange, with_names
from twincity.audit.services import add_journal_entry
from twincity.core.models import Attachment
from twincity.core.services import ConflictError
from twincity.core.views import ObjectListView, editable_partnership, restricted_object
from twincity.matters import forms, services
from twincity.matters.choices import ACTIVE_STATUSES, TRANSITION_LABELS, TRANSITIONS, Light, MatterStatus
from twincity.matters.filtersets import MatterFilterSet
from twincity.matters.health import explain
from twincity.matters.models import Matter, MatterOwner, MatterSide, Milestone, ProgressReport
from twincity.matters.querysets import light_expression
from twincity.matters.tables import MatterTable
from twincity.regions.models import Partnership
from twincity.registers.registry import panels as register_panels

LIGHT_COLOURS = {Light.GREEN: "#1e8e3e", Light.YELLOW: "#e0a100", Light.RED: "#d93025", Light.GREY: "#9aa0a6"}


def _message_of(exc: ValidationError | PermissionDenied) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or _("You may not do this.")


def list_queryset():
    return (
        Matter.objects.with_light()
        .defer("search_document", "goal", "description")  # long text no list shows
        .select_related("field", "year_list")
        .prefetch_related(Prefetch("owners", queryset=MatterOwner.objects.select_related("organisation")))
    )


# ---------------------------------------------------------------------------------------------- dashboard


def _dashboard_figures(partnership, year: int, today: dt.date, user, is_en: bool, link) -> dict:
    """The dashboard's counts, lists and chart options for one partnership and year, as plain data."""
    matters = Matter.objects.restrict(user).filter(partnership=partnership, year=year, archived_at__isnull=True)
    # One pass over the year's matters gives the counts by status, light and field.
    by_status: dict[str, int] = {}
    by_light: dict[str, int] = {}
    by_field_rows = []
    for row in (
        matters.annotate(light=light_expression(today))
        .values("status", "light", "field__name", "field__name_en", "field__order")
        .annotate(n=Count("pk"))
        .order_by("field__order")
    ):
        by_status[row["status"]] = by_status.get(row["status"], 0) + row["n"]
        by_light[row["light"]] = by_light.get(row["light"], 0) + row["n"]
        by_field_rows.append(row)
    sides = partnership.sides()
    side_rows = {
        row["region"]: row
        for row in MatterSide.objects.filter(matter__in=matters)
        .values("region")
        .annotate(n=Count("matter", distinct=True), avg=Avg("percent_complete"))
        .order_by()
    }
    # Per side: open milestones past their date, the clearest sign of a lagging half.
    overdue_steps = dict(
        Milestone.objects.filter(
            matter__in=matters, archived_at__isnull=True, done_date__isnull=True, due_date__lt=today
        )
        .values_list("side")
        .annotate(n=Count("pk"))
        .order_by()
    )
    soon = today + dt.timedelta(days=30)
    base = list_queryset().restrict(user).filter(partnership=partnership, year=year, archived_at__isnull=True)
    running = base.filter(status__in=ACTIVE_STATUSES)
    # Red written as plain conditions (not the CASE), so that the (year_list, due_date) index serves it.
    overdue = running.filter(Q(due_date__lt=today) | Q(next_milestone_due__lt=today)).order_by("due_date", "code")[:10]
    due_soon = running.filter(Q(due_date__range=(today, soon)) | Q(next_milestone_due__range=(today, soon))).order_by(
        "due_date", "code"
    )[:10]
    awaiting = base.filter(completion_requested_at__isnull=False).exclude(status=MatterStatus.COMPLETED)[:10]
    total = sum(by_status.values())
    fields: dict[str, dict[str, int]] = {}
    for row in by_field_rows:
        name = (row["field__name_en"] if is_en and row["field__name_en"] else row["field__name"]) or _("(no field)")
        fields.setdefault(name, {})[row["light"]] = row["n"]
    light_order = [Light.RED, Light.YELLOW, Light.GREEN, Light.GREY]
    charts = {
        "chart-light": {
            "tooltip": {"trigger": "item"},
            "legend": {"bottom": 0},
            "series": [
                {
                    "type": "pie",
                    "radius": ["45%", "70%"],
                    "label": {"formatter": "{c}"},
                    "data": [
                        {
                            "name": str(Light(lt).label),
                            "value": by_light.get(lt, 0),
                            "itemStyle": {"color": LIGHT_COLOURS[lt]},
                        }
                        for lt in light_order
                        if by_light.get(lt)
                    ],
                }
            ],
            "tcLinks": {str(Light(lt).label): link(light=lt) for lt in light_order},
        },
        "chart-status": {
            "tooltip": {"trigger": "axis"},
            "grid": {"left": 8, "right": 16, "top": 10, "bottom": 8, "containLabel": True},
            "xAxis": {"type": "value", "minInterval": 1},
            "yAxis": {"type": "category", "inverse": True, "data": [str(s.label) for s in MatterStatus]},
            "series": [
                {
                    "type": "bar",
                    "data": [by_status.get(s, 0) for s in MatterStatus],
                    "itemStyle": {"color": "#a8242c"},
                    "label": {"show": True, "position": "right"},
                }
            ],
            "tcLinks": {str(s.label): link(status=s.value) for s in MatterStatus},
        },
        "chart-field": {
            "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
            "legend": {"bottom": 0},
            "grid": {"left": 8, "right": 16, "top": 10, "bottom": 36, "containLabel": True},
            "xAxis": {"type": "category", "data": list(fields), "axisLabel": {"interval": 0, "rotate": 30}},
            "yAxis": {"type": "value", "minInterval": 1},
            "series": [
                {
                    "name": str(Light(lt).label),
                    "type": "bar",
                    "stack": "n",
                    "itemStyle": {"color": LIGHT_COLOURS[lt]},
                    "data": [fields[f].get(lt, 0) for f in fields],
                }
                for lt in light_order
            ],
        },
        "chart-side": {
            "tooltip": {"trigger": "axis"},
            "legend": {"bottom": 0},
            "grid": {"left": 8, "right": 16, "top": 10, "bottom": 36, "containLabel": True},
            "xAxis": {"type": "category", "data": [s.label for s in sides]},
            "yAxis": [
                {"type": "value", "minInterval": 1},
                {"type": "value", "max": 100, "axisLabel": {"formatter": "{value}%"}},
            ],
            "series": [
                {
                    "name": _("Overdue milestones"),
                    "type": "bar",
                    "itemStyle": {"color": "#d93025"},
                    "data": [overdue_steps.get(s.pk, 0) for s in sides],
                },
                {
                    "name": _("Average progress (%)"),
                    "type": "line",
                    "yAxisIndex": 1,
                    "itemStyle": {"color": "#a8242c"},
                    "data": [round(side_rows.get(s.pk, {}).get("avg") or 0) for s in sides],
                },
            ],
        },
    }
    return {
        "total": total,
        "by_light": {lt: by_light.get(lt, 0) for lt in Light},
        "by_status": [(st, by_status.get(st, 0)) for st in MatterStatus],
        "overdue": _rows(overdue),
        "due_soon": _rows(due_soon),
        "awaiting": _rows(awaiting),
        "charts": charts,
    }


def _rows(matters) -> list[dict]:
    """Matters as the small lists of the dashboard show them (plain data, so that it can be cached)."""
    return [
        {
            "pk": m.pk,
            "code": m.code,
            "title": m.title,
            "light": m.light,
            "get_status_display": str(m.get_status_display()),
            "due_date": m.due_date,
            "next_milestone_due": m.next_milestone_due,
        }
        for m in matters
    ]


@login_required
def dashboard(request, pk: int):
    """The partnership at a glance: counts by status, light, field and side; what is overdue and due soon."""
    partnership = restricted_object(request, Partnership.objects.filter(archived_at__isnull=True), pk=pk)
    today = timezone.localdate()
    years = list(partnership.matter_lists.order_by("-year").values_list("year", flat=True))
    try:
        year = int(
            request.GET.get("year") or (today.year if today.year in years else (years[0] if years else today.year))
        )
    except ValueError:
        year = today.year
    is_en = (request.LANGUAGE_CODE or "").startswith("en")
    list_url = reverse("matters:list")

    def link(**params):
        query = "&".join(f"{k}={v}" for k, v in {"partnership": partnership.pk, "year": year, **params}.items())
        return f"{list_url}?{query}"

    # Every member of a partnership reads all of its matters (docs/permissions.md), so the figures are the
    # same for everyone who may open this page: they are cached per partnership, year, day and language, and
    # the key carries the partnership's change stamp, which every write of the services moves
    # (core.services.touch), so any change to a matter, a field or the thresholds shows at once.
    stamp = partnership.changed_at.isoformat() if partnership.changed_at else "-"
    parts = (partnership.pk, year, today.isoformat(), "en" if is_en else "zh", stamp)
    key = "dashboard:" + ":".join(str(p) for p in parts)
    figures = cache.get(key)
    if figures is None:
        figures = _dashboard_figures(partnership, year, today, request.user, is_en, link)
        cache.set(key, figures, 24 * 3600)
    context = {
        "nav": "dashboard",
        "partnership": partnership,
        "year": year,
        "years": sorted(set(years) | {today.year}, reverse=True),
        **figures,
        "link_red": link(light="red"),
        "link_yellow": link(light="yellow"),
        "link_green": link(light="green"),
        "link_all": link(),
        "can_add": may_act_in(request.user, Action.CHANGE, partnership.pk),
        "register_panels": register_panels(partnership, today),
    }
    return render(request, "matters/dashboard.html", context)


# ---------------------------------------------------------------------------------------------- list


class MatterListView(ObjectListView):
    queryset = Matter.objects.all()
    filterset_class = MatterFilterSet
    table_class = MatterTable
    template_name = "matters/matter_list.html"

    def get_queryset(self):
        return list_queryset().restrict(self.request.user, Action.VIEW)

    def get(self, request, *args, **kwargs):
        self.can_bulk = runs_an_office(request.user)
        return super().get(request, *args, **kwargs)

    def get_table_kwargs(self):
        return {"bulk": self.can_bulk}

    def get_extra_context(self):
        partnership_id = self.request.GET.get("partnership")
        partnerships = partnerships_for(self.request.user)
        partnership = next(
            (p for p in partnerships if str(p.pk) == partnership_id), partnerships[0] if partnerships else None
        )
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


# ---------------------------------------------------------------------------------------------- my work


@login_required
def my_work(request):
    """What is on my desk: the matters my unit or side owns, open milestones, reports due."""
    user = request.user
    today = timezone.localdate()
    mine = (
        Matter.objects.restrict(user, Action.REPORT)
        .filter(archived_at__isnull=True)
        .exclude(status__in=["completed", "cancelled"])
    )
    matters = list_queryset().filter(pk__in=mine.values("pk")).order_by("due_date", "code")
    milestones = (
        Milestone.objects.restrict(user, Action.REPORT)
        .filter(archived_at__isnull=True, done_date__isnull=True, matter__archived_at__isnull=True)
        .select_related("matter", "side")
        .order_by("due_date")[:50]
    )
    stale_since = today - dt.timedelta(days=30)
    needs_report = matters.exclude(sides__last_reported_on__gte=stale_since).distinct()[:50]
    from twincity.meetings.services import actions_for_my_work  # meetings builds on matters, not the reverse

    context = {
        "nav": "mywork",
        "matters": matters[:100],
        "milestones": milestones,
        "needs_report": needs_report,
        "meeting_actions": actions_for_my_work(user, today)[:100],
        "today": today,
    }
    return render(request, "matters/my_work.html", context)


# ---------------------------------------------------------------------------------------------- excel


@login_required
def export_xlsx(request):
    from twincity.matters.excel import export_matters

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
    from twincity.matters.excel import apply_import, parse_import

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

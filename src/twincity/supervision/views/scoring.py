"""Supervision pages: the scoring of units 绩效评价 (league table, a unit's record, export) and the office's settings.

Who sees what (docs/supervision-scoring.md): every member of the partnership sees the league table and each
row's components and formula; the cases behind a unit's score (its record) are shown to the office, the
leaders and the auditors for every unit, to a coordinator for the units of their side, and to a unit's contact
for their own unit. The outsider and other partnerships' members get a 404. The settings page is the office's.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from twincity.accounts.access import coordinated_sides, is_office, may_act_in, partnerships_for, units_of
from twincity.accounts.choices import Action
from twincity.core.services import ConflictError
from twincity.core.views import message_of
from twincity.core.xlsx import ExportBook
from twincity.regions.models import Organisation
from twincity.supervision import policy as policies
from twincity.supervision import scoring
from twincity.supervision.models import SupervisionPolicy

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SORTS = ("score", "name", "items", *scoring.COMPONENTS)


def chosen_partnership(request):
    """The partnership of ``?partnership=`` among those the user sees (else their first); 404 if none."""
    mine = partnerships_for(request.user)
    wanted = request.GET.get("partnership")
    chosen = next((p for p in mine if str(p.pk) == wanted), None) if wanted else mine[0] if mine else None
    if chosen is None:
        raise Http404
    return chosen


class PeriodForm(forms.Form):
    """The period and grouping of the league table (and of the API)."""

    start = forms.DateField(label=gettext_lazy("From"), required=False)
    end = forms.DateField(label=gettext_lazy("To"), required=False)
    by = forms.ChoiceField(label=gettext_lazy("Group by"), choices=list(scoring.GROUPINGS.items()), required=False)

    def clean(self):
        data = super().clean()
        start, end = scoring.year_period()
        data["start"] = data.get("start") or start
        data["end"] = data.get("end") or end
        data["by"] = data.get("by") or scoring.UNIT
        if data["end"] < data["start"]:
            raise ValidationError(_("The period ends before it begins."))
        if (data["end"] - data["start"]).days > 366 * 3:
            raise ValidationError(_("A period is at most three years long."))
        return data


def period_of(request) -> tuple[dt.date, dt.date, str, PeriodForm]:
    form = PeriodForm(request.GET)
    if form.is_valid():
        data = form.cleaned_data
        return data["start"], data["end"], data["by"], form
    start, end = scoring.year_period()
    return start, end, scoring.UNIT, form


def sees_all_records(user, partnership_id: int) -> bool:
    """The office, the leaders and the auditors see every unit's record."""
    return may_act_in(user, Action.APPROVE, partnership_id) or may_act_in(user, Action.AUDIT, partnership_id)


def sees_record(user, partnership, unit: Organisation) -> bool:
    """May ``user`` see the cases behind ``unit``'s score (see the module docstring)?"""
    if sees_all_records(user, partnership.pk):
        return True
    side = unit.side_for(partnership)
    if side is not None and side.pk in coordinated_sides(user, partnership.pk):
        return True
    return unit.pk in units_of(user, partnership.pk)


def _sorted(rows, sort: str):
    key, reverse_ = sort.lstrip("-"), sort.startswith("-")
    if key not in SORTS or key == "score":
        return rows if not reverse_ else list(reversed(rows))
    if key == "name":
        return sorted(rows, key=lambda r: r.name, reverse=reverse_)
    if key == "items":
        return sorted(rows, key=lambda r: r.items, reverse=not reverse_)
    present = [r for r in rows if r.components.get(key) is not None]
    absent = [r for r in rows if r.components.get(key) is None]
    return sorted(present, key=lambda r: r.components[key], reverse=not reverse_) + absent


def _charts(rows, trend_data, names) -> dict:
    scored = [r for r in rows if r.score is not None][:20]
    bar = {
        "animation": False,
        "tooltip": {},
        "grid": {"left": 40, "right": 10, "top": 10, "bottom": 80},
        "xAxis": {"type": "category", "data": [r.name for r in scored], "axisLabel": {"rotate": 40, "interval": 0}},
        "yAxis": {"type": "value", "max": 100},
        "series": [{"type": "bar", "data": [r.score for r in scored], "itemStyle": {"color": "#c0392b"}}],
    }
    line = {
        "animation": False,
        "tooltip": {"trigger": "axis"},
        "legend": {"type": "scroll", "bottom": 0},
        "grid": {"left": 40, "right": 10, "top": 10, "bottom": 50},
        "xAxis": {"type": "category", "data": trend_data["months"]},
        "yAxis": {"type": "value", "max": 100},
        "series": [
            {"type": "line", "name": names.get(key, str(key)), "data": values, "showSymbol": True, "symbolSize": 7}
            for key, values in trend_data["series"].items()
        ],
    }
    return {"chart-scores": bar, "chart-trend": line}


@login_required
def league_table(request):
    partnership = chosen_partnership(request)
    start, end, by, form = period_of(request)
    policy = SupervisionPolicy.of(partnership.pk)
    rows = scoring.score_table(partnership.pk, start=start, end=end, by=by, policy=policy)
    chosen = {int(v) for v in request.GET.getlist("trend") if v.isdigit() and len(v) < 19}  # nonsense is ignored
    keys = {r.key for r in rows if r.key in chosen} or {r.key for r in rows if r.score is not None}
    keys = set(sorted(keys, key=lambda k: next(i for i, r in enumerate(rows) if r.key == k))[:5])
    trend_data = scoring.trend(partnership.pk, start=start, end=end, by=by, keys=keys, policy=policy)
    names = {r.key: r.name for r in rows}
    sort = request.GET.get("sort", "score")
    query = {"partnership": partnership.pk, "start": start.isoformat(), "end": end.isoformat(), "by": by}
    context = {
        "nav": "supervision",
        "partnership": partnership,
        "form": form,
        "start": start,
        "end": end,
        "by": by,
        "groupings": scoring.GROUPINGS,
        "rows": _sorted(rows, sort),
        "sort": sort,
        "labels": scoring.component_labels(),
        "weights": scoring.weights(policy),
        "formula": scoring.formula_text(policy),
        "charts": _charts(rows, trend_data, names),
        "trend_keys": keys,
        "query": "&".join(f"{k}={v}" for k, v in query.items()),
        "is_office": is_office(request.user, partnership.pk),
    }
    return render(request, "supervision/score_list.html", context)


@login_required
def export(request):
    partnership = chosen_partnership(request)
    start, end, by, form = period_of(request)
    if not form.is_valid():
        raise Http404
    policy = SupervisionPolicy.of(partnership.pk)
    rows = scoring.score_table(partnership.pk, start=start, end=end, by=by, policy=policy)
    labels = scoring.component_labels()
    book = ExportBook()
    sheet = book.sheet(_("Scores"))
    sheet.append([str(partnership), f"{start.isoformat()} – {end.isoformat()}", str(scoring.GROUPINGS[by])])
    sheet.append([scoring.formula_text(policy)])
    sheet.append(
        [
            pgettext("league table", "Rank"),
            pgettext("league table", "Name"),
            _("Side"),
            _("Score"),
            *(labels[name] for name in scoring.COMPONENTS),
            _("Items"),
            _("Closed"),
            _("Closed on time"),
            _("Overdue, open"),
            _("Average delay (days)"),
            _("Feedback given"),
            _("Feedback late"),
            _("Feedback missed"),
            _("Red"),
            _("How it was computed"),
        ]
    )
    for r in rows:
        sheet.append(
            [
                r.rank,
                r.name,
                r.side,
                r.score,
                *(None if r.components[n] is None else round(r.components[n], 4) for n in scoring.COMPONENTS),
                r.items,
                r.closed,
                r.closed_on_time,
                r.overdue_open,
                r.average_delay,
                r.feedback_given,
                r.feedback_late,
                r.feedback_missed,
                r.red,
                r.formula,
            ]
        )
    response = HttpResponse(book.save(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="scores-{start.isoformat()}-{end.isoformat()}.xlsx"'
    return response


@login_required
def unit_detail(request, pk: int):
    partnership = chosen_partnership(request)
    unit = get_object_or_404(Organisation.objects.select_related("region"), pk=pk)
    if unit.side_for(partnership) is None:
        raise Http404
    start, end, _by, form = period_of(request)
    policy = SupervisionPolicy.of(partnership.pk)
    rows = scoring.score_table(partnership.pk, start=start, end=end, by=scoring.UNIT, policy=policy)
    row = next((r for r in rows if r.key == unit.pk), None)
    record = sees_record(request.user, partnership, unit)
    cases = list(scoring.unit_cases(partnership.pk, unit.pk, start=start, end=end)) if record else []
    trend_data = scoring.trend(partnership.pk, start=start, end=end, by=scoring.UNIT, keys={unit.pk}, policy=policy)
    line = _charts([], trend_data, {unit.pk: unit.display_name})["chart-trend"]
    query = f"partnership={partnership.pk}&start={start.isoformat()}&end={end.isoformat()}"
    context = {
        "nav": "supervision",
        "partnership": partnership,
        "unit": unit,
        "row": row,
        "of": len([r for r in rows if r.score is not None]),
        "record": record,
        "cases": cases,
        "start": start,
        "end": end,
        "form": form,
        "labels": scoring.component_labels(),
        "weights": scoring.weights(policy),
        "formula": scoring.formula_text(policy),
        "policy": policy,
        "charts": {"chart-trend": line},
        "query": query,
        "today": timezone.localdate(),
    }
    return render(request, "supervision/score_detail.html", context)


@login_required
def policy_edit(request, pk: int):
    partnership = next((p for p in partnerships_for(request.user) if p.pk == pk), None)
    if partnership is None or not is_office(request.user, partnership.pk):
        raise Http404
    current = SupervisionPolicy.of(partnership.pk)
    conflict = None
    if request.method == "POST":
        form = policies.PolicyForm(request.POST, instance=SupervisionPolicy.of(partnership.pk))
        if form.is_valid():
            changes = {name: form.cleaned_data[name] for name in policies.FIELDS}
            try:
                policies.update_policy(
                    partnership, user=request.user, stamp=form.cleaned_data["stamp"], changes=changes
                )
            except ConflictError as exc:
                # The editor's values stay on the form with the current stamp: compare, then save again on purpose.
                fresh = exc.current
                conflict = [
                    (form[name].label, getattr(fresh, name), form.cleaned_data[name])
                    for name in policies.FIELDS
                    if getattr(fresh, name) != form.cleaned_data[name]
                ]
                data = request.POST.copy()
                data["stamp"] = policies.stamp_of(fresh)
                form = policies.PolicyForm(data, instance=fresh)
                form.is_valid()
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, message_of(exc))
            else:
                messages.success(request, _("The supervision settings were saved."))
                return redirect(reverse("supervision:policy", args=[partnership.pk]))
    else:
        form = policies.PolicyForm(instance=current, initial={"stamp": policies.stamp_of(current)})
    sections = [(title, [form[name] for name in names]) for title, names in policies.SECTIONS]
    context = {
        "nav": "supervision",
        "partnership": partnership,
        "form": form,
        "sections": sections,
        "conflict": conflict,
        "current": current,
        "status": 409 if conflict is not None else (400 if form.is_bound else 200),
    }
    return render(request, "supervision/policy_form.html", context, status=context["status"])


urlpatterns = [
    path("scores/", league_table, name="scores"),
    path("scores/export/", export, name="scores_export"),
    path("scores/units/<int:pk>/", unit_detail, name="score_detail"),
    path("settings/<int:pk>/", policy_edit, name="policy"),
]

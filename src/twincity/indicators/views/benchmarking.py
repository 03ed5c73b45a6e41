"""Benchmarking pages of a run: charts over time, radar, gap table (with "add to the gaps register"), coupling,
industrial structure and rank intervals; each chart's numbers as xlsx or CSV; the run's printable report (PDF);
and two runs side by side."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from twincity.accounts.choices import Action
from twincity.core.views import XLSX, ObjectDetailView, StepView, restricted_object
from twincity.core.xlsx import HEADER_FILL, HEADER_FONT, ExportBook, csv_bytes
from twincity.indicators import benchmarking, runs
from twincity.indicators.choices import RunStatus
from twincity.indicators.models import IndexRun

RUNS = IndexRun.objects.select_related("framework", "partnership")


def _pair(run, request) -> tuple[int, int] | None:
    units = [int(u) for u in (run.results or {}).get("units", [])]
    sides = [int(s) for s in (run.results.get("coupling") or {}).get("sides", [])] if run.results else []
    a, b = request.GET.get("a", ""), request.GET.get("b", "")
    if a.isdigit() and b.isdigit() and int(a) in units and int(b) in units and a != b:
        return int(a), int(b)
    pair = sides[:2] if len(sides) >= 2 else units[:2]
    return (pair[0], pair[1]) if len(pair) == 2 else None


class RunBenchmarkView(ObjectDetailView):
    queryset = RUNS
    template_name = "indicators/benchmark_run.html"
    context_object_name = "run"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        run = self.object
        res = run.results or {}
        periods = res.get("periods", [])
        period = self.request.GET.get("period")
        period = period if period in periods else (periods[-1] if periods else None)
        charts = benchmarking.run_charts(run, period=period, category_set=self.request.GET.get("set", ""))
        pair = _pair(run, self.request)
        names = benchmarking.region_names(res.get("units", []))
        gaps = runs.gap_rows(run, period, *pair) if pair and period else []
        for row in gaps:
            row["behind_name"] = names.get(str(row["behind"]), "")
        return {
            **context,
            "charts": charts,
            "options": {f"chart-{c.key}": c.option for c in charts},
            "period": period,
            "periods": periods,
            "pair": [names.get(str(p), p) for p in pair] if pair else [],
            "pair_ids": pair,
            "gaps": gaps,
        }


class GapForm(forms.Form):
    code = forms.CharField(max_length=40)
    period = forms.CharField(max_length=7)
    region_a = forms.IntegerField()
    region_b = forms.IntegerField()


def _add_gap(run, user, data):
    return runs.add_gap(run, user=user, **data)


def _rows(run, key, request):
    charts = {c.key: c for c in benchmarking.run_charts(run, period=request.GET.get("period"))}
    if key == "gaps":
        pair = _pair(run, request)
        period = request.GET.get("period") or (run.results.get("periods") or [None])[-1]
        header = [_("Indicator"), _("Direction"), "A", "B", _("Normalised A"), _("Normalised B"), _("Gap")]
        rows = [
            [r["name"], "↑" if r["direction"] > 0 else "↓", r["raw_a"], r["raw_b"], r["norm_a"], r["norm_b"], r["gap"]]
            for r in (runs.gap_rows(run, period, *pair) if pair else [])
        ]
        return header, rows
    if key not in charts:
        raise Http404
    return charts[key].header, charts[key].rows


@login_required
def run_download(request, pk, key, fmt):
    """One chart's numbers (or the gap table) as xlsx or CSV."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    run = restricted_object(request, RUNS, pk=pk)
    header, rows = _rows(run, key, request)
    name = f"run{run.pk}-{key}"
    if fmt == "csv":
        response = HttpResponse(csv_bytes(header, rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    book = ExportBook()
    ws = book.sheet(key[:30])
    ws.append([ws.header(h, font=HEADER_FONT, fill=HEADER_FILL) for h in header])
    for row in rows:
        ws.append(row)
    response = HttpResponse(book.save(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@login_required
def run_report(request, pk):
    """The run's printable report: its specification, the index and dimension tables, coupling and ranks."""
    from weasyprint import HTML  # noqa: PLC0415 - WeasyPrint and its fonts load only when a PDF is made
    from weasyprint.urls import URLFetcher  # noqa: PLC0415 - WeasyPrint and its fonts load only when a PDF is made

    run = restricted_object(request, RUNS, pk=pk)
    charts = benchmarking.run_charts(run) if run.status == RunStatus.DONE else []
    html = render(
        request,
        "indicators/report_run.html",
        {"run": run, "charts": charts, "today": timezone.localdate(), "masthead": run.partnership.name},
    ).content.decode()
    pdf = HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="run{run.pk}.pdf"'
    return response


@login_required
def run_compare(request):
    """Two runs side by side: differences b − a of the index and of every normalised indicator."""
    a, b = request.GET.get("a", ""), request.GET.get("b", "")
    if not (a.isdigit() and b.isdigit()):
        raise Http404
    run_a = restricted_object(request, RUNS, pk=int(a))
    run_b = restricted_object(request, RUNS, pk=int(b))
    diff = runs.compare(run_a, run_b)
    names = benchmarking.region_names(diff["units"])
    for row in diff["rows"]:
        row["region"] = names.get(row["unit"], row["unit"])
    return render(request, "indicators/run_compare.html", {"a": run_a, "b": run_b, "diff": diff})


urls = [
    path("runs/compare/", run_compare, name="run_compare"),
    path("runs/<int:pk>/benchmark/", RunBenchmarkView.as_view(), name="run_benchmark"),
    path(
        "runs/<int:pk>/gaps/add/",
        StepView.as_view(
            queryset=RUNS,
            action=Action.VIEW,
            form_class=GapForm,
            run=_add_gap,
            done=gettext_lazy("The gap is on the gaps register."),
            entry=lambda run: reverse("indicators:run_benchmark", args=[run.pk]),
        ),
        name="run_add_gap",
    ),
    path("runs/<int:pk>/report.pdf", run_report, name="run_report"),
    path("runs/<int:pk>/download/<slug:key>.<str:fmt>", run_download, name="run_download"),
]

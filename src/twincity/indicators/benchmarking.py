"""Benchmarking (对标): what the run's pages chart, as plain tables, and the industrial-structure measures.

Every chart of the benchmarking page is built here twice over: as a table (``Chart.header``/``rows``, what the
xlsx and CSV downloads hold) and as ECharts options (rendered by ``static/twincity/app.js`` from a
``json_script`` block, with the toolbox's "save as image").

``structure_series`` and ``location_quotients`` read a data-element breakdown (``DataElement.category_set``,
e.g. 产业增加值 by sector) from the figures and use the engine's ``structure_similarity``, ``krugman_index`` and
``location_quotient``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from twincity import analytics
from twincity.indicators.models import DataElement, IndexRun
from twincity.indicators.values import element_values
from twincity.regions.models import Region

TOOLBOX = {"feature": {"saveAsImage": {"title": "PNG"}, "dataView": {"readOnly": True}}}


@dataclass
class Chart:
    key: str
    title: str
    header: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    option: dict = field(default_factory=dict)


def _round(v, k: int = 4):
    return None if v is None else round(float(v), k)


# ----------------------------------------------------------------------------- structure


def _breakdown(partnership, category_set: str) -> list[DataElement]:
    return list(
        DataElement.objects.filter(
            partnership=partnership, category_set=category_set, archived_at__isnull=True
        ).order_by("category", "code")
    )


def structure_series(partnership, category_set: str, region_a: int, region_b: int, periods: list[str]) -> list[dict]:
    """UNIDO similarity coefficient and Krugman index between two regions' sector structures, per period
    (``None`` where a sector's figure is missing): ``[{"period", "similarity", "krugman"}]``."""
    elements = _breakdown(partnership, category_set)
    values = element_values(elements, [region_a, region_b], periods)
    out = []
    for t, period in enumerate(periods):
        a = np.array([values[e.pk][t, 0] for e in elements])
        b = np.array([values[e.pk][t, 1] for e in elements])
        try:
            row = {"period": period, "similarity": analytics.structure_similarity(a, b),
                   "krugman": analytics.krugman_index(a, b)}  # fmt: skip
        except ValueError:
            row = {"period": period, "similarity": None, "krugman": None}
        out.append(row)
    return out


def location_quotients(
    partnership, category_set: str, region_ids: list[int], period: str, reference_region_ids: list[int] | None = None
) -> dict:
    """Location quotients of each region's sectors in a period against the reference regions' total (default:
    the regions together): ``{"sectors": [...], "element_ids": [...], "regions": [...], "lq": {region_id: [...]}}``
    (``None`` for a region with a missing sector)."""
    elements = _breakdown(partnership, category_set)
    ref_ids = list(reference_region_ids or [])
    ids = list(dict.fromkeys([*region_ids, *ref_ids]))
    values = element_values(elements, ids, [period])
    x = np.array([[values[e.pk][0, ids.index(r)] for e in elements] for r in ids]) if elements else np.zeros((0, 0))
    lq: dict[int, list | None] = {}
    if elements:
        ref_rows = x[[ids.index(r) for r in ref_ids]] if ref_ids else x[[ids.index(r) for r in region_ids]]
        ref_ok = ref_rows[np.all(np.isfinite(ref_rows), axis=1)]
        reference = ref_ok.sum(axis=0) if len(ref_ok) else None
        for r in region_ids:
            row = x[ids.index(r)]
            if reference is None or not np.all(np.isfinite(row)):
                lq[r] = None
                continue
            try:
                lq[r] = [float(v) for v in analytics.location_quotient(row[None, :], reference)[0]]
            except ValueError:
                lq[r] = None
    return {
        "sectors": [e.category or e.display_name for e in elements],
        "element_ids": [e.pk for e in elements],
        "regions": list(region_ids),
        "lq": lq,
    }


def category_sets(partnership) -> list[str]:
    return sorted(
        set(
            DataElement.objects.filter(partnership=partnership, archived_at__isnull=True)
            .exclude(category_set="")
            .values_list("category_set", flat=True)
        )
    )


# ----------------------------------------------------------------------------- charts of a run


def _line(title: str, x: list, series: dict[str, list], *, y_name: str = "", extra: dict | None = None) -> dict:
    return {
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "legend": {"type": "scroll", "bottom": 0},
        "toolbox": TOOLBOX,
        "grid": {"left": 50, "right": 30, "top": 50, "bottom": 64},
        "xAxis": {"type": "category", "data": x},
        "yAxis": {"type": "value", "name": y_name},
        "series": [{"name": k, "type": "line", "data": v, **(extra or {})} for k, v in series.items()],
    }


def region_names(ids) -> dict[str, str]:
    return {str(r.pk): r.label for r in Region.objects.filter(pk__in=[int(i) for i in ids])}


def run_charts(run: IndexRun, *, period: str | None = None, category_set: str = "") -> list[Chart]:
    """The benchmarking page's charts of a finished run."""
    res = run.results or {}
    if not res.get("scores"):
        return []
    units, periods = res["units"], res["periods"]
    names = region_names(units)
    period = period if period in periods else periods[-1]
    t = periods.index(period)
    charts = []
    # the index and each dimension over time
    # Names are labels, not part of the computation: the framework's nodes name the groups in the reader's language.
    group_names = {g["code"]: g.get("name") or g["code"] for g in run.spec.get("groups", [])}
    group_names.update({n.code: n.display_name for n in run.framework.nodes.filter(indicator__isnull=True)})
    for code in [res["root"], *res["dimensions"]]:
        title = _("Index") if code == res["root"] else group_names.get(code, code)
        scores = res["scores"][code]
        series = {names[u]: [_round(scores[k][i]) for k in range(len(periods))] for i, u in enumerate(units)}
        chart = Chart(f"score-{code}", f"{title} ({code})", [_("Period"), *series.keys()])
        chart.rows = [[p, *[series[n][k] for n in series]] for k, p in enumerate(periods)]
        chart.option = _line(chart.title, periods, series)
        charts.append(chart)
    # radar of the dimensions in a period
    dims = res["dimensions"]
    if len(dims) >= 2:
        labels = [group_names.get(d, d) for d in dims]
        radar = Chart("radar", _("Dimensions in %(period)s") % {"period": period}, [_("Region"), *labels])
        radar.rows = [[names[u], *[_round(res["scores"][d][t][i]) for d in dims]] for i, u in enumerate(units)]
        radar.option = {
            "title": {"text": radar.title, "left": "center", "textStyle": {"fontSize": 14}},
            "tooltip": {},
            "legend": {"type": "scroll", "bottom": 0},
            "toolbox": TOOLBOX,
            "radar": {"indicator": [{"name": d, "max": 1, "min": 0} for d in labels]},
            "series": [{"type": "radar", "data": [{"name": r[0], "value": r[1:]} for r in radar.rows]}],
        }
        if len(dims) < 3:  # a radar of two axes is a line: bars say the same plainly
            radar.option.pop("radar")
            radar.option.update({"xAxis": {"type": "category", "data": labels}, "yAxis": {"type": "value", "max": 1}})
            radar.option["series"] = [{"name": r[0], "type": "bar", "data": r[1:]} for r in radar.rows]
        charts.append(radar)
    # coupling coordination between the sides
    coupling = res.get("coupling")
    if coupling:
        variant = run.spec.get("coupling", {}).get("variant", "corrected")
        data = coupling["variants"][variant]
        chart = Chart(
            "coupling",
            _("Coupling coordination of the two sides (%(variant)s)")
            % {"variant": _("corrected, Wang et al. 2021") if variant == "corrected" else _("traditional")},
            [_("Period"), "C", "T", "D", _("Class"), _("Lagging side")],
        )
        lag = coupling["lagging"]
        english = (get_language() or "").startswith("en")
        classes = data["class_en"] if english else data["class_zh"]
        chart.rows = [
            [p, _round(data["C"][k]), _round(data["T"][k]), _round(data["D"][k]), classes[k] or "",
             names.get(lag[k], "") if lag[k] else ""]
            for k, p in enumerate(periods)
        ]  # fmt: skip
        option = _line(chart.title, periods, {"C": [r[1] for r in chart.rows], "T": [r[2] for r in chart.rows],
                                              "D": [r[3] for r in chart.rows]})  # fmt: skip
        option["yAxis"].update({"min": 0, "max": 1})
        last = len(chart.rows) - 1

        def label(k, row):  # the class at the first and the last period: the story without crowding the chart
            if k not in (0, last):
                return {"value": row[3]}
            text = row[4] + ("\n" + _("%(side)s lags") % {"side": row[5]} if row[5] else "")
            return {"value": row[3], "label": {"show": True, "position": "bottom", "formatter": text}}

        option["series"][2]["data"] = [label(k, r) for k, r in enumerate(chart.rows)]
        option["series"][2]["markArea"] = {
            "silent": True,
            "itemStyle": {"opacity": 0.06},
            "label": {"position": "insideRight", "fontSize": 10, "color": "#6c757d"},
            "data": [[{"yAxis": round(0.1 * k, 1), "name": en if english else zh},
                      {"yAxis": round(0.1 * (k + 1), 1)}]
                     for k, (zh, en) in enumerate(analytics.TEN_LEVELS) if k % 2 == 0],
        }  # fmt: skip
        chart.option = option
        charts.append(chart)
    # rank uncertainty of the period
    ru = res.get("rank_uncertainty") or {}
    if ru.get("p05") and ru["p05"][t] and ru["p05"][t][0] is not None:
        chart = Chart(
            "ranks",
            _("Rank with its 5–95 %% interval in %(period)s") % {"period": period},
            [_("Region"), _("Rank (1 = best)"), "5%", "95%"],
        )
        chart.rows = [[names[u], ru["nominal"][t][i], ru["p05"][t][i], ru["p95"][t][i]] for i, u in enumerate(units)]
        chart.option = {
            "title": {"text": chart.title, "left": "center", "textStyle": {"fontSize": 14}},
            "tooltip": {"trigger": "axis"},
            "toolbox": TOOLBOX,
            "xAxis": {"type": "category", "data": [r[0] for r in chart.rows]},
            "yAxis": {"type": "value", "inverse": True, "min": 1, "name": _("Rank (1 = best)")},
            "series": [
                {"name": _("Rank (1 = best)"), "type": "scatter", "data": [r[1] for r in chart.rows], "symbolSize": 12},
                {"name": "5–95 %", "type": "candlestick",
                 "data": [[r[2], r[3], r[2], r[3]] for r in chart.rows], "barWidth": 4},
            ],
        }  # fmt: skip
        charts.append(chart)
    # industrial structure
    sets = category_sets(run.partnership)
    # By default the finest breakdown: three sectors hide the industries two areas compete for.
    category_set = (
        category_set
        if category_set in sets
        else max(sets, key=lambda c: len(_breakdown(run.partnership, c)), default="")
    )
    sides = [int(s) for s in coupling["sides"]] if coupling else [int(u) for u in units[:2]]
    if category_set and len(sides) >= 2:
        series = structure_series(run.partnership, category_set, sides[0], sides[1], periods)
        chart = Chart(
            "structure", _("Industrial structure: %(set)s") % {"set": category_set},
            [_("Period"), _("Similarity coefficient"), _("Krugman index")],
        )  # fmt: skip
        chart.rows = [[r["period"], _round(r["similarity"]), _round(r["krugman"])] for r in series]
        chart.option = _line(chart.title, periods, {_("Similarity coefficient"): [r[1] for r in chart.rows],
                                                    _("Krugman index"): [r[2] for r in chart.rows]})  # fmt: skip
        charts.append(chart)
        lq = location_quotients(run.partnership, category_set, [int(u) for u in units], period)
        chart = Chart("lq", _("Location quotients in %(period)s") % {"period": period}, [_("Sector"), *names.values()])
        chart.rows = [
            [sector, *[_round(lq["lq"][int(u)][k]) if lq["lq"].get(int(u)) else None for u in units]]
            for k, sector in enumerate(lq["sectors"])
        ]
        chart.option = {
            "title": {"text": chart.title, "left": "center", "textStyle": {"fontSize": 14}},
            "tooltip": {"trigger": "axis"},
            "legend": {"type": "scroll", "bottom": 0},
            "toolbox": TOOLBOX,
            "xAxis": {"type": "category", "data": lq["sectors"]},
            "yAxis": {"type": "value", "name": "LQ"},
            "series": [
                {"name": names[u], "type": "bar", "data": [r[1 + i] for r in chart.rows]} for i, u in enumerate(units)
            ],
        }
        charts.append(chart)
    return charts

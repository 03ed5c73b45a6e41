"""Index runs (测算): a framework's specification, the figures it read, the engine's results — and frozen once
published.

* ``build_spec`` turns a framework's tree into the engine's ``IndexSpec`` dict (levels counted from the leaves:
  indicator 1, dimension 2, index 3; uneven trees take their height) plus our own keys: ``regions``,
  ``periods``, ``panel``, ``framework`` (id, code, version), ``final_only``, ``indicator_ids`` and the
  ``uncertainty`` and ``coupling`` options.
* ``start_run`` records a run (QUEUED) and executes it; ``execute_run`` reads the indicator values of the run's
  regions and the reference panel's (``values.indicator_values``), keeps them as ``run.inputs`` and stores
  ``compute(spec, inputs)`` as ``run.results``.
* ``compute`` is pure (spec and inputs in, results out): the engine's ``IndexResult.to_dict()`` (without
  ``weighted``: normalised × effective weights; the raw values are the inputs), the **coupling coordination**
  between the partnership's two sides and between each side's dimensions (both variants), and the **rank
  uncertainty** (5–95 % rank intervals, seeded by the run). Normalised values are kept to 6 decimals (the pages
  show 3; the scores keep full precision).
  ``regenerate`` calls it again on the stored spec and inputs: a published run can be recomputed exactly.
* ``publish_run`` is the office's; a published run refuses every later write (``execute_run``, ``publish_run``).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.tasks import task
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, override
from django.utils.translation import gettext as _

from twincity import analytics
from twincity.accounts.access import require_in
from twincity.accounts.choices import Action
from twincity.audit.context import acting
from twincity.audit.services import log_event
from twincity.core import registry
from twincity.core.services import lock, save_fields
from twincity.core.text import plain
from twincity.indicators import jobs
from twincity.indicators.choices import Aggregation, Event, JobKind, Normalisation, RunStatus, Weighting
from twincity.indicators.models import Framework, GapSource, IndexRun, Indicator, Job, ReferencePanel
from twincity.indicators.values import indicator_values
from twincity.visits.services import create_gap

RUNS_OFFICE_ONLY = gettext_lazy("Only the office starts and publishes index runs.")
FROZEN = gettext_lazy("This run is published: it is frozen and cannot change. Rerun it on today's data instead.")
DRAWS = 500
COUPLING_VARIANTS = ("traditional", "corrected")
# Above this many values (units × periods × indicators) a run goes to the background worker unless told otherwise.
BACKGROUND_VALUES = 1_000_000


# ----------------------------------------------------------------------------- the specification


def _tree(framework: Framework) -> tuple[Any, dict, dict]:
    nodes = list(framework.nodes.select_related("indicator").order_by("order", "pk"))
    if not nodes:
        raise ValidationError(_("The framework has no nodes yet."))
    kids: dict[int | None, list] = {}
    for n in nodes:
        kids.setdefault(n.parent_id, []).append(n)
    roots = kids.get(None, [])
    if len(roots) != 1:
        raise ValidationError(_("A framework needs exactly one index at its top."))
    heights: dict[int, int] = {}

    def height(node) -> int:
        children = kids.get(node.pk, [])
        if not children:
            if node.indicator_id is None:
                raise ValidationError(
                    _("The node “%(code)s” has neither an indicator nor nodes under it.") % {"code": node.code}
                )
            heights[node.pk] = 1
        else:
            heights[node.pk] = 1 + max(height(c) for c in children)
        return heights[node.pk]

    height(roots[0])
    if heights[roots[0].pk] < 2:
        raise ValidationError(_("The framework's index has no indicators under it."))
    return roots[0], kids, heights


def build_spec(
    framework: Framework,
    *,
    region_ids: list[int],
    periods: list[str],
    panel: ReferencePanel | None = None,
    options: dict | None = None,
) -> dict:
    """The run's specification: the engine's ``IndexSpec`` dict from the framework's tree and ``options``
    (``normalization``, ``weighting``, ``aggregation``: a method or a per-level dict; ``fit_on``: pooled or
    period; ``final_only``; ``coupling_variant``; ``min_reference``) plus the run's own keys."""
    options = dict(options or {})
    region_ids = [int(r) for r in dict.fromkeys(region_ids)]
    periods = sorted(dict.fromkeys(str(p) for p in periods))
    if len(region_ids) < 2:
        raise ValidationError({"regions": _("Choose two regions or more.")})
    if not periods:
        raise ValidationError({"periods": _("Choose at least one period.")})
    root, kids, heights = _tree(framework)
    indicators, groups, indicator_ids = [], [], {}
    node_code: dict[int, str] = {}
    order = []

    def walk(node, parent_code):
        order.append((node, parent_code))
        for child in kids.get(node.pk, []):
            walk(child, node_code.setdefault(node.pk, node.code))

    node_code[root.pk] = root.code
    walk(root, None)
    for node, parent_code in order:
        weight = float(node.weight)
        if heights[node.pk] == 1:
            code = node.indicator.code
            if code in indicator_ids:
                raise ValidationError(_("The indicator “%(code)s” appears twice in the framework.") % {"code": code})
            indicator_ids[code] = node.indicator_id
            indicators.append(
                {
                    "code": code,
                    "name": node.indicator.name,
                    "parent": parent_code,
                    "level": 1,
                    "direction": int(node.direction),
                    "weight": weight,
                }
            )
        else:
            groups.append(
                {
                    "code": node.code,
                    "name": node.name,
                    "parent": parent_code,
                    "level": heights[node.pk],
                    "direction": 1,
                    "weight": weight,
                }
            )
    clash = set(indicator_ids) & {g["code"] for g in groups}
    if clash:
        raise ValidationError(
            _("A dimension has the code of an indicator: %(codes)s.") % {"codes": ", ".join(sorted(clash))}
        )

    def per_level(key: str, choices, default: str) -> dict:
        value = options.get(key) or default
        table = dict(value) if isinstance(value, dict) else {"default": value}
        for v in table.values():
            if v not in choices.values:
                raise ValidationError({key: _("Unknown method “%(m)s”.") % {"m": v}})
        return {str(k): v for k, v in table.items()}

    norm = options.get("normalization") or Normalisation.MINMAX
    if isinstance(norm, str):
        norm = {"method": norm, "scale": [0.0, 1.0]}
    if norm.get("method") not in Normalisation.values:
        raise ValidationError({"normalization": _("Unknown method “%(m)s”.") % {"m": norm.get("method")}})
    panel_ids = sorted(panel.regions.values_list("pk", flat=True)) if panel is not None else []
    units = [str(r) for r in dict.fromkeys([*region_ids, *panel_ids])]
    fit_units = [str(r) for r in panel_ids] if panel_ids else [str(r) for r in region_ids]
    fit_on = options.get("fit_on") or "pooled"
    if fit_on not in ("pooled", "period"):
        raise ValidationError({"fit_on": _("Fit on all years pooled or on each period.")})
    variant = options.get("coupling_variant") or "corrected"
    if variant not in COUPLING_VARIANTS:
        raise ValidationError({"coupling_variant": _("Choose the traditional or the corrected variant.")})
    spec = {
        "name": framework.code,
        "indicators": indicators,
        "groups": groups,
        "normalization": norm,
        "weighting": per_level("weighting", Weighting, Weighting.FIXED),
        "aggregation": per_level("aggregation", Aggregation, Aggregation.ARITHMETIC),
        "fit": {"on": fit_on, "units": fit_units, "periods": None},
        "min_reference": int(options.get("min_reference", 3)),
        "report_units": [str(r) for r in region_ids],
        # ours
        "regions": region_ids,
        "periods": periods,
        "units": units,
        "panel": panel.pk if panel is not None else None,
        "framework": {"id": framework.pk, "code": framework.code, "version": framework.version},
        "final_only": bool(options.get("final_only", False)),
        "indicator_ids": indicator_ids,
        "coupling": {"variant": variant, "sides": []},
        # 500 draws; 200 for more than 100 regions (the intervals' ends move by less than a rank; the run stays fast)
        "uncertainty": {
            "draws": int(options.get("draws", DRAWS if len(region_ids) <= 100 else 200)),
            "seed": None,
            "noise": 0.25,
        },
    }
    try:
        analytics.IndexSpec.from_dict(engine_spec(spec))
    except (TypeError, ValueError) as exc:
        raise ValidationError(_("The framework cannot be run: %(error)s") % {"error": exc}) from exc
    return spec


ENGINE_KEYS = (
    "name", "indicators", "groups", "normalization", "weighting", "aggregation", "fit", "min_reference",
    "report_units",
)  # fmt: skip


def engine_spec(spec: dict) -> dict:
    """The part of a run's spec the engine reads (``IndexSpec.from_dict``)."""
    return {k: spec[k] for k in ENGINE_KEYS}


# ----------------------------------------------------------------------------- computing


def _clean(a) -> Any:
    """An array as nested lists of floats with NaN and infinities as None (JSON null), vectorised."""
    a = np.asarray(a, dtype=np.float64)
    if a.ndim == 0:
        v = float(a)
        return v if math.isfinite(v) else None
    bad = ~np.isfinite(a)
    if not bad.any():
        return a.tolist()
    obj = a.astype(object)
    obj[bad] = None
    return obj.tolist()


def _to_dict(result) -> dict:
    """``IndexResult.to_dict()`` without ``weighted`` (normalised × effective weights: derivable, and as large as
    the inputs), with the same keys and values otherwise (NaN as null)."""
    return {
        "spec": result.spec.to_dict(),
        "data_sha256": result.data_sha256,
        "periods": list(result.periods),
        "units": list(result.units),
        "indicators": list(result.indicators),
        "normalised": _clean(np.round(result.normalised, 6)),
        "scores": {k: _clean(v) for k, v in result.scores.items()},
        "group_weights": {k: _clean(v) for k, v in result.group_weights.items()},
        "group_children": result.group_children,
        "effective_weights": _clean(result.effective_weights),
    }


def _array(nested) -> np.ndarray:
    return np.array(nested if nested else [], dtype=np.float64)  # None (JSON null) becomes NaN


def _coupling(U: np.ndarray, variant: str) -> dict | None:
    """C, T, D and the class of each column of ``U`` (systems, k); None where a score is missing or off [0, 1]."""
    _n, k = U.shape
    out = {"C": [None] * k, "T": [None] * k, "D": [None] * k, "class_code": [None] * k, "class_zh": [None] * k,
           "class_en": [None] * k}  # fmt: skip
    ok = np.all(np.isfinite(U), axis=0) & np.all((U >= 0) & (U <= 1), axis=0)
    if not ok.any():
        return out
    c, t, d = analytics.coupling_coordination(U[:, ok], variant=variant)
    cls = analytics.coordination_class(d)
    for j, col in enumerate(np.flatnonzero(ok)):
        out["C"][col], out["T"][col], out["D"][col] = float(c[j]), float(t[j]), float(d[j])
        out["class_code"][col] = int(cls.codes[j])
        out["class_zh"][col], out["class_en"][col] = str(cls.name_zh[j]), str(cls.name_en[j])
    return out


def compute(spec: dict, inputs: dict) -> dict:
    """The results of a run from its spec and its inputs alone (pure; raises ``ValueError`` as the engine does)."""
    values = _array(inputs["values"])
    panel = analytics.Panel(
        values=values.reshape(len(inputs["periods"]), len(inputs["units"]), len(inputs["indicators"])),
        periods=list(inputs["periods"]),
        units=list(inputs["units"]),
        indicators=list(inputs["indicators"]),
    )
    result = analytics.run_index(engine_spec(spec), panel)
    out = _to_dict(result)
    groups = spec["groups"]
    root = next(g["code"] for g in groups if g["parent"] is None)
    dims = [g["code"] for g in groups if g["parent"] == root]
    out["root"], out["dimensions"] = root, dims
    units = out["units"]
    index = result.scores[root]  # (periods, units)
    # coupling between the sides (the partnership's two sides, when both are reported)
    sides = [str(s) for s in spec.get("coupling", {}).get("sides", []) if str(s) in units]
    between = None
    if len(sides) >= 2:
        U = np.stack([index[:, units.index(s)] for s in sides])
        between = {"sides": sides, "variants": {v: _coupling(U, v) for v in COUPLING_VARIANTS}}
        lag = []
        for t in range(U.shape[1]):
            col = U[:, t]
            lag.append(sides[int(np.argmin(col))] if np.all(np.isfinite(col)) and col.max() > col.min() else None)
        between["lagging"] = lag
    out["coupling"] = between
    within = {}
    if len(dims) >= 2:
        for s in sides or units[:2]:
            U = np.stack([result.scores[d][:, units.index(s)] for d in dims])
            within[s] = {v: _coupling(U, v) for v in COUPLING_VARIANTS}
    out["coupling_dimensions"] = within
    out["rank_uncertainty"] = _uncertainty(spec, result)
    return out


def _uncertainty(spec: dict, result) -> dict:
    """5–95 % rank intervals per region and period (Monte-Carlo weights, seeded by the run)."""
    unc = spec.get("uncertainty") or {}
    seed = unc.get("seed")
    eff = result.effective_weights
    d = np.array([n.direction for n in result.spec.indicators], dtype=np.float64)
    rows: dict[str, Any] = {"p05": [], "p95": [], "median": [], "nominal": [], "messages": []}
    for t, _p in enumerate(result.periods):
        x = result.raw[t]
        w = eff if eff.ndim == 1 else eff[t]
        keep = np.all(np.isfinite(x), axis=0) & (np.nanmax(x, axis=0) > np.nanmin(x, axis=0))
        try:
            if keep.sum() == 0 or x.shape[0] < 2 or not np.all(np.isfinite(x[:, keep])):
                raise ValueError("no complete indicator")
            ru = analytics.rank_uncertainty(
                x[:, keep], d[keep], weights=w[keep] if w[keep].sum() > 0 else None,
                n_draws=int(unc.get("draws", DRAWS)), weight_noise=float(unc.get("noise", 0.25)),
                seed=None if seed is None else int(seed) * 1000 + t,
            )  # fmt: skip
        except ValueError as exc:
            for key in ("p05", "p95", "median", "nominal"):
                rows[key].append([None] * x.shape[0])
            rows["messages"].append(str(exc))
            continue
        rows["p05"].append(_clean(ru.p05_rank))
        rows["p95"].append(_clean(ru.p95_rank))
        rows["median"].append(_clean(ru.median_rank))
        rows["nominal"].append(_clean(ru.nominal_rank))
        rows["messages"].append("")
    return rows


def _sha(inputs: dict) -> str:
    return hashlib.sha256(json.dumps(inputs, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def collect_inputs(run: IndexRun) -> dict:
    """The indicator values the run reads, as JSON: region ids (as text), periods, indicator codes, values."""
    spec = run.spec
    codes = [n["code"] for n in spec["indicators"]]
    by_id = Indicator.objects.select_related("numerator", "denominator").in_bulk(spec["indicator_ids"].values())
    indicators = [by_id[spec["indicator_ids"][c]] for c in codes]
    units = [int(u) for u in spec["units"]]
    values = indicator_values(indicators, units, spec["periods"], final_only=spec.get("final_only", False))
    return {"units": spec["units"], "periods": spec["periods"], "indicators": codes, "values": _clean(values)}


def readable(exc: Exception, codes: list[str] | None = None) -> str:
    """The engine's refusal in the user's words (``indicator 3`` named by its code when ``codes`` are given)."""

    text = str(exc)
    if codes:
        text = re.sub(
            r"indicator (\d+)", lambda m: f"indicator {codes[int(m[1])]}" if int(m[1]) < len(codes) else m[0], text
        )
    if "observation(s) per fit" in text:
        return _(
            "The reference panel is too small: the scores would be fitted on too few regions. Choose a reference "
            "panel of more regions, or fit on all years pooled. (%(detail)s)"
        ) % {"detail": text}
    if "is constant over the units used for the bounds" in text:
        code = re.search(r"indicator (\S+) is constant", text)
        return _(
            "The indicator %(code)s has one and the same value (or a single figure) across the reference panel in "
            "these periods, so it cannot be scaled: enter the panel regions' figures for it, choose another panel "
            "or other periods. (%(detail)s)"
        ) % {"code": code[1] if code else "?", "detail": text}
    if "NaN" in text or "missing" in text:
        return _("Some figures are missing for this run: %(detail)s") % {"detail": text}
    return _("The run could not be computed: %(detail)s") % {"detail": text}


# ----------------------------------------------------------------------------- services


def _refuse_frozen(run: IndexRun) -> None:
    if run.published_at is not None:
        raise ValidationError(FROZEN)


def start_run(
    partnership,
    framework: Framework,
    *,
    title: str,
    region_ids: list[int],
    periods: list[str],
    panel: ReferencePanel | None = None,
    options: dict | None = None,
    user,
    background: bool | None = None,
) -> IndexRun:
    """Record a run (the office) and execute it: now, or by the background worker (``indicators.jobs``, task
    ``runs.index_run``) when ``background`` is true, or when it is None and the run reads more than
    ``BACKGROUND_VALUES`` values. A background run stays QUEUED with ``spec["job"]`` naming its job."""
    require_in(user, Action.ADMINISTER, partnership.pk, RUNS_OFFICE_ONLY)
    if framework.partnership_id != partnership.pk or (panel is not None and panel.partnership_id != partnership.pk):
        raise ValidationError(_("Choose a framework and a reference panel of this partnership."))
    title = plain(title).strip()
    if not title:
        raise ValidationError({"title": _("Give the run a title.")})
    with transaction.atomic():
        spec = build_spec(framework, region_ids=region_ids, periods=periods, panel=panel, options=options)
        spec["coupling"]["sides"] = [s.pk for s in partnership.sides()]
        run = IndexRun(partnership=partnership, framework=framework, title=title, spec=spec, created_by=user)
        run.full_clean()
        run.save()
        run.spec["uncertainty"]["seed"] = run.pk
        save_fields(run, ["spec"])
        log_event(Event.RUN_STARTED, run, user=user)
        size = len(spec["units"]) * len(spec["periods"]) * len(spec["indicators"])
        if background or (background is None and size > BACKGROUND_VALUES):
            job = jobs.start(partnership, JobKind.RUN, title, user, {"run": run.pk, "language": get_language()})
            run.spec["job"] = job.pk
            save_fields(run, ["spec"])
            transaction.on_commit(lambda: index_run.enqueue(job.pk))
            return run
    execute_run(run, user=user)
    return run


def run_job(job_id: int) -> dict:
    """The background worker's part (and the tests'): execute the job's run, with progress and cancel."""

    job = Job.objects.select_related("created_by").get(pk=job_id)
    run = IndexRun.objects.get(pk=job.params["run"])
    with override(job.params.get("language") or None), acting(job.created_by):
        jobs.progress(job, 0, 1)
        if jobs.cancelled(job):
            if run.status == RunStatus.QUEUED:
                run.status = RunStatus.CANCELLED
                save_fields(run, ["status"])
            jobs.mark_cancelled(job)
            return {"run": run.pk, "status": RunStatus.CANCELLED}
        try:
            run = execute_run(run, user=job.created_by)
        except Exception:
            jobs.fail(job, _("The index run failed unexpectedly. The administrator has the details."))
            raise
        jobs.progress(job, 1, 1)
        result = {"run": run.pk, "status": run.status}
        if run.status == RunStatus.FAILED:
            jobs.fail(job, run.error)
        else:
            jobs.finish(job, result=result)
        return result


@task
def index_run(job_id: int) -> dict:
    """Execute a large index run in the background (``twincity db_worker``)."""

    try:
        return run_job(job_id)
    finally:
        jobs.close_side_connection()


def execute_run(run: IndexRun, *, user=None) -> IndexRun:
    """Read the inputs, compute, store: DONE with results, or FAILED with a readable message."""
    with transaction.atomic():
        run = lock(run)
        _refuse_frozen(run)
        run.status, run.started_at = RunStatus.RUNNING, timezone.now()
        run.inputs = collect_inputs(run)
        try:
            run.results = compute(run.spec, run.inputs)
        except ValueError as exc:
            codes = [n["code"] for n in run.spec["indicators"]]
            run.results, run.status, run.error = {}, RunStatus.FAILED, readable(exc, codes)
        else:
            run.status, run.error = RunStatus.DONE, ""
        # the engine's fingerprint of the panel it read (periods, units, indicators, values), else the inputs' own
        run.data_sha256 = run.results.get("data_sha256") or _sha(run.inputs)
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "started_at", "inputs", "results", "error", "data_sha256", "finished_at"])
        log_event(Event.RUN_FINISHED, run, user=user, message=run.error)
    return run


def publish_run(run: IndexRun, *, user) -> IndexRun:
    """Publish a finished run (the office): frozen from now on."""
    require_in(user, Action.ADMINISTER, run.partnership_id, RUNS_OFFICE_ONLY)
    with transaction.atomic():
        run = lock(run)
        _refuse_frozen(run)
        if run.status != RunStatus.DONE:
            raise ValidationError(_("Only a finished run can be published."))
        run.published_at, run.published_by = timezone.now(), user
        run.version += 1  # a step of the run's own state moves its version
        save_fields(run, ["published_at", "published_by", "version"])
        log_event(Event.RUN_PUBLISHED, run, user=user)
    return run


def regenerate(run: IndexRun) -> dict:
    """The run's results recomputed from its stored spec and inputs only (no figure is read)."""
    return compute(run.spec, run.inputs)


def rerun(run: IndexRun, *, user) -> IndexRun:
    """A new run with the same choices on today's figures."""
    spec = run.spec
    panel = ReferencePanel.objects.filter(pk=spec.get("panel")).first() if spec.get("panel") else None
    options = {
        "normalization": spec["normalization"],
        "weighting": spec["weighting"],
        "aggregation": spec["aggregation"],
        "fit_on": spec["fit"]["on"],
        "final_only": spec.get("final_only", False),
        "coupling_variant": spec.get("coupling", {}).get("variant", "corrected"),
        "min_reference": spec.get("min_reference", 3),
    }
    return start_run(
        run.partnership, run.framework, title=_("%(title)s (rerun)") % {"title": run.title},
        region_ids=spec["regions"], periods=spec["periods"], panel=panel, options=options, user=user,
    )  # fmt: skip


# ----------------------------------------------------------------------------- reading results


def index_of(results: dict) -> dict:
    """Positions of units, periods and indicators in a run's results."""
    return {
        "unit": {u: i for i, u in enumerate(results.get("units", []))},
        "period": {p: i for i, p in enumerate(results.get("periods", []))},
        "indicator": {c: i for i, c in enumerate(results.get("indicators", []))},
    }


def compare(run_a: IndexRun, run_b: IndexRun) -> dict:
    """Differences b − a per region, period and indicator (normalised values) and of the index, where both
    runs have them."""
    ra, rb = run_a.results or {}, run_b.results or {}
    ia, ib = index_of(ra), index_of(rb)
    units = [u for u in ra.get("units", []) if u in ib["unit"]]
    periods = [p for p in ra.get("periods", []) if p in ib["period"]]
    codes = [c for c in ra.get("indicators", []) if c in ib["indicator"]]
    rows = []
    for p in periods:
        for u in units:
            sa = ra["scores"][ra["root"]][ia["period"][p]][ia["unit"][u]]
            sb = rb["scores"][rb["root"]][ib["period"][p]][ib["unit"][u]]
            rows.append({"period": p, "unit": u, "code": None, "a": sa, "b": sb, "diff": _diff(sa, sb)})
            for c in codes:
                va = ra["normalised"][ia["period"][p]][ia["unit"][u]][ia["indicator"][c]]
                vb = rb["normalised"][ib["period"][p]][ib["unit"][u]][ib["indicator"][c]]
                rows.append({"period": p, "unit": u, "code": c, "a": va, "b": vb, "diff": _diff(va, vb)})
    return {"units": units, "periods": periods, "indicators": codes, "rows": rows}


def _diff(a, b):
    return None if a is None or b is None else b - a


def gap_rows(run: IndexRun, period: str, region_a: int, region_b: int) -> list[dict]:
    """Each indicator's normalised gap between two regions in a period (higher is better after normalising),
    largest first: code, name, direction, raw and normalised values of each, the gap and the region behind."""
    res = run.results or {}
    ix = index_of(res)
    a, b = str(region_a), str(region_b)
    if period not in ix["period"] or a not in ix["unit"] or b not in ix["unit"]:
        return []
    t, ua, ub = ix["period"][period], ix["unit"][a], ix["unit"][b]
    raw, units = run.inputs["values"], run.inputs["units"]  # the inputs' periods are the results' periods
    nodes = {n["code"]: n for n in res["spec"]["indicators"]}
    names = dict(Indicator.objects.filter(pk__in=run.spec["indicator_ids"].values()).values_list("code", "name"))
    rows = []
    for code, j in ix["indicator"].items():
        na, nb = res["normalised"][t][ua][j], res["normalised"][t][ub][j]
        if na is None or nb is None:
            continue
        gap = na - nb
        rows.append(
            {
                "code": code,
                "indicator_id": run.spec["indicator_ids"][code],
                "name": names.get(code, code),
                "direction": nodes[code]["direction"],
                "raw_a": raw[t][units.index(a)][j],
                "raw_b": raw[t][units.index(b)][j],
                "norm_a": na,
                "norm_b": nb,
                "gap": abs(gap),
                "behind": None if gap == 0 else (region_b if gap > 0 else region_a),
            }
        )
    rows.sort(key=lambda r: (-r["gap"], r["code"]))
    return rows


def published_runs(partnership_id: int):
    """The partnership's published runs, the latest first (only a finished run is published)."""
    return IndexRun.objects.filter(
        partnership_id=partnership_id, published_at__isnull=False, status=RunStatus.DONE
    ).order_by("-published_at", "-pk")


def latest_coupling_read(partnership_id: int):
    """What the coupling of the latest published run needs of it, as one row of values: its id (``pk``), the spec's
    coupling choice (``choice``), the results' coupling and periods: not the whole results, which grow with the run
    (every score of every unit and period), read on every dashboard."""
    return published_runs(partnership_id).values(
        "pk", choice=F("spec__coupling"), coupling=F("results__coupling"), periods=F("results__periods")
    )[:1]


def latest_coupling(partnership) -> list[dict] | None:
    """The between-sides coupling coordination of the latest published run (``coupling_rows``); None when no
    published run has it."""
    found = list(latest_coupling_read(partnership.pk))
    return coupling_rows(found[0] if found else None)


def coupling_rows(run: dict | None) -> list[dict] | None:
    """The between-sides coupling coordination of a run read by ``latest_coupling_read``, one dict per period in the
    run's chosen variant: ``period``, ``C``, ``T``, ``D``, ``class_code``, ``class_name`` (in the user's language),
    ``lagging_region_id``, ``variant``. None when the run (or its absence) has none."""
    coupling = run["coupling"] if run else None
    if not coupling:
        return None
    variant = (run["choice"] or {}).get("variant", "corrected")
    data = coupling["variants"][variant]
    en = (get_language() or "").startswith("en")
    rows = []
    for t, period in enumerate(run["periods"]):
        if data["D"][t] is None:
            continue
        lag = coupling["lagging"][t]
        rows.append(
            {
                "period": period,
                "C": data["C"][t],
                "T": data["T"][t],
                "D": data["D"][t],
                "class_code": data["class_code"][t],
                "class_name": data["class_en"][t] if en else data["class_zh"][t],
                "lagging_region_id": int(lag) if lag is not None else None,
                "variant": variant,
            }
        )
    return rows


def add_gap(run: IndexRun, *, code: str, period: str, region_a: int, region_b: int, user, text: str = ""):
    """Put an indicator's gap of the run's gap table on the visits register's gaps (for the side behind), with
    a ``GapSource`` linking it back to the indicator and the run. The gaps register's rules decide who may."""

    row = next((r for r in gap_rows(run, period, region_a, region_b) if r["code"] == code), None)
    if row is None or row["behind"] is None:
        raise ValidationError(_("This indicator shows no gap between the two regions in this period."))
    sides = {s.pk: s for s in run.partnership.sides()}
    if row["behind"] not in sides:
        raise ValidationError(_("Only a gap of one of the partnership's sides goes on the gaps register."))
    ahead = region_a if row["behind"] == region_b else region_b
    with transaction.atomic():
        indicator = Indicator.objects.get(pk=row["indicator_id"])
        title = _("%(indicator)s behind in %(period)s (normalised gap %(gap).2f)") % {
            "indicator": indicator.name,
            "period": period,
            "gap": row["gap"],
        }
        body = plain(text) or _(
            "From the index run “%(run)s”: %(indicator)s (%(direction)s) — normalised %(behind).3f against "
            "%(ahead).3f; raw values %(raw_behind)s and %(raw_ahead)s."
        ) % {
            "run": run.title,
            "indicator": indicator.name,
            "direction": "↑" if row["direction"] > 0 else "↓",
            "behind": row["norm_a"] if row["behind"] == region_a else row["norm_b"],
            "ahead": row["norm_b"] if row["behind"] == region_a else row["norm_a"],
            "raw_behind": row["raw_a"] if row["behind"] == region_a else row["raw_b"],
            "raw_ahead": row["raw_b"] if row["behind"] == region_a else row["raw_a"],
        }
        gap = create_gap(
            partnership=run.partnership, user=user, side=sides[row["behind"]], title=title[:200], text=body
        )
        source = GapSource(
            gap=gap, run=run, indicator=indicator, region=sides[row["behind"]], period=period, gap_value=row["gap"]
        )
        source.full_clean()
        source.save()
        log_event(Event.GAP_ADDED, run, user=user, data={"gap": gap.pk, "indicator": code, "ahead": ahead})
    return gap


def gap_origin(entry, user=None) -> list[registry.ObjectLink]:
    """For the visits gap page (``core.registry.add_object_link``): the run and indicator a gap was added from."""
    return [
        registry.ObjectLink(
            label=_("Index run “%(run)s”: %(indicator)s, %(period)s (normalised gap %(gap).3f)")
            % {"run": s.run.title, "indicator": s.indicator.name, "period": s.period, "gap": s.gap_value},
            url=reverse("indicators:run_benchmark", args=[s.run_id]) + f"?period={s.period}",
            icon="bar-chart-line",
            key=f"gap-source-{s.pk}",
        )
        for s in GapSource.objects.filter(gap=entry).select_related("run", "indicator")
    ]

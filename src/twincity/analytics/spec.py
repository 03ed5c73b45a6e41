"""Composite-index specifications and panel runs, in the manner of COINr.

A specification is an indicator tree — indicators (level 1) → pillars → sub-indices → index — where each
node has a direction and a weight, plus the chosen normalisation, weighting and aggregation per level and
the *fitting* rule: whether normalisation bounds and data-driven weights are estimated on the units
compared in each period, or on a reference panel (all years pooled, and/or a set of peer units).

A run takes a spec and a panel (periods × units × indicators) and returns every intermediate data set:
raw, normalised, weighted, the scores of every aggregate level, the weights used in each group and the
effective weight of each indicator in the index. Everything is reproducible from the JSON spec and the
data (``run_json``: JSON in, JSON out). All computation is vectorised over periods and units; Python
loops run only over the groups of the tree.

Reference: Becker et al. (2022), COINr, *JOSS* 7(78) 4567 (``new_coin``/``iMeta``, ``Normalise``,
``Aggregate``); OECD/JRC (2008), *Handbook on Constructing Composite Indicators*, steps 5–7.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from ._validate import FloatArray
from .aggregate import AGGREGATION_METHODS, aggregate
from .normalize import NORMALIZATION_METHODS, normalize
from .weights import critic_weights, entropy_weights

__all__ = ["IndexResult", "IndexSpec", "Node", "Panel", "run_index", "run_json"]

WEIGHTING_METHODS = ("fixed", "equal", "entropy", "critic")
_DATA_DRIVEN_NORMS = {"minmax", "zscore", "rank", "vector", "sum", "dist2target"}


@dataclass
class Node:
    """One node of the indicator tree. Indicators are level 1; their ancestors have higher levels."""

    code: str
    name: str = ""
    parent: str | None = None
    level: int = 1
    direction: int = 1
    weight: float = 1.0
    target: float | None = None
    goalposts: list[float] | None = None


@dataclass
class IndexSpec:
    """A composite-index specification (serialisable to and from JSON).

    ``normalization``: ``{"method": "minmax", "scale": [0, 1]}`` (any method of :func:`normalize`).
    ``weighting``: per *parent* level, how the children are weighted: ``{"default": "fixed", "2": "entropy"}``
    (``fixed`` = node weights, ``equal``, ``entropy`` (standardised, see :func:`entropy_weights`),
    ``critic``). Data-driven weights are multiplied by nothing else: they replace the node weights.
    ``aggregation``: per parent level, ``{"default": "arithmetic", "4": "geometric"}``.
    ``fit``: ``{"on": "pooled" | "period", "units": [...] | null, "periods": [...] | null}`` — ``pooled``
    fits bounds and data-driven weights once on every (period, unit) of the reference panel;
    ``period`` fits them in each period on that period's reference units. ``units`` and ``periods``
    choose the reference panel (default: all). ``min_reference`` is the smallest number of reference
    observations per fit below which the run refuses (two regions per period make min-max give 0/1 and
    entropy meaningless).
    ``report_units``: units whose results are returned (default: all).
    """

    name: str
    indicators: list[Node]
    groups: list[Node]
    normalization: dict[str, Any] = field(default_factory=lambda: {"method": "minmax", "scale": [0.0, 1.0]})
    weighting: dict[str, str] = field(default_factory=lambda: {"default": "fixed"})
    aggregation: dict[str, str] = field(default_factory=lambda: {"default": "arithmetic"})
    fit: dict[str, Any] = field(default_factory=lambda: {"on": "pooled", "units": None, "periods": None})
    min_reference: int = 3
    report_units: list[str] | None = None

    # ---- serialisation -------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2, sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IndexSpec:
        d = dict(data)
        d["indicators"] = [Node(**{"level": 1, **n}) for n in d.get("indicators", [])]
        d["groups"] = [Node(**n) for n in d.get("groups", [])]
        spec = cls(**d)
        spec.validate()
        return spec

    @classmethod
    def from_json(cls, text: str) -> IndexSpec:
        return cls.from_dict(json.loads(text))

    @classmethod
    def from_coinr_meta(cls, meta: Any, *, name: str = "index", **options: Any) -> IndexSpec:
        """Build a spec from a COINr ``iMeta`` table (columns Level, iCode, iName, Direction, Weight,
        Parent, Type, optional Target)."""
        inds: list[Node] = []
        groups: list[Node] = []
        for row in meta.to_dict("records"):
            typ = str(row.get("Type", "Indicator"))
            if typ not in ("Indicator", "Aggregate"):
                continue
            parent = row.get("Parent")
            parent = None if parent is None or (isinstance(parent, float) and np.isnan(parent)) else str(parent)
            target = row.get("Target")
            target = None if target is None or (isinstance(target, float) and np.isnan(target)) else float(target)
            direction = row.get("Direction")
            node = Node(
                code=str(row["iCode"]),
                name=str(row.get("iName", "")),
                parent=parent,
                level=int(row["Level"]),
                direction=1 if direction is None or np.isnan(direction) else int(direction),
                weight=float(row.get("Weight", 1.0)),
                target=target if typ == "Indicator" else None,
            )
            (inds if typ == "Indicator" else groups).append(node)
        spec = cls(name=name, indicators=inds, groups=groups, **options)
        spec.validate()
        return spec

    # ---- checks --------------------------------------------------------------------------------
    def validate(self) -> None:
        """Raise ``ValueError`` for an inconsistent tree or unknown options."""
        codes = [n.code for n in self.indicators + self.groups]
        dup = {c for c in codes if codes.count(c) > 1}
        if dup:
            raise ValueError(f"codes must be unique; repeated: {', '.join(sorted(dup))}")
        if not self.indicators:
            raise ValueError("the spec has no indicators")
        gmap = {g.code: g for g in self.groups}
        roots = [g for g in self.groups if g.parent is None]
        if len(roots) != 1:
            raise ValueError(f"the tree needs exactly one root group (parent null); found {len(roots)}")
        for n in self.indicators:
            if n.level != 1:
                raise ValueError(f"indicator {n.code!r} must be level 1")
            if n.direction not in (1, -1):
                raise ValueError(f"direction of indicator {n.code!r} is {n.direction!r}; must be +1 or -1")
        for n in self.indicators + self.groups:
            if n.weight < 0 or not np.isfinite(n.weight):
                raise ValueError(f"weight of {n.code!r} must be finite and >= 0")
            if n.parent is None:
                continue
            if n.parent not in gmap:
                raise ValueError(f"parent {n.parent!r} of {n.code!r} is not a group of the spec")
            if gmap[n.parent].level <= n.level:
                raise ValueError(f"{n.code!r} (level {n.level}) must sit below its parent {n.parent!r}")
        for g in self.groups:
            if not any(c.parent == g.code for c in self.indicators + self.groups):
                raise ValueError(f"group {g.code!r} has no children")
        method = self.normalization.get("method", "minmax")
        if method not in NORMALIZATION_METHODS:
            raise ValueError(f"unknown normalisation method {method!r}")
        for key, val in self.weighting.items():
            if val not in WEIGHTING_METHODS:
                raise ValueError(f"weighting[{key!r}] = {val!r}; choose one of {', '.join(WEIGHTING_METHODS)}")
        for key, val in self.aggregation.items():
            if val not in AGGREGATION_METHODS:
                raise ValueError(f"aggregation[{key!r}] = {val!r}; choose one of {', '.join(AGGREGATION_METHODS)}")
        if self.fit.get("on", "pooled") not in ("pooled", "period"):
            raise ValueError("fit.on must be 'pooled' or 'period'")

    def levels(self) -> list[int]:
        return sorted({g.level for g in self.groups})

    def _opt(self, table: dict[str, str], level: int, default: str) -> str:
        return table.get(str(level), table.get("default", default))


@dataclass
class Panel:
    """Values of shape (periods, units, indicators) with their labels."""

    values: FloatArray
    periods: list[Any]
    units: list[Any]
    indicators: list[str]

    @classmethod
    def from_long(
        cls,
        df: Any,
        *,
        period: str = "period",
        unit: str = "unit",
        indicator: str = "indicator",
        value: str = "value",
    ) -> Panel:
        """From a long table with one row per (period, unit, indicator)."""
        for col in (period, unit, indicator, value):
            if col not in df.columns:
                raise ValueError(f"the long panel needs a column {col!r}; it has {', '.join(map(str, df.columns))}")
        dup = df.duplicated([period, unit, indicator])
        if dup.any():
            r = df[dup].iloc[0]
            raise ValueError(f"duplicate row for period {r[period]!r}, unit {r[unit]!r}, indicator {r[indicator]!r}")
        wide = df.pivot(index=[period, unit], columns=indicator, values=value)
        return cls._from_multiindex(wide)

    @classmethod
    def from_wide(cls, df: Any, *, period: str = "period", unit: str = "unit") -> Panel:
        """From a wide table with columns ``period``, ``unit`` and one column per indicator."""
        for col in (period, unit):
            if col not in df.columns:
                raise ValueError(f"the wide panel needs a column {col!r}")
        if df.duplicated([period, unit]).any():
            r = df[df.duplicated([period, unit])].iloc[0]
            raise ValueError(f"duplicate row for period {r[period]!r}, unit {r[unit]!r}")
        return cls._from_multiindex(df.set_index([period, unit]))

    @classmethod
    def _from_multiindex(cls, wide: Any) -> Panel:
        import pandas as pd  # noqa: PLC0415 - pandas is slow to load; only tables need it

        periods = sorted(wide.index.get_level_values(0).unique().tolist())
        units = sorted(wide.index.get_level_values(1).unique().tolist(), key=str)
        full = pd.MultiIndex.from_product([periods, units])
        wide = wide.reindex(full)
        cols = [str(c) for c in wide.columns]
        try:
            vals = wide.to_numpy(dtype=np.float64, na_value=np.nan)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"panel values must be numeric: {exc}") from exc
        return cls(vals.reshape(len(periods), len(units), len(cols)), periods, units, cols)


@dataclass
class IndexResult:
    """Every data set of a run. Arrays are indexed (period, unit, code)."""

    spec: IndexSpec
    periods: list[Any]
    units: list[Any]
    indicators: list[str]
    raw: FloatArray
    normalised: FloatArray
    weighted: FloatArray
    scores: dict[str, FloatArray]  # group code -> (periods, units)
    group_weights: dict[str, FloatArray]  # group code -> (children,) or (periods, children)
    group_children: dict[str, list[str]]
    effective_weights: FloatArray  # (indicators,) or (periods, indicators)
    data_sha256: str

    def level_codes(self, level: int) -> list[str]:
        return [g.code for g in self.spec.groups if g.level == level]

    def frames(self) -> dict[str, Any]:
        """Each data set as a wide pandas DataFrame indexed by (period, unit)."""
        import pandas as pd  # noqa: PLC0415 - pandas is slow to load; only tables need it

        idx = pd.MultiIndex.from_product([self.periods, self.units], names=["period", "unit"])
        n = len(self.periods) * len(self.units)
        out: dict[str, Any] = {}
        for key, arr in (("raw", self.raw), ("normalised", self.normalised), ("weighted", self.weighted)):
            out[key] = pd.DataFrame(arr.reshape(n, -1), index=idx, columns=self.indicators)
        for level in self.spec.levels():
            codes = self.level_codes(level)
            out[f"level{level}"] = pd.DataFrame(
                np.stack([self.scores[c] for c in codes], axis=-1).reshape(n, -1), index=idx, columns=codes
            )
        ew = self.effective_weights
        if ew.ndim == 1:
            out["effective_weights"] = pd.DataFrame({"indicator": self.indicators, "weight": ew})
        else:
            out["effective_weights"] = pd.DataFrame(
                ew, index=pd.Index(self.periods, name="period"), columns=self.indicators
            )
        rows = []
        for g, kids in self.group_children.items():
            w = self.group_weights[g]
            if w.ndim == 1:
                rows += [{"group": g, "child": k, "period": None, "weight": float(w[i])} for i, k in enumerate(kids)]
            else:
                rows += [
                    {"group": g, "child": k, "period": p, "weight": float(w[t, i])}
                    for t, p in enumerate(self.periods)
                    for i, k in enumerate(kids)
                ]
        out["group_weights"] = pd.DataFrame(rows)
        return out

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: the spec, the data fingerprint and every data set (NaN as null)."""

        def clean(a: FloatArray) -> Any:
            return (
                [None if not np.isfinite(v) else float(v) for v in a.ravel()] if a.ndim == 1 else [clean(r) for r in a]
            )

        return {
            "spec": self.spec.to_dict(),
            "data_sha256": self.data_sha256,
            "periods": [_jsonable(p) for p in self.periods],
            "units": [_jsonable(u) for u in self.units],
            "indicators": self.indicators,
            "normalised": clean(self.normalised),
            "weighted": clean(self.weighted),
            "scores": {k: clean(v) for k, v in self.scores.items()},
            "group_weights": {k: clean(v) for k, v in self.group_weights.items()},
            "group_children": self.group_children,
            "effective_weights": clean(self.effective_weights),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)


def _jsonable(v: Any) -> Any:
    if isinstance(v, np.generic):
        return v.item()
    return v


def _coerce_panel(panel: Any) -> Panel:
    if isinstance(panel, Panel):
        return panel
    if hasattr(panel, "columns"):
        cols = set(map(str, panel.columns))
        if {"indicator", "value"} <= cols:
            return Panel.from_long(panel)
        return Panel.from_wide(panel)
    raise ValueError("panel must be a Panel or a pandas DataFrame (long or wide)")


def _fingerprint(p: Panel) -> str:
    h = hashlib.sha256()
    h.update(
        json.dumps(
            [[_jsonable(x) for x in p.periods], [_jsonable(x) for x in p.units], p.indicators],
            ensure_ascii=False,
            default=str,
        ).encode()
    )
    h.update(np.ascontiguousarray(p.values).tobytes())
    return h.hexdigest()


def run_index(spec: IndexSpec | dict[str, Any], panel: Any) -> IndexResult:
    """Run a composite-index ``spec`` on a ``panel``; see the module docstring.

    Raises ``ValueError`` when an indicator of the spec is absent from the panel, when a reference unit or
    period is unknown, or when the reference panel is too small for data-driven bounds or weights.
    """
    if isinstance(spec, dict):
        spec = IndexSpec.from_dict(spec)
    spec.validate()
    p = _coerce_panel(panel)
    codes = [n.code for n in spec.indicators]
    missing = [c for c in codes if c not in p.indicators]
    if missing:
        raise ValueError(
            f"indicator {missing[0]!r} of the spec is not in the panel (columns: {', '.join(p.indicators)})"
        )
    x = p.values[:, :, [p.indicators.index(c) for c in codes]]
    fit = {"on": "pooled", "units": None, "periods": None, **spec.fit}
    ref_u = _select(p.units, fit.get("units"), "unit")
    ref_p = _select(p.periods, fit.get("periods"), "period")
    pooled = fit["on"] == "pooled"
    n_obs = (len(ref_p) * len(ref_u)) if pooled else len(ref_u)
    norm = {"method": "minmax", "scale": [0.0, 1.0], **spec.normalization}
    uses_data = norm["method"] in _DATA_DRIVEN_NORMS or any(v in ("entropy", "critic") for v in spec.weighting.values())
    if uses_data and n_obs < spec.min_reference:
        ref_names = ", ".join(str(p.units[i]) for i in ref_u)
        raise ValueError(
            f"bounds and data-driven weights would be fitted on only {n_obs} observation(s) per fit "
            f"({'pooled' if pooled else 'per period'}, reference units: {ref_names}); "
            "with so few units min-max gives every indicator 0 or 1 and entropy carries no information. "
            "Fit on a reference panel instead: fit.on='pooled' (all years) and/or fit.units = all peer units."
        )

    def reference(arr: FloatArray) -> FloatArray:
        sub = arr[np.ix_(ref_p, ref_u)] if pooled else arr[:, ref_u]
        return sub.reshape(-1, arr.shape[-1]) if pooled else sub

    d = np.array([n.direction for n in spec.indicators], dtype=np.float64)
    target = [n.target for n in spec.indicators]
    gps = [n.goalposts for n in spec.indicators]
    kwargs: dict[str, Any] = {}
    if norm["method"] == "dist2target":
        if any(t is None for t in target):
            raise ValueError(f"dist2target needs a target for indicator {codes[target.index(None)]!r}")
        kwargs["target"] = np.array(target, dtype=np.float64)
        kwargs["cap_max"] = bool(norm.get("cap_max", False))
    if norm["method"] == "goalposts" and all(g is not None for g in gps):
        kwargs["goalposts"] = np.array(gps, dtype=np.float64).T
    xn = normalize(x, d, norm["method"], scale=tuple(norm.get("scale", (0.0, 1.0))), reference=reference(x), **kwargs)

    values: dict[str, FloatArray] = {c: xn[..., j] for j, c in enumerate(codes)}
    raw_for_weights: dict[str, FloatArray] = {c: x[..., j] for j, c in enumerate(codes)}
    dirs: dict[str, float] = {c: float(d[j]) for j, c in enumerate(codes)}
    nodes = {n.code: n for n in spec.indicators + spec.groups}
    children: dict[str, list[str]] = {}
    gweights: dict[str, FloatArray] = {}
    for level in spec.levels():
        for g in (g for g in spec.groups if g.level == level):
            kids = [n.code for n in spec.indicators + spec.groups if n.parent == g.code]
            children[g.code] = kids
            v = np.stack([values[k] for k in kids], axis=-1)
            method = spec._opt(spec.weighting, level, "fixed")
            if method == "fixed":
                w = np.array([nodes[k].weight for k in kids], dtype=np.float64)
                if w.sum() <= 0:
                    raise ValueError(f"the children of {g.code!r} all have weight 0")
                w = w / w.sum()
            elif method == "equal":
                w = np.full(len(kids), 1.0 / len(kids))
            else:
                base = np.stack([raw_for_weights.get(k, values[k]) for k in kids], axis=-1)
                kd = np.array([dirs.get(k, 1.0) for k in kids])
                w = _data_weights(method, reference(base), kd, pooled, g.code, kids)
            gweights[g.code] = w
            agg = spec._opt(spec.aggregation, level, "arithmetic")
            values[g.code] = aggregate(v, w, agg)
    # effective weights: product of within-group weights along the path to the root
    eff = []
    for c in codes:
        w_path: Any = 1.0
        node = nodes[c]
        while node.parent is not None:
            kids = children[node.parent]
            gw = gweights[node.parent]
            w_path = w_path * gw[..., kids.index(node.code)]
            node = nodes[node.parent]
        eff.append(np.asarray(w_path, dtype=np.float64))
    effective = np.stack(np.broadcast_arrays(*eff), axis=-1)
    weighted = xn * (effective if effective.ndim == 1 else effective[:, None, :])
    keep = _select(p.units, spec.report_units, "unit") if spec.report_units else list(range(len(p.units)))
    group_scores = {g.code: values[g.code][:, keep] for g in spec.groups}
    return IndexResult(
        spec=spec,
        periods=list(p.periods),
        units=[p.units[i] for i in keep],
        indicators=codes,
        raw=x[:, keep],
        normalised=xn[:, keep],
        weighted=weighted[:, keep],
        scores=group_scores,
        group_weights=gweights,
        group_children=children,
        effective_weights=effective,
        data_sha256=_fingerprint(p),
    )


def _select(labels: list[Any], wanted: Any, what: str) -> list[int]:
    if wanted is None:
        return list(range(len(labels)))
    keys = {str(lab): i for i, lab in enumerate(labels)}
    out = []
    for w in wanted:
        if str(w) not in keys:
            raise ValueError(f"reference {what} {w!r} is not in the panel")
        out.append(keys[str(w)])
    return out


def _data_weights(method: str, ref: FloatArray, d: FloatArray, pooled: bool, group: str, kids: list[str]) -> FloatArray:
    """Entropy or CRITIC weights of a group's children on the reference panel."""
    if pooled:
        ok = ~np.isnan(ref).any(axis=-1)  # observations with every child present
        r = ref[ok]
        if r.shape[0] < 3:
            raise ValueError(f"group {group!r}: fewer than three complete reference observations for {method} weights")
        if method == "entropy":
            return entropy_weights(r, d, standardize=True)
        return critic_weights(r, d)
    if np.isnan(ref).any():
        t, _i, j = (int(k) for k in np.argwhere(np.isnan(ref))[0])
        raise ValueError(
            f"group {group!r}: {kids[j]!r} is missing in period {t} for a reference unit; per-period {method} "
            "weights need complete data (fit pooled instead, which drops incomplete observations)"
        )
    if method == "entropy":
        return entropy_weights(ref, d, standardize=True)
    return np.stack([critic_weights(ref[t], d) for t in range(ref.shape[0])])


def run_json(spec_json: str, panel: Any) -> str:
    """JSON in, JSON out: run a JSON spec on a panel and return the full result as JSON."""
    return run_index(IndexSpec.from_json(spec_json), panel).to_json()

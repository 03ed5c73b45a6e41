"""Monte-Carlo rank uncertainty of a composite index."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.stats import rankdata

from ._validate import FloatArray, as_matrix, check_directions, check_weights, require_finite
from .aggregate import AGGREGATION_METHODS
from .normalize import NORMALIZATION_METHODS, normalize

__all__ = ["RankUncertainty", "rank_uncertainty"]

_BOUNDED = {"minmax", "rank", "goalposts"}


@dataclass(frozen=True)
class RankUncertainty:
    """Per-unit rank statistics over the Monte-Carlo draws (rank 1 = best)."""

    nominal_rank: FloatArray
    mean_rank: FloatArray
    median_rank: FloatArray
    p05_rank: FloatArray
    p95_rank: FloatArray
    ranks: FloatArray = field(repr=False)  # (units, draws)
    draw_weights: FloatArray = field(repr=False)  # (draws, indicators)
    draw_choices: dict[str, list[str]] = field(repr=False)
    units: list[Any] | None = None

    def to_frame(self) -> Any:
        """The summary as a pandas DataFrame (one row per unit)."""
        import pandas as pd  # noqa: PLC0415 - pandas is slow to load; only tables need it

        return pd.DataFrame(
            {
                "nominal_rank": self.nominal_rank,
                "mean_rank": self.mean_rank,
                "median_rank": self.median_rank,
                "p05_rank": self.p05_rank,
                "p95_rank": self.p95_rank,
            },
            index=self.units,
        )


def rank_uncertainty(
    X: Any,
    directions: Any = None,
    *,
    weights: Any = None,
    n_draws: int = 1000,
    weight_noise: float = 0.25,
    alternatives: Mapping[str, Sequence[str]] | None = None,
    seed: int | None = None,
) -> RankUncertainty:
    r"""Uncertainty analysis of ranks (Saisana, Saltelli & Tarantola 2005, *J. R. Stat. Soc. A* 168(2),
    307–323; OECD/JRC 2008, §1.7; COINr ``get_sensitivity``).

    Each draw ``k`` perturbs the nominal weights multiplicatively and renormalises them::

        w_kj = w_j * u_kj / sum_l (w_l * u_kl),    u_kj ~ Uniform(1 - weight_noise, 1 + weight_noise)

    and picks, uniformly and independently, one option for each named alternative choice
    (``{"normalization": ["minmax", "zscore", "rank"], "aggregation": ["arithmetic", "geometric"]}``);
    the first option of each list is the nominal one (defaults: ``minmax`` and ``arithmetic``). The
    composite score of every unit is recomputed, units are ranked (1 = best, ties share the average
    rank), and per unit the nominal rank, mean, median, 5th and 95th percentile ranks are reported.

    Bounded normalisations are mapped to ``[1, 100]`` (COINr's convention) so that geometric and
    harmonic means exist; ranks under arithmetic aggregation do not depend on this affine choice.
    ``zscore`` cannot be combined with geometric or harmonic aggregation (``ValueError``). An indicator
    whose nominal weight is 0 stays at 0 in every draw, so it cannot move any rank.

    All draws are evaluated as matrix products, grouped by the chosen options, not one by one.
    """
    x, labels = as_matrix(X)
    if x.ndim != 2:
        raise ValueError("rank_uncertainty takes a two-dimensional X (units, indicators)")
    n, m = x.shape
    d = check_directions(directions, m, labels)
    require_finite(x, labels, "rank_uncertainty")
    w0 = check_weights(np.ones(m) if weights is None else weights, m, labels)
    if n_draws < 1:
        raise ValueError("n_draws must be >= 1")
    if not 0 <= weight_noise < 1:
        raise ValueError("weight_noise must lie in [0, 1)")
    alts: dict[str, list[str]] = {"normalization": ["minmax"], "aggregation": ["arithmetic"]}
    for key, opts in (alternatives or {}).items():
        if key not in alts:
            raise ValueError(f"unknown alternative {key!r}; choose among {', '.join(alts)}")
        if not opts:
            raise ValueError(f"alternative {key!r} has no options")
        alts[key] = [str(o) for o in opts]
    for o in alts["normalization"]:
        if o not in NORMALIZATION_METHODS or o in ("dist2target", "goalposts"):
            raise ValueError(f"normalisation option {o!r} is not available for rank_uncertainty")
    for o in alts["aggregation"]:
        if o not in AGGREGATION_METHODS:
            raise ValueError(f"aggregation option {o!r} is unknown")
    if "zscore" in alts["normalization"] and set(alts["aggregation"]) & {"geometric", "harmonic"}:
        raise ValueError("zscore normalisation gives negative values; it cannot be combined with geometric or harmonic")

    rng = np.random.default_rng(seed)
    u = rng.uniform(1.0 - weight_noise, 1.0 + weight_noise, size=(n_draws, m))
    wd = w0 * u
    wd /= wd.sum(axis=1, keepdims=True)
    norm_pick = rng.integers(len(alts["normalization"]), size=n_draws)
    agg_pick = rng.integers(len(alts["aggregation"]), size=n_draws)

    normalised: dict[str, FloatArray] = {}
    for o in alts["normalization"]:
        scale = (1.0, 100.0) if o in _BOUNDED else (0.0, 1.0)
        xn = normalize(x, d, o, scale=scale)  # type: ignore[arg-type]
        if o not in ("zscore",) and set(alts["aggregation"]) & {"geometric", "harmonic"} and np.any(xn <= 0):
            xn = np.maximum(xn, np.finfo(np.float64).tiny)
        normalised[o] = xn

    def scores_for(xn: FloatArray, w: FloatArray, agg: str) -> FloatArray:
        if agg == "arithmetic":
            return xn @ w.T
        if agg == "geometric":
            return np.exp(np.log(xn) @ w.T)
        return 1.0 / ((1.0 / xn) @ w.T)

    scores = np.empty((n, n_draws))
    for ki, nk in enumerate(alts["normalization"]):
        for ai, ak in enumerate(alts["aggregation"]):
            sel = np.flatnonzero((norm_pick == ki) & (agg_pick == ai))
            if sel.size:
                scores[:, sel] = scores_for(normalised[nk], wd[sel], ak)
    ranks = rankdata(-scores, axis=0, method="average")
    nominal_scores = scores_for(normalised[alts["normalization"][0]], w0[None, :], alts["aggregation"][0])[:, 0]
    nominal = rankdata(-nominal_scores, method="average")
    p05, med, p95 = np.percentile(ranks, [5.0, 50.0, 95.0], axis=1)
    return RankUncertainty(
        nominal_rank=nominal,
        mean_rank=ranks.mean(axis=1),
        median_rank=med,
        p05_rank=p05,
        p95_rank=p95,
        ranks=ranks,
        draw_weights=wd,
        draw_choices={
            "normalization": [alts["normalization"][k] for k in norm_pick],
            "aggregation": [alts["aggregation"][k] for k in agg_pick],
        },
        units=labels.units,
    )

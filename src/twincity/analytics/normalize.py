"""Normalisation of indicator matrices.

All methods work column by column on ``X`` of shape ``(..., units, indicators)``; leading axes
(periods, Monte-Carlo draws) are handled in one vectorised pass, each slice on its own unless a
``reference`` panel supplies the bounds. Directions are ``+1`` (benefit: more is better) or ``-1``
(cost: less is better); after normalisation a larger value is always better.

References
----------
* OECD/JRC (2008). *Handbook on Constructing Composite Indicators: Methodology and User Guide*, §1.5
  (min-max, z-score, distance to a reference, ranking, categorical scales).
* Becker, W., Caperna, G., Del Sorbo, M., Norlén, H., Papadimitriou, E., Saisana, M. (2022). COINr: an R
  package for developing composite indicators. *Journal of Open Source Software* 7(78), 4567 — functions
  ``n_minmax``, ``n_zscore``, ``n_goalposts``, ``n_dist2targ``, ``n_borda``.
* Hwang, C.-L., Yoon, K. (1981). *Multiple Attribute Decision Making*, Springer (vector normalisation).
* Jahan, A., Edwards, K. L. (2015). A state-of-the-art survey on the influence of normalization techniques
  in ranking. *Materials & Design* 65, 335–342 (cost forms ``1 - x/||x||`` and ``(1/x)/sum(1/x)``).
"""

from __future__ import annotations

import warnings
from typing import Any, Literal

import numpy as np
from scipy.stats import rankdata

from ._validate import FloatArray, Labels, as_matrix, check_directions, require_nonnegative, require_positive

__all__ = ["NORMALIZATION_METHODS", "normalize"]

NormalizationMethod = Literal["minmax", "zscore", "vector", "sum", "rank", "goalposts", "dist2target"]
NORMALIZATION_METHODS: tuple[str, ...] = ("minmax", "zscore", "vector", "sum", "rank", "goalposts", "dist2target")


def _per_indicator(value: Any, m: int, name: str) -> FloatArray:
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim == 0:
        return np.full(m, float(arr))
    if arr.shape[-1] != m:
        raise ValueError(f"{name} has {arr.shape[-1]} entries but X has {m} indicators")
    return arr


def _constant(bad: np.ndarray, labels: Labels, method: str, constant: str) -> None:
    if not bad.any():
        return
    j = int(np.argwhere(bad)[0][-1])
    msg = f"{labels.indicator(j)} is constant over the units used for the bounds; {method} cannot scale it"
    if constant == "raise":
        raise ValueError(msg + " (pass constant='nan' to flag it as NaN instead)")
    warnings.warn(msg + "; its normalised values are set to NaN", RuntimeWarning, stacklevel=3)


def normalize(
    X: Any,
    directions: Any = None,
    method: NormalizationMethod = "minmax",
    *,
    scale: tuple[float, float] = (0.0, 1.0),
    reference: Any = None,
    target: Any = None,
    goalposts: Any = None,
    cap_max: bool = False,
    constant: Literal["raise", "nan"] = "raise",
) -> FloatArray:
    r"""Normalise the columns of ``X`` (units × indicators) so that larger is better.

    Parameters
    ----------
    X
        Array or DataFrame of shape ``(..., units, indicators)``. NaN is kept as NaN (statistics skip it).
    directions
        One entry per indicator, ``+1`` benefit or ``-1`` cost; default all ``+1``.
    method
        One of the methods below. ``x`` is a raw value, ``d`` its direction, and ``min``, ``max``,
        ``mean``, ``sd`` are taken over the units of ``reference`` (default: ``X`` itself, each leading
        slice separately).

        ``"minmax"`` (OECD/JRC 2008, eq. 1.5; COINr ``n_minmax``)
            :math:`y = (x-\min)/(\max-\min)` if ``d=+1``, :math:`y = (\max-x)/(\max-\min)` if ``d=-1``;
            then :math:`a + (b-a)\,y` for ``scale=(a, b)``. A constant column has no range: ``ValueError``
            (``constant="raise"``, default) or NaN with a warning (``constant="nan"``).
        ``"zscore"`` (OECD/JRC 2008, eq. 1.4; COINr ``n_zscore``)
            :math:`z = d\,(x-\bar x)/s` with the *sample* standard deviation :math:`s` (``ddof=1``);
            then :math:`a + b\,z` for ``scale=(a, b)`` read as (mean, sd) — the default ``(0, 1)`` gives
            plain z-scores.
        ``"vector"`` (Hwang & Yoon 1981)
            :math:`r = x/\sqrt{\sum_i x_i^2}`; cost: :math:`1 - r` (Jahan & Edwards 2015). Needs ``x >= 0``.
        ``"sum"`` (Jahan & Edwards 2015)
            :math:`r = x/\sum_i x_i`; cost: :math:`r = (1/x)/\sum_i (1/x_i)`. Needs ``x > 0``.
        ``"rank"`` (COINr ``n_borda``, OECD/JRC 2008 "ranking")
            without ``reference``: :math:`(\mathrm{rank}(d\,x)-1)/(n-1)` with average ranks for ties, so
            the worst unit gets ``a`` and the best ``b``; with ``reference``: the share of reference values
            below :math:`d\,x` plus half the ties, :math:`(\#\{r<x\} + \tfrac12\#\{r=x\})/n_r`.
        ``"goalposts"`` (UNDP Human Development Index; COINr ``n_goalposts``)
            :math:`y = \mathrm{clip}((x-L)/(U-L), 0, 1)` (benefit) or :math:`\mathrm{clip}((U-x)/(U-L),0,1)`
            (cost) with ``goalposts=(L, U)`` per indicator (shape ``(2, indicators)`` or a pair);
            without ``goalposts`` the reference min and max serve as goalposts.
        ``"dist2target"`` (COINr ``n_dist2targ``)
            benefit: :math:`y=(x-\min)/(\mathrm{target}-\min)`, cost: :math:`y=(\max-x)/(\max-\mathrm{target})`;
            values beyond the target exceed 1 unless ``cap_max=True``. ``target`` is required.
    scale
        Output range ``(a, b)`` (minmax, rank, goalposts, dist2target, vector and sum: :math:`a+(b-a)y`) or
        ``(mean, sd)`` for zscore.
    reference
        Array ``(..., r, indicators)`` whose bounds, means and sums are used instead of ``X``'s: a
        reference panel (all years pooled, or all peer regions), so that scores stay comparable.
    target, goalposts, cap_max
        See ``dist2target`` and ``goalposts``.
    constant
        What to do with a column that has no spread where spread is needed: ``"raise"`` or ``"nan"``.

    Returns
    -------
    numpy.ndarray
        Same shape as ``X``.
    """
    values, labels = as_matrix(X)
    m = values.shape[-1]
    d = check_directions(directions, m, labels)
    if method not in NORMALIZATION_METHODS:
        raise ValueError(f"unknown normalisation method {method!r}; choose one of {', '.join(NORMALIZATION_METHODS)}")
    if constant not in ("raise", "nan"):
        raise ValueError("constant must be 'raise' or 'nan'")
    if reference is None:
        ref = values
    else:
        ref, _ = as_matrix(reference, "reference")
        if ref.shape[-1] != m:
            raise ValueError(f"reference has {ref.shape[-1]} indicators but X has {m}")
    a, b = float(scale[0]), float(scale[1])
    has_nan = bool(np.isnan(ref).any())
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "minmax":
            lo, hi = _bounds(ref, has_nan)
            rng = hi - lo
            _constant(~(rng > 0), labels, "min-max", constant)
            rng = np.where(rng > 0, rng, np.nan)
            y = np.where(d > 0, (values - lo) / rng, (hi - values) / rng)
            return a + (b - a) * y
        if method == "zscore":
            mean = np.nanmean(ref, axis=-2, keepdims=True) if has_nan else ref.mean(axis=-2, keepdims=True)
            sd = np.nanstd(ref, axis=-2, ddof=1, keepdims=True) if has_nan else ref.std(axis=-2, ddof=1, keepdims=True)
            _constant(~(sd > 0), labels, "z-score", constant)
            sd = np.where(sd > 0, sd, np.nan)
            return a + b * (d * (values - mean) / sd)
        if method == "vector":
            require_nonnegative(values, labels, "vector normalisation")
            norm = np.sqrt(np.nansum(ref * ref, axis=-2, keepdims=True))
            _constant(~(norm > 0), labels, "vector normalisation", constant)
            r = values / np.where(norm > 0, norm, np.nan)
            y = np.where(d > 0, r, 1.0 - r)
            return a + (b - a) * y
        if method == "sum":
            require_positive(values, labels, "sum normalisation")
            require_positive(ref, labels, "sum normalisation (reference)")
            s = np.nansum(ref, axis=-2, keepdims=True)
            s_inv = np.nansum(1.0 / ref, axis=-2, keepdims=True)
            y = np.where(d > 0, values / s, (1.0 / values) / s_inv)
            return a + (b - a) * y
        if method == "rank":
            return a + (b - a) * _rank(values, d, None if reference is None else ref)
        if method == "goalposts":
            if goalposts is None:
                lo, hi = _bounds(ref, has_nan)
            else:
                gp = np.asarray(goalposts, dtype=np.float64)
                if gp.ndim == 1:
                    if gp.shape[0] != 2:
                        raise ValueError("goalposts must be a pair (lower, upper) or an array of shape (2, indicators)")
                    gp = np.repeat(gp[:, None], m, axis=1)
                if gp.shape != (2, m):
                    raise ValueError(f"goalposts must have shape (2, {m}); got {gp.shape}")
                lo, hi = gp[0], gp[1]
            rng = hi - lo
            bad = ~(np.broadcast_to(rng, np.broadcast_shapes(np.shape(rng), (m,))) > 0)
            if bad.any():
                j = int(np.argwhere(bad)[0][-1])
                raise ValueError(f"goalposts of {labels.indicator(j)} are not increasing (lower must be < upper)")
            y = np.where(d > 0, (values - lo) / rng, (hi - values) / rng)
            return a + (b - a) * np.clip(y, 0.0, 1.0)
        # dist2target
        if target is None:
            raise ValueError("method 'dist2target' needs target= (one value per indicator)")
        t = _per_indicator(target, m, "target")
        lo, hi = _bounds(ref, has_nan)
        den = np.where(d > 0, t - lo, hi - t)
        bad = ~(np.broadcast_to(den, np.broadcast_shapes(np.shape(den), (m,))) > 0)
        if bad.any():
            j = int(np.argwhere(bad)[0][-1])
            raise ValueError(
                f"target of {labels.indicator(j)} is not beyond the worst value of the reference, so the distance "
                "to target has no scale"
            )
        y = np.where(d > 0, (values - lo) / den, (hi - values) / den)
        if cap_max:
            y = np.minimum(y, 1.0)
        return a + (b - a) * y


def _bounds(ref: FloatArray, has_nan: bool) -> tuple[FloatArray, FloatArray]:
    if has_nan:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return np.nanmin(ref, axis=-2, keepdims=True), np.nanmax(ref, axis=-2, keepdims=True)
    return ref.min(axis=-2, keepdims=True), ref.max(axis=-2, keepdims=True)


def _rank(values: FloatArray, d: FloatArray, ref: FloatArray | None) -> FloatArray:
    x = values * d
    if ref is None:
        r = rankdata(x, axis=-2, method="average", nan_policy="omit")
        n = np.sum(~np.isnan(x), axis=-2, keepdims=True).astype(np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            out = (r - 1.0) / (n - 1.0)
        return np.where(n > 1, out, np.nan)
    rx = ref * d
    m = x.shape[-1]
    rx2 = rx.reshape(-1, rx.shape[-2], m) if rx.ndim > 2 else rx[None]
    if rx2.shape[0] != 1:
        raise ValueError("rank normalisation against a reference needs a two-dimensional reference (r, indicators)")
    out = np.empty_like(x)
    for j in range(m):  # loop over indicators only (searchsorted is per sorted column)
        col = np.sort(rx2[0, :, j][~np.isnan(rx2[0, :, j])])
        n_r = col.size
        xj = x[..., j]
        less = np.searchsorted(col, xj, side="left")
        leq = np.searchsorted(col, xj, side="right")
        out[..., j] = (less + 0.5 * (leq - less)) / n_r if n_r else np.nan
        out[..., j][np.isnan(xj)] = np.nan
    return out

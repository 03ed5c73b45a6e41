"""Weighting methods: entropy, CRITIC, AHP (and equal weights).

All weight vectors returned here are non-negative and sum to 1 along the last axis.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from scipy.special import xlogy

from ._validate import (
    FloatArray,
    as_matrix,
    check_directions,
    require_finite,
    require_nonnegative,
    run_chunks,
    split_leading,
)
from .normalize import normalize

__all__ = ["SAATY_RANDOM_INDEX", "ahp_weights", "critic_weights", "entropy_weights", "equal_weights"]

#: Saaty's random consistency index RI(n) for n = 1..15 (Saaty, T. L. (1980). *The Analytic Hierarchy
#: Process*, McGraw-Hill; the values for n = 11..15 as tabulated in Saaty (1994), *Fundamentals of
#: Decision Making and Priority Theory with the AHP*, RWS Publications).
SAATY_RANDOM_INDEX: tuple[float, ...] = (
    0.0,
    0.0,
    0.58,
    0.90,
    1.12,
    1.24,
    1.32,
    1.41,
    1.45,
    1.49,
    1.51,
    1.48,
    1.56,
    1.57,
    1.59,
)

#: Divergence ``1 - e_j`` at or below this is treated as "no information" (a constant column).
_ENTROPY_TOL = 1e-13


def equal_weights(m: int) -> FloatArray:
    """Equal weights ``w_j = 1/m``."""
    if m < 1:
        raise ValueError("need at least one indicator")
    return np.full(m, 1.0 / m)


def entropy_weights(X: Any, directions: Any = None, *, standardize: bool = True, shift: float = 1e-4) -> FloatArray:
    r"""Entropy weights (Shannon 1948; Zeleny 1982; Hwang & Yoon 1981, §4.1).

    For ``X`` with ``n`` units (rows) and ``m`` indicators::

        p_ij = y_ij / sum_i y_ij
        e_j  = -1/ln(n) * sum_i p_ij ln p_ij          (with 0 ln 0 := 0)
        w_j  = (1 - e_j) / sum_k (1 - e_k)

    * ``standardize=False``: ``y = x``, the raw-data entropy of the MCDM literature (Hwang & Yoon 1981;
      Xu 2004; Zavadskas & Podvezko 2016). It needs ``x >= 0``; directions are irrelevant (the entropy of
      a column does not depend on whether more is better) and are only validated.
    * ``standardize=True`` (default): ``y = minmax(x, direction) + shift``, the common practice of Chinese
      regional studies (e.g. 熵值法: 极差标准化后平移 0.0001), which accepts negative data and makes
      ``ln`` finite.

    A column without spread carries no information: ``e_j = 1`` and its weight is 0, with a
    ``RuntimeWarning`` naming it. If every column is constant a ``ValueError`` is raised. Missing values
    are refused (entropy needs every unit). Leading axes of ``X`` (e.g. periods) are handled in one
    vectorised pass and give one weight vector per slice: ``(..., m)``.
    """
    values, labels = as_matrix(X)
    n, m = values.shape[-2], values.shape[-1]
    check_directions(directions, m, labels)
    if n < 2:
        raise ValueError("entropy weights need at least two units")
    if standardize:
        require_finite(values, labels, "entropy weighting")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # constant columns are reported below
            y = normalize(values, directions, "minmax", constant="nan")
        y = np.nan_to_num(y, nan=0.0)
        y += shift
    else:
        if values.ndim >= 3:  # large batches: evaluate slices of the leading axis on all cores
            chunks = split_leading(values.shape[0], values.size)
            if chunks is not None:
                parts = run_chunks(lambda c: entropy_weights(values[c], directions, standardize=False), chunks)
                return np.concatenate(parts, axis=0)
        # one pass catches NaN and negatives (NaN propagates through min; NaN >= 0 is False)
        mn = float(values.min())
        if not mn >= 0:
            require_finite(values, labels, "entropy weighting")
            require_nonnegative(values, labels, "raw entropy (standardize=False)")
        y = values
    s = y.sum(axis=-2)
    if not np.all(np.isfinite(s)):
        require_finite(values, labels, "entropy weighting")
    if (
        1.0 if standardize else mn
    ) > 0:  # fast path (standardized data are >= shift > 0): sum_i y ln y as one fused reduction
        plogp = np.einsum("...ij,...ij->...j", y, np.log(y))
    else:
        plogp = xlogy(y, y).sum(axis=-2)
    with np.errstate(invalid="ignore", divide="ignore"):
        # sum_i p ln p = (sum_i y ln y)/S - ln S
        h = np.where(s > 0, plogp / s - np.log(np.where(s > 0, s, 1.0)), 0.0)
    e = -h / np.log(n)
    div = 1.0 - e
    dead = div <= _ENTROPY_TOL
    if dead.any():
        div = np.where(dead, 0.0, div)
        j = int(np.argwhere(dead)[0][-1])
        warnings.warn(
            f"{labels.indicator(j)} is constant (no information): its entropy weight is 0", RuntimeWarning, stacklevel=2
        )
    total = div.sum(axis=-1, keepdims=True)
    if np.any(total <= 0):
        raise ValueError("every indicator is constant; entropy weights are undefined")
    return div / total


def critic_weights(
    X: Any,
    directions: Any = None,
    *,
    respect_direction: bool = True,
    absolute_correlation: bool = False,
) -> FloatArray:
    r"""CRITIC weights (Diakoulaki, Mavrotas & Papayannakis 1995, *Computers & Operations Research* 22(7)).

    ::

        r_ij = minmax(x_ij)                 (direction-aware if respect_direction, else all benefit)
        s_j  = sample standard deviation of column j of r
        rho  = Pearson correlation matrix of the columns of r
        C_j  = s_j * sum_k (1 - rho_jk)     (1 - |rho_jk| if absolute_correlation)
        w_j  = C_j / sum_k C_k

    ``respect_direction=False`` reproduces the original paper and most published examples (e.g. Tuş &
    Adalı 2019), which min-max every column as a benefit; with ``True`` a cost column is reversed first,
    which flips the sign of its correlations. ``absolute_correlation=True`` treats strong negative
    correlation as redundancy rather than conflict (a variant used in Chinese applications). A constant
    column gets weight 0 with a warning and is left out of the correlation sums.
    """
    values, labels = as_matrix(X)
    if values.ndim != 2:
        raise ValueError("critic_weights takes a two-dimensional X (units, indicators)")
    n, m = values.shape
    d = check_directions(directions, m, labels)
    require_finite(values, labels, "CRITIC weighting")
    if n < 3:
        raise ValueError("CRITIC needs at least three units (correlations of two points are always ±1)")
    r = normalize(values, d if respect_direction else None, "minmax", constant="nan")
    live = ~np.isnan(r).any(axis=0)
    if not live.any():
        raise ValueError("every indicator is constant; CRITIC weights are undefined")
    sd = np.zeros(m)
    sd[live] = r[:, live].std(axis=0, ddof=1)
    conflict = np.zeros(m)
    rl = r[:, live]
    rho = np.corrcoef(rl, rowvar=False) if rl.shape[1] > 1 else np.ones((1, 1))
    rho = np.atleast_2d(rho)
    conflict[live] = (1.0 - (np.abs(rho) if absolute_correlation else rho)).sum(axis=1)
    c = sd * conflict
    total = c.sum()
    if total <= 0:
        raise ValueError("CRITIC information is zero for every indicator (perfectly correlated columns)")
    return c / total


def ahp_weights(pairwise: Any, *, rtol: float = 1e-2) -> tuple[FloatArray, float]:
    r"""AHP priority weights and consistency ratio (Saaty 1980, *The Analytic Hierarchy Process*).

    ``pairwise[i, j]`` says how much more important criterion ``i`` is than ``j`` (Saaty's 1–9 scale);
    the matrix must be positive with ones on the diagonal and reciprocal, ``a_ji = 1/a_ij`` (checked with
    relative tolerance ``rtol`` so that 0.33 may stand for 1/3). Then::

        A w = lambda_max w         (principal right eigenvector, scaled to sum 1)
        CI  = (lambda_max - n) / (n - 1)
        CR  = CI / RI(n)           (RI: Saaty's random index, SAATY_RANDOM_INDEX; CR = 0 for n <= 2)

    A ``CR`` above 0.10 is conventionally judged inconsistent; the function reports it, it does not refuse.

    Returns
    -------
    (weights, consistency_ratio)
    """
    a, labels = as_matrix(pairwise, "pairwise")
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise ValueError(f"pairwise must be a square matrix; got shape {a.shape}")
    n = a.shape[0]
    require_finite(a, labels, "AHP")
    if np.any(a <= 0):
        i, j = (int(k) for k in np.argwhere(a <= 0)[0])
        raise ValueError(f"pairwise[{i}, {j}] = {a[i, j]!r}; comparisons must be > 0")
    if not np.allclose(np.diag(a), 1.0, rtol=0, atol=1e-9):
        i = int(np.argwhere(~np.isclose(np.diag(a), 1.0))[0][0])
        raise ValueError(f"pairwise[{i}, {i}] = {a[i, i]!r}; the diagonal must be 1")
    prod = a * a.T
    bad = np.abs(prod - 1.0) > rtol
    if bad.any():
        i, j = (int(k) for k in np.argwhere(bad)[0])
        raise ValueError(
            f"pairwise matrix is not reciprocal: pairwise[{i}, {j}] = {a[i, j]!r} but pairwise[{j}, {i}] = "
            f"{a[j, i]!r} (their product must be 1)"
        )
    if n > len(SAATY_RANDOM_INDEX):
        raise ValueError(f"AHP random index is tabulated up to n = {len(SAATY_RANDOM_INDEX)}; got n = {n}")
    vals, vecs = np.linalg.eig(a)
    k = int(np.argmax(vals.real))
    lam = float(vals[k].real)
    w = np.abs(vecs[:, k].real)
    w = w / w.sum()
    if n <= 2:
        return w, 0.0
    ci = (lam - n) / (n - 1)
    return w, float(max(ci, 0.0) / SAATY_RANDOM_INDEX[n - 1])

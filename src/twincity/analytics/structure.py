"""Industrial-structure comparisons: similarity coefficient, Krugman index, location quotient."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._validate import FloatArray, as_matrix, as_vector

__all__ = ["krugman_index", "location_quotient", "structure_similarity"]


def _pair(a: Any, b: Any) -> tuple[FloatArray, FloatArray]:
    x = as_vector(a, "a")
    y = as_vector(b, "b")
    if x.shape != y.shape:
        raise ValueError(f"a and b must list the same sectors; got {x.shape[0]} and {y.shape[0]} entries")
    for name, v in (("a", x), ("b", y)):
        if not np.all(np.isfinite(v)):
            k = int(np.argwhere(~np.isfinite(v))[0][0])
            raise ValueError(f"{name} has a missing or infinite value for sector {k}")
        if np.any(v < 0):
            k = int(np.argwhere(v < 0)[0][0])
            raise ValueError(f"{name} is negative ({v[k]!r}) for sector {k}; sector sizes must be >= 0")
        if v.sum() <= 0:
            raise ValueError(f"{name} is all zero; it has no structure to compare")
    return x, y


def structure_similarity(a: Any, b: Any) -> float:
    r"""UNIDO industrial-structure similarity coefficient (产业结构相似系数) of two sector vectors.

    ::

        S_ab = sum_k x_ak x_bk / sqrt( sum_k x_ak^2 * sum_k x_bk^2 )

    where ``x_k`` are sector shares (or levels: the coefficient does not change when a vector is scaled).
    It is the cosine of the angle between the two structures: 1 means identical (proportional) structure,
    0 means no common sector. Source: UNIDO (1979), *World Industry since 1960: Progress and Prospects*,
    United Nations, New York; in Chinese regional studies e.g. 陈耀 (1998) 中国工业经济 (10).
    """
    x, y = _pair(a, b)
    x, y = x / x.max(), y / y.max()  # scale-free; avoids underflow of tiny inputs
    return float(np.clip(x @ y / np.sqrt((x @ x) * (y @ y)), 0.0, 1.0))


def krugman_index(a: Any, b: Any) -> float:
    r"""Krugman specialisation (dissimilarity) index of two sector vectors.

    ::

        K_ab = sum_k | s_ak - s_bk |,     s_ak = x_ak / sum_l x_al

    0 for identical structures, 2 for structures with no sector in common. Source: Krugman, P. (1991),
    *Geography and Trade*, MIT Press, Appendix D.
    """
    x, y = _pair(a, b)
    return float(np.abs(x / x.sum() - y / y.sum()).sum())


def location_quotient(X: Any, reference: Any = None) -> FloatArray:
    r"""Location quotients of ``X`` (regions × sectors).

    ::

        LQ_ij = (x_ij / sum_k x_ik) / (R_j / sum_k R_k)

    where ``R`` is the reference economy: by default the column totals of ``X`` (the regions together),
    or a given vector (e.g. national totals). ``LQ > 1`` marks a sector the region is specialised in.
    Source: Isard, W. (1960), *Methods of Regional Analysis*, MIT Press, ch. 7; Miller & Blair (2009),
    *Input-Output Analysis*, §8.2.
    """
    x, labels = as_matrix(X)
    if x.ndim != 2:
        raise ValueError("X must have shape (regions, sectors)")
    if not np.all(np.isfinite(x)):
        i, j = (int(k) for k in np.argwhere(~np.isfinite(x))[0])
        raise ValueError(f"{labels.indicator(j)} is missing for {labels.unit(i)}; location quotients need every cell")
    if np.any(x < 0):
        i, j = (int(k) for k in np.argwhere(x < 0)[0])
        raise ValueError(f"{labels.indicator(j)} is negative for {labels.unit(i)}")
    ref = x.sum(axis=0) if reference is None else as_vector(reference, "reference")
    if ref.shape[0] != x.shape[1]:
        raise ValueError(f"reference has {ref.shape[0]} sectors but X has {x.shape[1]}")
    if np.any(ref < 0) or ref.sum() <= 0:
        raise ValueError("reference sector sizes must be non-negative and not all zero")
    row = x.sum(axis=1, keepdims=True)
    if np.any(row <= 0):
        i = int(np.argwhere(row[:, 0] <= 0)[0][0])
        raise ValueError(f"{labels.unit(i)} has no activity in any sector")
    ref_share = ref / ref.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        return (x / row) / ref_share

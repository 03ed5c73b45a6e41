"""TOPSIS (Hwang & Yoon 1981)."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from ._validate import (
    FloatArray,
    as_matrix,
    check_directions,
    check_weights,
    require_finite,
    require_nonnegative,
    run_chunks,
    split_leading,
)

__all__ = ["topsis"]


def topsis(
    X: Any,
    weights: Any,
    directions: Any = None,
    *,
    normalization: Literal["vector", "minmax"] = "vector",
) -> FloatArray:
    r"""Relative closeness to the ideal solution (TOPSIS; Hwang & Yoon 1981, *Multiple Attribute Decision
    Making*, Springer, pp. 128–140; Opricovic & Tzeng 2004, *EJOR* 156(2), 445–455, §3).

    ::

        r_ij = x_ij / sqrt(sum_i x_ij^2)                 ("vector", the classic form; needs x >= 0)
             = (x_ij - min_j)/(max_j - min_j)            ("minmax"; cost columns (max_j - x_ij)/(max_j - min_j))
        v_ij = w_j r_ij
        A+_j = max_i v_ij (benefit) or min_i v_ij (cost)  — for "minmax" always the max after reversal
        A-_j = min_i v_ij (benefit) or max_i v_ij (cost)
        S+_i = sqrt(sum_j (v_ij - A+_j)^2),   S-_i = sqrt(sum_j (v_ij - A-_j)^2)
        C_i  = S-_i / (S+_i + S-_i)   in [0, 1]

    A unit equal to both ideals (every column constant) gets ``C = 0.5``. Leading axes of ``X``
    (periods) are evaluated in one vectorised pass; ``weights`` may then be ``(m,)`` or ``(..., m)``.
    Missing values are refused: TOPSIS needs the whole matrix to place the ideals.
    """
    x, labels = as_matrix(X)
    m = x.shape[-1]
    d = check_directions(directions, m, labels)
    w = check_weights(weights, m, labels, allow_batch=True)
    if normalization not in ("vector", "minmax"):
        raise ValueError(f"unknown TOPSIS normalization {normalization!r}; choose 'vector' or 'minmax'")
    if x.ndim >= 3:  # large batches: evaluate slices of the leading axis on all cores
        chunks = split_leading(x.shape[0], x.size)
        if chunks is not None:
            parts = run_chunks(
                lambda c: topsis(x[c], w[c] if w.ndim > 1 else w, d, normalization=normalization), chunks
            )
            return np.concatenate(parts, axis=0)
    lo = x.min(axis=-2, keepdims=True)
    hi = x.max(axis=-2, keepdims=True)
    if not (np.all(np.isfinite(lo)) and np.all(np.isfinite(hi))):
        require_finite(x, labels, "TOPSIS")
    wb = w[..., None, :]
    if normalization == "vector":
        if np.any(lo < 0):
            require_nonnegative(x, labels, "TOPSIS with vector normalisation")
        norm = np.sqrt(np.einsum("...ij,...ij->...j", x, x))[..., None, :]
        scale = np.divide(wb, norm, out=np.zeros(np.broadcast_shapes(wb.shape, norm.shape)), where=norm > 0)
        # v = w * x / ||x||; ideals follow the direction: best is max for benefit, min for cost
        best = np.where(d > 0, hi, lo)
        worst = np.where(d > 0, lo, hi)
    else:
        rng = hi - lo
        scale = np.divide(wb, rng, out=np.zeros(np.broadcast_shapes(wb.shape, rng.shape)), where=rng > 0)
        best = np.where(d > 0, hi, lo)
        worst = np.where(d > 0, lo, hi)
    # distances in the weighted-normalised space: |v - A| = scale * |x - best|
    # one scratch buffer, reused for both distances (memory traffic dominates on large panels)
    t = np.subtract(x, best)
    t *= scale
    dp = np.sqrt(np.einsum("...ij,...ij->...i", t, t))
    np.subtract(x, worst, out=t)
    t *= scale
    dm = np.sqrt(np.einsum("...ij,...ij->...i", t, t))
    tot = dp + dm
    return np.divide(dm, tot, out=np.full(tot.shape, 0.5), where=tot > 0)

"""Input checking shared by the analytics engine.

Every public function turns its inputs into float64 numpy arrays here and raises a
:class:`ValueError` that names the offending indicator (column) and unit (row) when
something is wrong. Labels come from pandas objects when they are given, otherwise
positional names (``indicator 3``, ``unit 7``) are used.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

__all__ = [
    "FloatArray",
    "IntArray",
    "Labels",
    "as_matrix",
    "as_vector",
    "check_directions",
    "check_weights",
    "require_finite",
    "require_nonnegative",
    "require_positive",
]


class Labels:
    """Row (unit) and column (indicator) names used in error messages."""

    def __init__(self, units: Sequence[Any] | None = None, indicators: Sequence[Any] | None = None) -> None:
        self.units = list(units) if units is not None else None
        self.indicators = list(indicators) if indicators is not None else None

    def unit(self, i: int) -> str:
        if self.units is not None and 0 <= i < len(self.units):
            return f"unit {self.units[i]!r}"
        return f"unit {i}"

    def indicator(self, j: int) -> str:
        if self.indicators is not None and 0 <= j < len(self.indicators):
            return f"indicator {self.indicators[j]!r}"
        return f"indicator {j}"


def as_matrix(X: Any, name: str = "X", *, min_ndim: int = 2) -> tuple[FloatArray, Labels]:
    """Return ``X`` as a float64 array with at least two axes ``(..., units, indicators)``.

    pandas DataFrames keep their index and columns as labels for error messages.
    """
    labels = Labels()
    if hasattr(X, "columns") and hasattr(X, "index"):
        labels = Labels(list(X.index), list(X.columns))
        values = X.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        try:
            values = np.asarray(X, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{name} must be numeric: {exc}") from exc
    if values.ndim < min_ndim:
        raise ValueError(f"{name} must have shape (units, indicators); got an array with shape {values.shape}")
    if values.shape[-1] == 0 or values.shape[-2] == 0:
        raise ValueError(f"{name} is empty (shape {values.shape})")
    return values, labels


def as_vector(v: Any, name: str) -> FloatArray:
    """Return a one-dimensional float64 array (pandas Series accepted)."""
    if hasattr(v, "to_numpy"):
        v = v.to_numpy(dtype=np.float64, na_value=np.nan)
    try:
        arr = np.asarray(v, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numeric: {exc}") from exc
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional; got shape {arr.shape}")
    return arr


def check_directions(directions: Any, m: int, labels: Labels | None = None) -> FloatArray:
    """Validate a direction vector: one entry per indicator, each +1 (benefit) or -1 (cost)."""
    if directions is None:
        return np.ones(m)
    d = as_vector(directions, "directions")
    if d.shape[0] != m:
        raise ValueError(f"directions has {d.shape[0]} entries but X has {m} indicators")
    bad = np.flatnonzero(~np.isin(d, (1.0, -1.0)))
    if bad.size:
        lab = labels or Labels()
        j = int(bad[0])
        raise ValueError(
            f"direction of {lab.indicator(j)} is {float(d[j]):g}; directions must be +1 (benefit) or -1 (cost)"
        )
    return d


def check_weights(weights: Any, m: int, labels: Labels | None = None, *, allow_batch: bool = False) -> FloatArray:
    """Validate weights (non-negative, finite, not all zero) and rescale them to sum to 1 along the last axis."""
    if hasattr(weights, "to_numpy"):
        weights = weights.to_numpy(dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim == 0 or (w.ndim > 1 and not allow_batch):
        raise ValueError(f"weights must be a vector with one entry per indicator; got shape {w.shape}")
    if w.shape[-1] != m:
        raise ValueError(f"weights has {w.shape[-1]} entries but X has {m} indicators")
    lab = labels or Labels()
    if not np.all(np.isfinite(w)):
        j = int(np.argwhere(~np.isfinite(w))[0][-1])
        raise ValueError(f"weight of {lab.indicator(j)} is not finite")
    if np.any(w < 0):
        j = int(np.argwhere(w < 0)[0][-1])
        raise ValueError(f"weight of {lab.indicator(j)} is negative ({float(w[..., j].min()):g}); weights must be >= 0")
    total = w.sum(axis=-1, keepdims=True)
    if np.any(total <= 0):
        raise ValueError("weights are all zero")
    return w / total


def _first_bad(mask: npt.NDArray[np.bool_]) -> tuple[int, int]:
    idx = np.argwhere(mask)[0]
    return int(idx[-2]), int(idx[-1])


def require_finite(X: FloatArray, labels: Labels, what: str) -> None:
    """Raise if X holds NaN or infinity; ``what`` names the method that cannot take it."""
    if not np.all(np.isfinite(X)):
        i, j = _first_bad(~np.isfinite(X))
        kind = "NaN" if np.isnan(X[..., i, j]).any() else "an infinite value"
        raise ValueError(f"{labels.indicator(j)} has {kind} for {labels.unit(i)}; {what} cannot take missing values")


def require_positive(X: FloatArray, labels: Labels, what: str) -> None:
    """Raise if a non-NaN value is <= 0."""
    with np.errstate(invalid="ignore"):
        bad = X <= 0
    if bad.any():
        i, j = _first_bad(bad)
        raise ValueError(
            f"{labels.indicator(j)} is {float(X[..., i, j].min()):g} for {labels.unit(i)}; {what} needs values > 0"
        )


def require_nonnegative(X: FloatArray, labels: Labels, what: str) -> None:
    """Raise if a value is < 0."""
    with np.errstate(invalid="ignore"):
        bad = X < 0
    if bad.any():
        i, j = _first_bad(bad)
        raise ValueError(
            f"{labels.indicator(j)} is {float(X[..., i, j].min()):g} for {labels.unit(i)}; {what} needs values >= 0"
        )


def split_leading(n_items: int, size: int) -> list[slice] | None:
    """Chunks of the first axis for thread-parallel evaluation of large batched inputs (numpy releases
    the GIL in ufuncs and reductions), or ``None`` when the input is too small or there is one core."""
    cores = os.cpu_count() or 1
    if cores < 2 or n_items < 2 or size < 2_000_000:
        return None
    k = min(cores, n_items)
    bounds = np.linspace(0, n_items, k + 1).astype(int)
    return [slice(int(a), int(b)) for a, b in itertools.pairwise(bounds)]


def run_chunks(fn: Any, chunks: list[slice]) -> list[Any]:
    """Run ``fn(chunk)`` for every chunk on a thread pool and return the results in order."""
    with ThreadPoolExecutor(max_workers=len(chunks)) as pool:
        return list(pool.map(fn, chunks))

"""Aggregation of normalised indicators into scores."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from ._validate import FloatArray, as_matrix, check_weights, require_positive

__all__ = ["AGGREGATION_METHODS", "aggregate"]

AggregationMethod = Literal["arithmetic", "geometric", "harmonic"]
AGGREGATION_METHODS: tuple[str, ...] = ("arithmetic", "geometric", "harmonic")


def aggregate(Xn: Any, weights: Any, method: AggregationMethod = "arithmetic") -> FloatArray:
    r"""Weighted aggregation of the columns of ``Xn`` (units × indicators) into one score per unit.

    With weights :math:`w_j \ge 0` renormalised over the indicators a unit actually has (NaN is skipped,
    so :math:`\tilde w_j = w_j / \sum_{k:\,x_k \ne \mathrm{NaN}} w_k`):

    * ``"arithmetic"`` (linear, fully compensatory; OECD/JRC 2008, §1.6.1): :math:`s = \sum_j \tilde w_j x_j`
    * ``"geometric"`` (partially compensatory; OECD/JRC 2008, §1.6.2; UNDP HDI since 2010):
      :math:`s = \prod_j x_j^{\tilde w_j} = \exp(\sum_j \tilde w_j \ln x_j)`; values ``<= 0`` are refused
      with a ``ValueError`` naming the unit and indicator (normalise to e.g. ``scale=(1, 100)`` first,
      as COINr recommends).
    * ``"harmonic"`` (least compensatory of the three; COINr ``a_harmean``):
      :math:`s = 1 / \sum_j (\tilde w_j / x_j)`; values ``<= 0`` are refused as well.

    A unit with no value at all gets NaN. ``Xn`` may carry leading axes ``(..., units, indicators)``;
    ``weights`` is ``(indicators,)`` or broadcastable to ``(..., indicators)``.
    """
    x, labels = as_matrix(Xn, "Xn")
    m = x.shape[-1]
    w = check_weights(weights, m, labels, allow_batch=True)
    if method not in AGGREGATION_METHODS:
        raise ValueError(f"unknown aggregation method {method!r}; choose one of {', '.join(AGGREGATION_METHODS)}")
    if np.isinf(x).any():
        i, j = (int(k) for k in np.argwhere(np.isinf(x))[0][-2:])
        raise ValueError(f"{labels.indicator(j)} is infinite for {labels.unit(i)}")
    if method != "arithmetic":
        require_positive(x, labels, f"{method} aggregation")
    nan = np.isnan(x)
    wb = w[..., None, :]  # broadcast over units
    if not nan.any():
        if method == "arithmetic":
            return (x * wb).sum(axis=-1) if w.ndim > 1 else x @ w
        if method == "geometric":
            return np.exp((np.log(x) * wb).sum(axis=-1))
        return 1.0 / ((wb / x).sum(axis=-1))
    present = np.where(nan, 0.0, wb)
    wsum = present.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "arithmetic":
            num = np.where(nan, 0.0, x * wb).sum(axis=-1)
            out = num / wsum
        elif method == "geometric":
            num = np.where(nan, 0.0, np.log(np.where(nan, 1.0, x)) * wb).sum(axis=-1)
            out = np.exp(num / wsum)
        else:
            num = np.where(nan, 0.0, wb / np.where(nan, 1.0, x)).sum(axis=-1)
            out = wsum / num
    return np.where(wsum > 0, out, np.nan)

"""Coupling coordination degree (耦合协调度) and its classification."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from ._validate import FloatArray, IntArray

__all__ = ["TEN_LEVELS", "CoordinationClasses", "coordination_class", "coupling_coordination"]


def coupling_coordination(
    U: Any,
    *,
    weights: Any = None,
    variant: Literal["traditional", "corrected"] = "traditional",
) -> tuple[FloatArray, FloatArray, FloatArray]:
    r"""Coupling degree ``C``, comprehensive index ``T`` and coupling coordination degree ``D``.

    ``U`` has shape ``(systems, ...)``: the first axis lists the ``n >= 2`` subsystems (e.g. two regions,
    or economy and ecology), trailing axes are anything (regions, years). Every value must lie in
    ``[0, 1]``; NaN is refused.

    ``variant="traditional"`` — the normative form restated by Wang Shujia et al. (2021, eq. 3) from the
    physics capacity-coupling model (Liu Yaobin, Li RenDong, Song Xuefeng 2005, 地理研究 24(2))::

        C = n * (prod_i U_i)^(1/n) / sum_i U_i          (C := 0 when every U_i = 0)

    ``variant="corrected"`` — Wang Shujia, Kong Wei, Ren Liang, Zhi Dandan, Dai Binting (2021). 国内耦合协调度
    模型的误区及修正 [Research on misuses and modification of coupling coordination degree model in China].
    自然资源学报 36(3), 793–810, eq. 6::

        C = sqrt( [1 - sum_{i>j} |U_i - U_j| / sum_{m=1}^{n-1} m] * [prod_i (U_i / max_k U_k)]^(1/(n-1)) )

    which spreads ``C`` over ``[0, 1]`` (the traditional ``C`` hardly drops below 0.8 for two systems).
    For two systems it reads ``C = sqrt((1 - |U_1 - U_2|) * min/max)``.

    Both variants then use::

        T = sum_i alpha_i U_i        (alpha: ``weights``, default 1/n each, sum 1)
        D = sqrt(C * T)

    Returns ``(C, T, D)``, each with the trailing shape of ``U``. ``C = 1`` whenever all systems are
    equal and positive; all three lie in ``[0, 1]``.
    """
    u = np.asarray(U.to_numpy() if hasattr(U, "to_numpy") else U, dtype=np.float64)
    if u.ndim < 1 or u.shape[0] < 2:
        raise ValueError(f"U must have shape (systems, ...) with at least two systems; got shape {u.shape}")
    n = u.shape[0]
    if np.isnan(u).any():
        idx = tuple(int(k) for k in np.argwhere(np.isnan(u))[0])
        raise ValueError(f"U is NaN at system {idx[0]}, position {idx[1:]}; coupling coordination needs every score")
    bad = (u < 0) | (u > 1)
    if bad.any():
        idx = tuple(int(k) for k in np.argwhere(bad)[0])
        raise ValueError(
            f"U[{idx[0]}] = {float(u[idx]):g} at position {idx[1:]} lies outside [0, 1]; "
            "normalise the subsystem scores to [0, 1] first"
        )
    if weights is None:
        alpha = np.full(n, 1.0 / n)
    else:
        alpha = np.asarray(weights, dtype=np.float64)
        if alpha.shape != (n,):
            raise ValueError(f"weights must have one entry per system ({n}); got shape {alpha.shape}")
        if np.any(alpha < 0) or not np.isfinite(alpha).all() or alpha.sum() <= 0:
            raise ValueError("system weights must be finite, non-negative and not all zero")
        alpha = alpha / alpha.sum()
    if variant not in ("traditional", "corrected"):
        raise ValueError(f"unknown variant {variant!r}; choose 'traditional' or 'corrected'")
    with np.errstate(divide="ignore", invalid="ignore"):
        if variant == "traditional":
            total = u.sum(axis=0)
            geo = np.exp(np.log(u).mean(axis=0))  # (prod U)^(1/n); log(0) = -inf gives 0
            c = np.where(total > 0, n * geo / np.where(total > 0, total, 1.0), 0.0)
        else:
            iu, ju = np.triu_indices(n, k=1)
            spread = np.abs(u[iu] - u[ju]).sum(axis=0) / (n * (n - 1) / 2)
            umax = u.max(axis=0)
            ratio = np.where(umax > 0, np.exp(np.log(u / np.where(umax > 0, umax, 1.0)).sum(axis=0) / (n - 1)), 0.0)
            c = np.sqrt(np.clip((1.0 - spread) * ratio, 0.0, 1.0))
    c = np.clip(c, 0.0, 1.0)
    t = np.tensordot(alpha, u, axes=(0, 0))
    d = np.sqrt(c * t)
    return c, t, d


#: The usual ten-level scheme (十级划分), e.g. Liao Chongbin (1999) 热带地理 19(2); used in most Chinese
#: coupling-coordination studies: boundaries 0, 0.1, ..., 1.0.
TEN_LEVELS: tuple[tuple[str, str], ...] = (
    ("极度失调", "extreme imbalance"),
    ("严重失调", "serious imbalance"),
    ("中度失调", "moderate imbalance"),
    ("轻度失调", "mild imbalance"),
    ("濒临失调", "on the verge of imbalance"),
    ("勉强协调", "barely coordinated"),
    ("初级协调", "primary coordination"),
    ("中级协调", "intermediate coordination"),
    ("良好协调", "good coordination"),
    ("优质协调", "high-quality coordination"),
)

_SCHEMES: dict[str, tuple[tuple[float, ...], tuple[tuple[str, str], ...]]] = {
    "ten_levels": (tuple(np.round(np.linspace(0.0, 1.0, 11), 10)), TEN_LEVELS),
}


@dataclass(frozen=True)
class CoordinationClasses:
    """Result of :func:`coordination_class`: integer codes (1 = worst) and their names."""

    codes: IntArray
    name_zh: npt.NDArray[np.str_]
    name_en: npt.NDArray[np.str_]
    boundaries: tuple[float, ...]
    closed: str


def coordination_class(
    D: Any,
    *,
    scheme: str = "ten_levels",
    closed: Literal["right", "left"] = "right",
    boundaries: Any = None,
    names: Any = None,
) -> CoordinationClasses:
    """Classify coupling coordination degrees into levels.

    ``scheme="ten_levels"`` uses boundaries 0, 0.1, …, 1 and the names 极度失调 (extreme imbalance) …
    优质协调 (high-quality coordination), see :data:`TEN_LEVELS`. Custom ``boundaries`` (increasing, k+1
    values) with ``names`` (k pairs ``(zh, en)``) replace the scheme.

    ``closed="right"``: classes are ``(b_k, b_{k+1}]`` with the lowest boundary included in the first class
    (0 ≤ D ≤ 0.1 is 极度失调, 0.1 < D ≤ 0.2 is 严重失调, …) — the convention of most tables, e.g. 0.90 < D ≤ 1.00
    优质协调. ``closed="left"``: ``[b_k, b_{k+1})`` with the top boundary included in the last class.
    Values outside the outer boundaries raise ``ValueError``; NaN gets code 0 and empty names.
    """
    if boundaries is None:
        if scheme not in _SCHEMES:
            raise ValueError(f"unknown scheme {scheme!r}; choose one of {', '.join(_SCHEMES)} or give boundaries")
        bnd, nm = _SCHEMES[scheme]
    else:
        bnd = tuple(float(b) for b in boundaries)
        if names is None:
            raise ValueError("custom boundaries need names: one (zh, en) pair per class")
        nm = tuple((str(p[0]), str(p[1])) for p in names)
    if names is not None and boundaries is None:
        nm = tuple((str(p[0]), str(p[1])) for p in names)
    if len(nm) != len(bnd) - 1:
        raise ValueError(f"{len(bnd)} boundaries define {len(bnd) - 1} classes but {len(nm)} names were given")
    if any(b2 <= b1 for b1, b2 in itertools.pairwise(bnd)):
        raise ValueError("boundaries must be strictly increasing")
    if closed not in ("right", "left"):
        raise ValueError("closed must be 'right' or 'left'")
    d = np.asarray(D.to_numpy() if hasattr(D, "to_numpy") else D, dtype=np.float64)
    nan = np.isnan(d)
    outside = ~nan & ((d < bnd[0]) | (d > bnd[-1]))
    if outside.any():
        raise ValueError(f"D = {float(d[outside].flat[0]):g} lies outside the scheme's range [{bnd[0]}, {bnd[-1]}]")
    edges = np.asarray(bnd[1:-1])
    side: Literal["left", "right"] = "left" if closed == "right" else "right"
    codes = np.searchsorted(edges, np.where(nan, bnd[0], d), side=side) + 1
    codes = np.where(nan, 0, codes).astype(np.int64)
    zh = np.array([""] + [p[0] for p in nm])[codes]
    en = np.array([""] + [p[1] for p in nm])[codes]
    return CoordinationClasses(codes=codes, name_zh=zh, name_en=en, boundaries=bnd, closed=closed)

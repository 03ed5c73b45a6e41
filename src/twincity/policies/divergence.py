"""How far apart the sides' terms are: the divergence of an alignment group, defined once.

An alignment group (对标组) compares equivalent clauses of the sides of a partnership, all stated in
one unit. Each side contributes the values of its clauses in the group (one or more); sides without
a clause take no part. Values are magnitudes (a subsidy, a discount, a price), never negative.

Let ``lo(s)`` and ``hi(s)`` be the lowest and highest value of side ``s``. For two different sides
``s`` and ``t`` the largest gap between a value of ``s`` and a value of ``t`` is ``hi(s) − lo(t)``
(or the other way round). The divergence of the group is the largest such gap over all pairs:

* **absolute**: ``max over s ≠ t of (hi(s) − lo(t))``, never below 0, in the group's unit
  (percentage points when the unit is %);
* **relative**: ``max over s ≠ t of (hi(s) − lo(t)) / hi(s) × 100``, a percentage of the higher
  value of the pair, between 0 and 100 (0 when both values are 0).

With one clause per side this is the familiar ``max − min`` across the sides, and
``(max − min) / max × 100`` for the relative kind. Differences between the clauses of one side
alone (two districts of Liangjiang offering 40 % and 50 %) are not a divergence; they count only as
far as another side's clause sits beyond them.

With fewer than two sides there is nothing to compare and the divergence is ``None``.

The figure is rounded half-up to four decimal places, and the rounded figure is what is compared
with the tolerance, so the flag always agrees with the number people see. The group is flagged
when the divergence **exceeds** the tolerance (strictly greater): a gap equal to the tolerance is
still aligned.

This module imports nothing from Django: it is plain arithmetic on ``Decimal``.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal

RELATIVE = "relative"
ABSOLUTE = "absolute"
PLACES = Decimal("0.0001")
HUNDRED = Decimal(100)


def divergence(values: Mapping[Hashable, Iterable[Decimal]], kind: str) -> Decimal | None:
    """The divergence of the sides' ``values`` ({side: [value, …]}) of ``kind`` "relative" or "absolute"."""
    if kind not in (RELATIVE, ABSOLUTE):
        raise ValueError(f"Unknown divergence kind {kind!r}")
    spans = []
    for side_values in values.values():
        side_values = [Decimal(v) for v in side_values]
        if not side_values:
            continue
        if any(v < 0 for v in side_values):
            raise ValueError("Clause values are magnitudes and cannot be negative")
        spans.append((min(side_values), max(side_values)))
    if len(spans) < 2:
        return None
    result = Decimal(0)
    for i, (_lo_s, hi_s) in enumerate(spans):
        for j, (lo_t, _hi_t) in enumerate(spans):
            if i == j or hi_s <= lo_t:
                continue
            gap = hi_s - lo_t
            result = max(result, gap if kind == ABSOLUTE else gap / hi_s * HUNDRED)
    return result.quantize(PLACES, rounding=ROUND_HALF_UP)


def exceeds(value: Decimal | None, tolerance: Decimal) -> bool:
    """Is the divergence beyond the tolerance? (Nothing to compare never is.)"""
    return value is not None and value > tolerance

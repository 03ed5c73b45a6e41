"""Indicator values computed from the figures (never typed in): numerator ÷ denominator × factor per region
and period, with figures of a finer frequency added up to the period asked for by each element's rule
(months or quarters to a year: a flow sums, a rate averages, a stock takes the last)."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from django.db.models import FloatField
from django.db.models.functions import Cast

from twincity.indicators.choices import AggregationRule, ObservationStatus
from twincity.indicators.models import DataElement, Indicator, Observation


def _year_of(period: str) -> str:
    return period[:4]


def element_values(
    elements: Iterable[DataElement],
    region_ids: list[int],
    periods: list[str],
    *,
    final_only: bool = False,
) -> dict[int, np.ndarray]:
    """Element id → array (periods, regions) of its values; NaN where there is no figure.

    A yearly period asked of a monthly or quarterly element is its months' or quarters' aggregate (by the
    element's rule), when every one of them is there; otherwise NaN (half a year is not a year)."""
    elements = list(elements)
    p_index = {p: i for i, p in enumerate(periods)}
    r_index = {r: i for i, r in enumerate(region_ids)}
    years = {_year_of(p) for p in periods}
    out = {e.pk: np.full((len(periods), len(region_ids)), np.nan) for e in elements}
    if not elements or not region_ids or not periods:
        return out
    rows = Observation.objects.filter(
        element__in=[e.pk for e in elements], region_id__in=region_ids, archived_at__isnull=True
    )
    if final_only:
        rows = rows.filter(status=ObservationStatus.FINAL)
    by_pk = {e.pk: e for e in elements}
    finer: dict[tuple[int, str, int], list[tuple[str, float]]] = {}
    # Cast in SQL: building 600,000 Decimals in Python costs seconds; a float is what the arrays hold anyway.
    # No ordering: the model's (element, region, period) joins both tables and sorts on disk for nothing.
    rows = rows.order_by().annotate(as_float=Cast("value", FloatField()))
    for element_id, region_id, period, value in rows.values_list("element_id", "region_id", "period", "as_float"):
        if period in p_index:
            out[element_id][p_index[period], r_index[region_id]] = float(value)
        elif len(period) > 4 and period[:4] in years and period[:4] in p_index:
            finer.setdefault((element_id, period[:4], region_id), []).append((period, float(value)))
    for (element_id, year, region_id), items in finer.items():
        cell = (p_index[year], r_index[region_id])
        if not np.isnan(out[element_id][cell]):
            continue  # the year's own figure wins over its months
        needed = 12 if len(items[0][0]) == 6 else 4
        if len(items) < needed:
            continue
        items.sort()
        values = [v for _p, v in items]
        rule = by_pk[element_id].aggregation
        if rule == AggregationRule.SUM:
            out[element_id][cell] = float(np.sum(values))
        elif rule == AggregationRule.AVERAGE:
            out[element_id][cell] = float(np.mean(values))
        else:
            out[element_id][cell] = values[-1]
    return out


def indicator_values(
    indicators: list[Indicator],
    region_ids: list[int],
    periods: list[str],
    *,
    final_only: bool = False,
) -> np.ndarray:
    """Array (periods, regions, indicators) of the indicators' values; NaN where a figure is missing or the
    denominator is zero."""
    elements = {}
    for ind in indicators:
        elements[ind.numerator_id] = ind.numerator
        if ind.denominator_id:
            elements[ind.denominator_id] = ind.denominator
    values = element_values(elements.values(), region_ids, periods, final_only=final_only)
    out = np.full((len(periods), len(region_ids), len(indicators)), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        for k, ind in enumerate(indicators):
            num = values[ind.numerator_id]
            if ind.denominator_id:
                den = values[ind.denominator_id]
                col = np.where(den == 0, np.nan, num / den)
            else:
                col = num
            out[:, :, k] = col * float(ind.factor)
    return out

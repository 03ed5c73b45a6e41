"""Policies judged by their effect (政策考核): the indicators a policy of the policies register aims to move,
and each side's values of them before and after the policy took effect.

Who: whoever may edit the policy (``can(user, Action.CHANGE, policy)``: the office, or the coordinator of the
policy's side) adds and removes its targets; every member of the partnership reads them.

Before and after, with yearly figures: a year counts **after** when the policy was in force for at least half
of it (``Policy.effective_on`` on or before 1 July), **before** when it was not in force at all, and is the
**transition** year otherwise (shown on the chart, counted in neither mean). A policy without an effective date
has no before and after. The change is the mean after minus the mean before; whether it is an improvement
depends on the indicator's direction (a falling urban–rural income ratio is one).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from twincity.accounts.access import can
from twincity.accounts.choices import Action
from twincity.audit.services import log_event
from twincity.core.services import lock
from twincity.core.text import plain
from twincity.indicators.choices import Direction
from twincity.indicators.models import Indicator, Observation, PolicyTarget
from twincity.indicators.values import indicator_values

MAY_NOT = gettext_lazy("Only those who may edit the policy choose the indicators it aims to move.")


class Event(models.TextChoices):
    """The named events of policy targets (registered with the trail in ``apps.py``)."""

    TARGET_ADDED = "policytarget.added", gettext_lazy("Indicator added to a policy's targets")
    TARGET_REMOVED = "policytarget.removed", gettext_lazy("Indicator removed from a policy's targets")


def may_edit_targets(user, policy) -> bool:
    return can(user, Action.CHANGE, policy)


def add_target(policy, indicator: Indicator, *, user, note: str = "") -> PolicyTarget:
    """Name an indicator the policy aims to move (the office or the policy's side)."""
    with transaction.atomic():
        policy = lock(policy)
        if not may_edit_targets(user, policy):
            raise PermissionDenied(MAY_NOT)
        if policy.is_archived:
            raise ValidationError(_("The policy is archived."))
        if indicator.partnership_id != policy.partnership_id or indicator.archived_at is not None:
            raise ValidationError({"indicator": _("Choose an indicator of this partnership.")})
        if PolicyTarget.objects.filter(policy=policy, indicator=indicator).exists():
            raise ValidationError({"indicator": _("This indicator is already among the policy's targets.")})
        target = PolicyTarget.objects.create(policy=policy, indicator=indicator, note=plain(note or "")[:300])
        log_event(Event.TARGET_ADDED, policy, user=user, data={"indicator": indicator.code})
        return target


def remove_target(target: PolicyTarget, *, user) -> None:
    """Take an indicator off the policy's targets (a link, not a record: the trail keeps its removal)."""
    with transaction.atomic():
        policy = lock(target.policy)
        if not may_edit_targets(user, policy):
            raise PermissionDenied(MAY_NOT)
        code = target.indicator.code
        target.delete()
        log_event(Event.TARGET_REMOVED, policy, user=user, data={"indicator": code})


# ----------------------------------------------------------------------------- before and after


def year_phase(year: int, effective_on: dt.date | None) -> str:
    """``before``, ``after`` or ``transition`` for a yearly period (see the module docstring)."""
    if effective_on is None:
        return "transition"
    if year < effective_on.year:
        return "before"
    if year > effective_on.year:
        return "after"
    return "after" if effective_on <= dt.date(year, 7, 1) else "transition"


@dataclass
class SideEffect:
    side: object
    values: list[float | None]
    before_mean: float | None
    after_mean: float | None
    change: float | None
    percent: float | None
    improved: bool | None


@dataclass
class TargetEffect:
    target: PolicyTarget
    indicator: Indicator
    periods: list[str]
    phases: list[str]
    sides: list[SideEffect] = field(default_factory=list)
    chart: dict = field(default_factory=dict)

    @property
    def rows(self) -> list[tuple[str, str, list]]:
        """(period, phase, each side's value) for the table under the chart."""
        return [(p, self.phases[i], [s.values[i] for s in self.sides]) for i, p in enumerate(self.periods)]


def _mean(values: list[float]) -> float | None:
    return float(np.mean(values)) if values else None


def _periods(partnership_id: int, indicators: list[Indicator], region_ids: list[int]) -> list[str]:
    elements = {i.numerator_id for i in indicators} | {i.denominator_id for i in indicators if i.denominator_id}
    years = (
        Observation.objects.filter(
            partnership_id=partnership_id,
            element_id__in=elements,
            region_id__in=region_ids,
            archived_at__isnull=True,
        )
        .order_by()
        .values_list("period", flat=True)
        .distinct()
    )
    return sorted({p[:4] for p in years})


def effect(policy) -> list[TargetEffect]:
    """Each target indicator of ``policy`` for each side: the yearly values, the means before and after, the
    change and the chart's options. A fixed number of queries whatever the number of targets and years."""
    targets = list(
        PolicyTarget.objects.filter(policy=policy)
        .select_related("indicator__numerator", "indicator__denominator")
        .order_by("indicator__code")
    )
    if not targets:
        return []
    sides = policy.partnership.sides()
    indicators = [t.indicator for t in targets]
    periods = _periods(policy.partnership_id, indicators, [s.pk for s in sides])
    if not periods:
        return [TargetEffect(t, t.indicator, [], []) for t in targets]
    values = indicator_values(indicators, [s.pk for s in sides], periods)
    phases = [year_phase(int(p), policy.effective_on) for p in periods]
    out = []
    for k, target in enumerate(targets):
        item = TargetEffect(target, target.indicator, periods, phases)
        for j, side in enumerate(sides):
            column = [None if np.isnan(v) else round(float(v), 4) for v in values[:, j, k]]
            before = _mean([v for v, ph in zip(column, phases, strict=True) if v is not None and ph == "before"])
            after = _mean([v for v, ph in zip(column, phases, strict=True) if v is not None and ph == "after"])
            change = after - before if before is not None and after is not None else None
            percent = 100 * change / abs(before) if change is not None and before else None
            improved = None if change is None or change == 0 else (change > 0) == (target.indicator.direction > 0)
            item.sides.append(SideEffect(side, column, before, after, change, percent, improved))
        item.chart = chart_options(item, policy)
        out.append(item)
    return out


def chart_options(item: TargetEffect, policy) -> dict:
    """ECharts options: one line per side, a mark line at the year the policy took effect."""
    unit = item.indicator.unit
    arrow = "↑" if item.indicator.direction == Direction.BENEFIT else "↓"
    series = []
    for n, side in enumerate(item.sides):
        line = {"name": side.side.label, "type": "line", "data": side.values, "connectNulls": False}
        if n == 0 and policy.effective_on is not None and str(policy.effective_on.year) in item.periods:
            line["markLine"] = {
                "symbol": "none",
                "label": {"formatter": _("In force from %(date)s") % {"date": policy.effective_on.isoformat()}},
                "data": [{"xAxis": str(policy.effective_on.year)}],
            }
        series.append(line)
    return {
        "title": {"text": f"{item.indicator.display_name} {arrow}", "left": 0, "textStyle": {"fontSize": 13}},
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"left": 60, "right": 20, "top": 48, "bottom": 40},
        "xAxis": {"type": "category", "data": item.periods},
        "yAxis": {"type": "value", "name": unit, "scale": True},
        "series": series,
    }

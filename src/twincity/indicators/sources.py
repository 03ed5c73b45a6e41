"""What the indicator system tells the rest of the office (imported from ``IndicatorsConfig.ready()``):

* the dashboard panel **latest coupling coordination** (耦合协调度): the latest published run's D for the latest
  period, its class in Chinese, which side lags, how D moved since the run's first period, a link to the run;
* the agenda source **gap widened** for the joint meeting: an indicator where a side's gap to the other widened
  from the previous period to the latest one (figures changed since the last session);
* the **siting specialisation provider** (``siting/specialisation.py``): each side's location quotient in the
  case's industry, from the latest figures of a breakdown whose category names that industry;
* the link from a policy's page to its **effect** page (``core.registry.add_object_link``).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

import numpy as np
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from twincity.analytics import TEN_LEVELS, location_quotient
from twincity.core import registry
from twincity.indicators import runs
from twincity.indicators.choices import Direction
from twincity.indicators.models import DataElement, Indicator, Observation
from twincity.indicators.values import indicator_values
from twincity.meetings.sources import AgendaSource
from twincity.meetings.sources import register as register_source
from twincity.regions.models import Partnership, Region
from twincity.siting import specialisation

# ----------------------------------------------------------------------------- the dashboard panel


def _run_url(run_id: int) -> str:
    try:
        return reverse("indicators:run_detail", args=[run_id])
    except NoReverseMatch:  # pragma: no cover - until the runs' pages are merged
        return ""


def class_zh(code: int | None) -> str:
    """The ten-level class's Chinese name (1 = 极度失调 … 10 = 优质协调)."""
    return TEN_LEVELS[int(code) - 1][0] if code and 1 <= int(code) <= len(TEN_LEVELS) else "—"


@registry.panel_queries
def _coupling_queries(partnership_id: int, today):
    """What the latest published run's coupling needs of it, and the partnership's sides (their names: who lags)."""
    return (
        runs.latest_coupling_read(partnership_id),
        Partnership.sides_of(partnership_id).only("pk", "name", "name_en", "short_name"),
    )


def coupling_items(partnership, today, rows: tuple | None = None) -> list[registry.PanelItem]:
    """The latest published run's coupling between the sides: D and its class for the latest period, who lags,
    and D in the run's first period."""
    latest, sides = _coupling_queries(partnership.pk, today, rows)
    run = latest[0] if latest else None
    periods = runs.coupling_rows(run)
    if not periods:
        return []
    last, first = periods[-1], periods[0]
    url = _run_url(run["pk"])
    items = [
        registry.PanelItem(
            _("%(period)s coupling coordination D = %(D).3f") % {"period": last["period"], "D": last["D"]},
            url,
            badge=last["class_name"] or "—",
            tone="success" if last["class_code"] and last["class_code"] >= 7 else "warning",
        )
    ]
    if last["lagging_region_id"]:
        lagging = last["lagging_region_id"]
        # A side of the partnership (the run's spec names its sides); a region since left, read alone.
        side = next((s for s in sides if s.pk == lagging), None) or Region.objects.filter(pk=lagging).first()
        if side is not None:
            items.append(
                registry.PanelItem(_("Side that lags: %(side)s") % {"side": side.label}, url, tone="secondary")
            )
    if first is not last:
        items.append(
            registry.PanelItem(
                _("%(first)s: D = %(D).3f") % {"first": first["period"], "D": first["D"]},
                url,
                badge=first["class_name"] or "—",
                tone="secondary",
            )
        )
    return items


def coupling_link(partnership) -> str:
    try:
        return reverse("indicators:run_list") + f"?partnership={partnership.pk}"
    except NoReverseMatch:  # pragma: no cover - until the runs' pages are merged
        return ""


# ----------------------------------------------------------------------------- the agenda source


def relative_gap(a: float, b: float) -> float:
    """|a − b| as a share of the larger magnitude (0 when both are 0)."""
    scale = max(abs(a), abs(b))
    return abs(a - b) / scale if scale else 0.0


def widened_gaps(partnership, since=None) -> list[dict]:
    """Indicators whose gap between the two sides widened from the previous period to the latest one with
    figures for both; with ``since``, only where a figure of the latest period changed on or after that day."""
    sides = partnership.sides()
    if len(sides) != 2:
        return []
    side_ids = [s.pk for s in sides]
    indicators = list(
        Indicator.objects.filter(partnership=partnership, archived_at__isnull=True).select_related(
            "numerator", "denominator"
        )
    )
    if not indicators:
        return []
    periods = sorted(
        set(
            Observation.objects.filter(partnership=partnership, region_id__in=side_ids, archived_at__isnull=True)
            .filter(period__regex=r"^\d{4}$")
            .order_by()
            .values_list("period", flat=True)
            .distinct()
        )
    )[-6:]
    if len(periods) < 2:
        return []
    values = indicator_values(indicators, side_ids, periods)
    fresh = None
    if since is not None:
        changed = (
            Observation.objects.filter(partnership=partnership, region_id__in=side_ids, archived_at__isnull=True)
            .filter(Q(created__date__gte=since) | Q(last_updated__date__gte=since))
            .order_by()
            .values_list("element_id", "period")
            .distinct()
        )
        fresh = set(changed)
    found = []
    for k, indicator in enumerate(indicators):
        both = [t for t in range(len(periods)) if not np.isnan(values[t, :, k]).any()]
        if len(both) < 2:
            continue
        prev, last = both[-2], both[-1]
        elements = {indicator.numerator_id, indicator.denominator_id} - {None}
        if fresh is not None and not any((e, periods[last]) in fresh for e in elements):
            continue
        a, b = values[last, :, k]
        gap_now = relative_gap(a, b)
        gap_before = relative_gap(*values[prev, :, k])
        if gap_now <= gap_before + 1e-9:
            continue
        behind = 0 if (a < b) == (indicator.direction == Direction.BENEFIT) else 1
        found.append(
            {
                "indicator": indicator,
                "period": periods[last],
                "previous": periods[prev],
                "gap": gap_now,
                "gap_before": gap_before,
                "behind": sides[behind],
                "values": (float(a), float(b)),
            }
        )
    found.sort(key=lambda f: f["gap"] - f["gap_before"], reverse=True)
    return found


class GapWidened(AgendaSource):
    """Indicators where one side fell further behind the other since the previous period."""

    key = "indicator_gap_widened"
    label = gettext_lazy("Indicator gap widened")
    order = 70

    def proposals(self, session, since, today):
        result = []
        for gap in widened_gaps(session.partnership, since)[:10]:
            indicator = gap["indicator"]
            result.append(
                self.proposal(
                    indicator,
                    title=_("Gap widened: %(indicator)s") % {"indicator": indicator.display_name},
                    reason=_(
                        "%(side)s is behind: the gap between the sides grew from %(before).1f%% in %(previous)s "
                        "to %(now).1f%% in %(period)s."
                    )
                    % {
                        "side": gap["behind"].label,
                        "before": 100 * gap["gap_before"],
                        "previous": gap["previous"],
                        "now": 100 * gap["gap"],
                        "period": gap["period"],
                    },
                    side_id=gap["behind"].pk,
                )
            )
        return result


# ----------------------------------------------------------------------------- siting: location quotients

_SPLIT = re.compile(r"[\s/、，,;；与和及]+")


def _words(text: str) -> set[str]:
    text = unicodedata.normalize("NFKC", str(text or "")).lower()
    return {w for w in _SPLIT.split(text) if len(w) >= 2}


def matches(category: str, industry: str) -> bool:
    """Whether a breakdown's category names the case's industry: one contains the other, or they share a word
    of two characters or more (``汽车/新能源汽车`` names ``智能网联新能源汽车``; ``大数据/超级计算`` names
    ``大数据 / 超级计算``)."""
    c, i = _words(category), _words(industry)
    if not c or not i:
        return False
    return any(a in b or b in a for a in c for b in i)


def location_quotients(case) -> list[specialisation.Specialisation]:
    """Each side's location quotient in the case's industry (see the module docstring). The breakdown is the
    first (by code) whose category matches; the period the latest with figures for every category of it and
    both sides; the reference economy all regions with the whole breakdown in that period."""
    partnership = case.partnership
    elements = list(
        DataElement.objects.filter(partnership=partnership, archived_at__isnull=True)
        .exclude(category_set="")
        .order_by("category_set", "code")
    )
    chosen = next((e for e in elements if matches(e.category, case.industry)), None)
    if chosen is None:
        return []
    breakdown = [e for e in elements if e.category_set == chosen.category_set]
    sides = partnership.sides()
    rows = Observation.objects.filter(
        element__in=[e.pk for e in breakdown], archived_at__isnull=True, period__regex=r"^\d{4}$"
    ).values_list("element_id", "region_id", "period", "value")
    table: dict[str, dict[int, dict[int, float]]] = {}
    for element_id, region_id, period, value in rows:
        table.setdefault(period, {}).setdefault(region_id, {})[element_id] = float(value)
    wanted = [e.pk for e in breakdown]
    for period in sorted(table, reverse=True):
        complete = {r: v for r, v in table[period].items() if all(e in v for e in wanted)}
        if not all(s.pk in complete for s in sides):
            continue
        regions = sorted(complete)
        lq = location_quotient(np.array([[complete[r][e] for e in wanted] for r in regions]))
        column = wanted.index(chosen.pk)
        return [
            specialisation.Specialisation(
                side=side,
                value=Decimal(f"{lq[regions.index(side.pk), column]:.2f}"),
                period=period,
                source=_("%(element)s in %(breakdown)s; reference: %(count)s regions together")
                % {"element": chosen.display_name, "breakdown": chosen.category_set, "count": len(regions)},
                note=_("illustrative figures") if "示意" in chosen.source else "",
            )
            for side in sides
        ]
    return []


# ----------------------------------------------------------------------------- a policy's page


def policy_links(policy, user) -> list[registry.ObjectLink]:
    return [
        registry.ObjectLink(
            label=_("Effect on indicators"),
            url=reverse("indicators:policy_effect", args=[policy.pk]),
            icon="graph-up",
            key="policy-effect",
        )
    ]


registry.add_panel(
    registry.DashboardPanel(
        key="indicators_coupling",
        title=gettext_lazy("Latest coupling coordination"),
        items=coupling_items,
        reads=_coupling_queries,
        icon="diagram-2",
        order=60,
        link=coupling_link,
    )
)
register_source(GapWidened())
specialisation.register("indicators", location_quotients)
registry.add_object_link("policies.policy", policy_links, key="indicators.policy_effect")

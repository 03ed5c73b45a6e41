"""The tables of the statistics lists, and how an indicator's formula and direction read on a page."""

from __future__ import annotations

from decimal import Decimal

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from twincity.core.tables import LeanTable, choice_display
from twincity.indicators.choices import Direction
from twincity.indicators.models import DataElement, Indicator, Observation


def number_text(value) -> str:
    """A decimal as people read it: no trailing zeros, no exponent (1E+2 is 100)."""
    if value is None:
        return ""
    return f"{Decimal(value).normalize():f}"


def formula_text(indicator: Indicator) -> str:
    """“R&D经费 ÷ 地区生产总值 × 100”: the indicator's formula with its elements' names."""
    text = indicator.numerator.display_name
    if indicator.denominator_id:
        text += f" ÷ {indicator.denominator.display_name}"
    if Decimal(indicator.factor) != 1:
        text += f" × {number_text(indicator.factor)}"
    return text


def direction_text(direction: int) -> str:
    """↑ Higher is better / ↓ Lower is better."""
    arrow = "↑" if direction == Direction.BENEFIT else "↓"
    return f"{arrow} {Direction(direction).label}"


class _Table(LeanTable):
    class Meta:
        template_name = "django_tables2/bootstrap5.html"
        attrs = {"class": "table table-hover table-sm align-middle mb-0"}
        empty_text = _("Nothing matches these filters.")


class ElementTable(_Table):
    code = tables.Column(
        verbose_name=_("Code"),
        linkify=lambda record: reverse("indicators:element", args=[record.pk]),
        attrs={"td": {"class": "font-monospace text-nowrap"}},
    )
    name = tables.Column(verbose_name=_("Name"), accessor="display_name", order_by=("name",))
    unit = tables.Column(verbose_name=_("Unit"))
    frequency = tables.Column(verbose_name=_("Frequency"))
    aggregation = tables.Column(verbose_name=_("Aggregation"))
    category_set = tables.Column(verbose_name=_("Breakdown"))
    source = tables.Column(verbose_name=_("Source"))

    class Meta(_Table.Meta):
        model = DataElement
        fields = ()


class IndicatorTable(_Table):
    code = tables.Column(
        verbose_name=_("Code"),
        linkify=lambda record: reverse("indicators:indicator", args=[record.pk]),
        attrs={"td": {"class": "font-monospace text-nowrap"}},
    )
    name = tables.Column(verbose_name=_("Name"), accessor="display_name", order_by=("name",))
    formula = tables.Column(verbose_name=_("Formula"), empty_values=(), orderable=False)
    unit = tables.Column(verbose_name=_("Unit"))
    direction = tables.Column(verbose_name=_("Direction"))

    class Meta(_Table.Meta):
        model = Indicator
        fields = ()

    def render_formula(self, record):
        return formula_text(record)

    def render_direction(self, record):
        return direction_text(record.direction)


class ObservationTable(_Table):
    element = tables.Column(
        verbose_name=_("Data element"),
        accessor="element__display_name",
        order_by=("element__code",),
        linkify=lambda record: reverse("indicators:observation", args=[record.pk]),
    )
    region = tables.Column(verbose_name=_("Region"), accessor="region__display_name", order_by=("region__code",))
    period = tables.Column(verbose_name=_("Period"), attrs={"td": {"class": "font-monospace"}})
    value = tables.Column(verbose_name=_("Value"), attrs={"td": {"class": "text-end font-monospace"}})
    unit = tables.Column(verbose_name=_("Unit"), accessor="element__unit", orderable=False)
    status = tables.Column(verbose_name=_("Status"))
    organisation = tables.Column(verbose_name=_("Reported by"), accessor="organisation__name", orderable=False)
    source = tables.Column(verbose_name=_("Source"))

    class Meta(_Table.Meta):
        model = Observation
        fields = ()

    def render_value(self, value):
        return number_text(value)

    def render_status(self, record):
        tone = "success" if record.is_final else "warning"
        return format_html('<span class="badge text-bg-{}">{}</span>', tone, choice_display(record, "status"))

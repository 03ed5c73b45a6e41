"""A small statistics scene for the indicator tests: the personas' partnership (``testing.build_world``), a
province above each side, a few other provinces for a reference panel, two data elements and an indicator."""

from __future__ import annotations

from decimal import Decimal

from twincity.audit.context import acting
from twincity.indicators import services
from twincity.indicators.services import FigureRow
from twincity.regions.models import Region
from twincity.testing import build_world


def build_statistics(prefix: str = "") -> object:
    w = build_world(code_prefix=prefix)
    office = w.users["office"]
    w.provinces = [
        Region.objects.create(code=f"{prefix}P{i}", name=name, name_en=en)
        for i, (name, en) in enumerate(
            [("四川", "Sichuan"), ("重庆", "Chongqing"), ("上海", "Shanghai"), ("西藏", "Tibet")]
        )
    ]
    with acting(office):
        w.gdp = services.create_element(
            partnership=w.partnership, user=office, code="GDP", name="地区生产总值", name_en="GDP", unit="亿元"
        )
        w.rd = services.create_element(
            partnership=w.partnership, user=office, code="RD", name="R&D经费", name_en="R&D spending", unit="亿元"
        )
        w.intensity = services.create_indicator(
            partnership=w.partnership,
            user=office,
            code="RDI",
            name="研发投入强度",
            name_en="R&D intensity",
            numerator=w.rd,
            denominator=w.gdp,
            factor=Decimal(100),
            unit="%",
        )
    return w


def figures(w, user, rows):
    """Record ``rows`` of (element, region, period, value) as ``user``."""
    with acting(user):
        return services.record_observations(
            w.partnership, [FigureRow(element=e, region=r, period=p, value=v) for e, r, p, v in rows], user=user
        )

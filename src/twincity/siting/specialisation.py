"""Each side's specialisation in a case's industry (location quotient, 区位熵): a hook for the indicators.

The siting app does not compute statistics. The indicator module, when it exists, registers a
provider from its ``AppConfig.ready()``::

    from twincity.siting import specialisation

    def location_quotients(case):
        return [specialisation.Specialisation(side=region, value=1.8, period="2020", source="…"), ...]

    specialisation.register("indicators", location_quotients)

A provider returns the figures it has for the case's industry (an empty list when it has none).
The case page shows them per side, or says "not available yet" while no provider is registered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Specialisation:
    """One side's location quotient in the case's industry for a period (above 1: more specialised than the whole)."""

    side: object  # regions.Region
    value: Decimal | float
    period: str = ""
    source: str = ""
    note: str = ""


Provider = Callable[[object], list[Specialisation]]

_PROVIDERS: dict[str, Provider] = {}


def register(key: str, provider: Provider) -> Provider:
    _PROVIDERS[key] = provider
    return provider


def unregister(key: str) -> None:
    _PROVIDERS.pop(key, None)


def providers() -> dict[str, Provider]:
    return dict(_PROVIDERS)


def specialisation_for(case) -> list[Specialisation] | None:
    """The figures every registered provider has for ``case``; None while no provider is registered at all."""
    if not _PROVIDERS:
        return None
    figures: list[Specialisation] = []
    for _key, provider in sorted(_PROVIDERS.items()):
        figures.extend(provider(case))
    return figures

"""Where a lesson or a gap came from, as told by apps above the visits app (which it cannot import): the
indicator system adds a gap from an index run's gap table and links the gap back to the run and the indicator.

An app registers a function ``entry -> [(label, url), ...]`` from its ``AppConfig.ready()``; the entry's page
lists what they return under "Found by".
"""

from __future__ import annotations

from collections.abc import Callable

_ORIGINS: list[Callable] = []


def register(origin: Callable) -> Callable:
    """Add a teller of origins (once)."""
    if origin not in _ORIGINS:
        _ORIGINS.append(origin)
    return origin


def origins_of(entry) -> list[tuple[str, str]]:
    """Every (label, url) the registered tellers give for ``entry``."""
    return [item for origin in _ORIGINS for item in origin(entry)]

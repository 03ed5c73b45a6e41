"""The office's registers, as the rest of the site sees them: the menu, and panels on the dashboard.

Each register app registers its declaration (``registers.declaration.Declaration``, which carries
its label, icon and order) from its ``AppConfig.ready()``::

    registry.register(register.petitions)
    registry.add_panel(DashboardPanel(key="agreements_expiring", title=_("Agreements expiring"), order=20,
                                      items=expiring_agreements))

The navigation lists every register (in ``order``); the partnership dashboard shows every panel
that has something to say (a panel returning no item is left out).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse


@dataclass(frozen=True)
class Register:
    """One menu entry of a list that is not a declared register (a declaration is its own entry)."""

    model: type
    label: str
    icon: str = "journal-text"
    order: int = 100

    @property
    def list_url(self) -> str:
        meta = self.model._meta
        return reverse(f"{meta.app_label}:{meta.model_name}_list")


@dataclass
class PanelItem:
    """One line of a dashboard panel: what, where it links, a date and a short badge."""

    text: str
    url: str = ""
    date: dt.date | None = None
    badge: str = ""
    tone: str = "secondary"


@dataclass(frozen=True)
class DashboardPanel:
    """A panel of the partnership dashboard: ``items(partnership, today)`` says what to show.

    Every member of a partnership reads all of its registers (docs/permissions.md), so a panel
    depends on the partnership only, not on the person looking.
    """

    key: str
    title: str
    items: Callable[..., list[PanelItem]]
    icon: str = "bell"
    order: int = 100
    link: Callable[..., str] | None = field(default=None)


_REGISTERS: list[Register] = []
_PANELS: list[DashboardPanel] = []


def list_link(url_name: str, **filters) -> Callable[..., str]:
    """A panel's "All" link: the register's list for the partnership, with ``filters`` applied."""
    from urllib.parse import urlencode

    def link(partnership) -> str:
        return reverse(url_name) + "?" + urlencode({"partnership": partnership.pk, **filters})

    return link


def register(entry: Register) -> None:
    if all(r.model is not entry.model for r in _REGISTERS):
        _REGISTERS.append(entry)
        _REGISTERS.sort(key=lambda r: r.order)


def add_panel(panel: DashboardPanel) -> None:
    if all(p.key != panel.key for p in _PANELS):
        _PANELS.append(panel)
        _PANELS.sort(key=lambda p: p.order)


def registers() -> list[Register]:
    return list(_REGISTERS)


def panels(partnership, today: dt.date) -> list[dict]:
    """The dashboard panels with something to show, each with its items."""
    shown = []
    for panel in _PANELS:
        items = panel.items(partnership, today)
        if items:
            link = panel.link(partnership) if panel.link else ""
            shown.append({"key": panel.key, "title": panel.title, "icon": panel.icon, "items": items, "link": link})
    return shown


def declaration_for(model: type):
    """The declaration of the register whose entries (or parts) ``model`` holds, if any (its services take
    the shared pages' steps: follow-up, link, upload)."""
    return next((r for r in _REGISTERS if getattr(r, "handles", None) and r.handles(model)), None)

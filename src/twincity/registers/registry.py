"""The office's registers, as the rest of the site sees them: the menu, and panels on the dashboard.

Each register app registers itself from its ``AppConfig.ready()``::

    registry.register(Register(model=Petition, label=_("Joint requests"), icon="send", order=10))
    registry.add_panel(DashboardPanel(key="agreements_expiring", title=_("Agreements expiring"), order=20,
                                      items=expiring_agreements))

The menu entries and panels are kept by ``twincity.core.registry``, which the frame of every page and
the workspace's dashboard read without knowing any register (docs/layers.md); the names here are the
registers' words for it. The hooks below are the registers' own: a register's service taking a shared
page's step.
"""

from __future__ import annotations

from collections.abc import Callable

from twincity.core.registry import DashboardPanel, PanelItem, add_panel, list_link, panels
from twincity.core.registry import MenuEntry as Register
from twincity.core.registry import add_menu_entry as register
from twincity.core.registry import menu_entries as registers

__all__ = [
    "DashboardPanel",
    "PanelItem",
    "Register",
    "add_panel",
    "hook",
    "list_link",
    "panels",
    "register",
    "registers",
    "set_hooks",
]

_HOOKS: dict[type, dict[str, Callable]] = {}


def set_hooks(model: type, **hooks: Callable) -> None:
    """Let a register's own service take a shared page's step for ``model``, so its rules and events hold
    on every path. Hooks: ``follow_up(subject, *, user, title, year, owners, note, **fields)``,
    ``link(subject, matter, *, user, note)``, ``upload(subject, file, *, user)``, ``archive(entry, *, user)``."""
    unknown = set(hooks) - {"follow_up", "link", "upload", "archive"}
    if unknown:
        raise ValueError(f"Unknown register hooks: {sorted(unknown)}")
    _HOOKS.setdefault(model, {}).update(hooks)


def hook(model: type, name: str, default: Callable) -> Callable:
    return _HOOKS.get(model, {}).get(name, default)

"""The office's registers, as the rest of the site sees them: the menu, and panels on the dashboard.

Each register app registers its declaration (``registers.declaration.Declaration``, which carries
its label, icon and order) from its ``AppConfig.ready()``::

    registry.register(register.petitions)
    registry.add_panel(DashboardPanel(key="agreements_expiring", title=_("Agreements expiring"), order=20,
                                      items=expiring_agreements))

The menu entries and panels are kept by ``twincity.core.registry``, which the frame of every page and
the workspace's dashboard read without knowing any register (docs/layers.md); the names here are the
registers' words for it.
"""

from __future__ import annotations

from twincity.core.registry import DashboardPanel, PanelItem, add_panel, list_link, panel_queries, panels
from twincity.core.registry import MenuEntry as Register
from twincity.core.registry import add_menu_entry as register
from twincity.core.registry import menu_entries as registers

__all__ = [
    "DashboardPanel",
    "PanelItem",
    "Register",
    "add_panel",
    "declaration_for",
    "list_link",
    "panel_queries",
    "panels",
    "register",
    "registers",
]


def declaration_for(model: type):
    """The declaration of the register whose entries (or parts) ``model`` holds, if any (its services take
    the shared pages' steps: follow-up, link, upload)."""
    return next((r for r in registers() if getattr(r, "handles", None) and r.handles(model)), None)

"""The demo that ships with the product: the Tianfu–Liangjiang partnership described in the article
the product is built from (川报观察 / Sichuan Daily, 30 July 2020, kept beside the domain brief).

What comes from the article: the two new areas, the leading groups and their joint office (双城办 /
开放门户办), the strategic research bureau and its director 高重奎, the departments that signed
cooperation agreements (police, free-trade-zone courts, procuratorates, market supervision, human
resources, government services, education), Chengdu Science City and the Chengdu Supercomputing Center,
the six named joint requests, the cadre exchange, the leadership visits, the monthly joint meetings,
policy alignment (政策融通) and differentiated siting (错位发展).

What does not: lead units beyond those, responsible leaders (given as posts, never as names), dates,
milestones, percentages and statuses. Every matter says so in its description (``（示例数据）``) and the
invented enterprises carry ``示例企业`` in their names. Nothing here is an official statistic.

Everything is written through the services (``matters.services``, ``accounts.services``, …) inside
``audit.context.acting`` so that the audit log reads like the office's history. The 2020 and 2021 lists
are history (finished or rolled over); the current year's list is dated relative to today so that the
dashboard always shows a mix of green, yellow and red lights and work due in the coming weeks.

Where it lives: ``world.py`` builds the partnership, its units and its people (``demo.toml``); each app
adds its own part beside itself, code in ``<app>/demo.py`` and data in ``<app>/demo.toml`` (the matter
lists in ``matters/``, the joint meetings in ``meetings/``, then the six registers); ``loader.py`` runs them
in order (``PARTS``) in one transaction. The command is ``management/commands/load_demo.py``
(``twincity load_demo``, ``make demo``).
"""

from importlib import import_module

# This package is an installed app (for its command), imported while Django sets up: nothing that needs the
# models may be imported with it, so its public names are looked up when first asked for (PEP 562).
_WHERE = {
    "DEMO_PASSWORD": "world",
    "PARTNERSHIP_NAME": "world",
    "USERNAMES": "world",
    "DemoSummary": "loader",
    "demo_exists": "loader",
    "load_demo": "loader",
}
__all__ = list(_WHERE)


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_WHERE[name]}"), name)

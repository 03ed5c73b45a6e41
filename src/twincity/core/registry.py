"""What higher layers tell the lower ones about themselves: menu entries, dashboard panels, calendar feeds.

``core`` imports no domain app (docs/layers.md). Where a page of a lower layer shows something of a
higher one — the navigation lists the registers, the dashboard shows their panels, the calendar
address serves the meeting sessions — the higher app fills this registry from its
``AppConfig.ready()`` and the lower one reads it::

    registry.add_menu_entry(MenuEntry(model=Petition, label=_("Joint requests"), icon="send", order=10))
    registry.add_panel(DashboardPanel(key="agreements_expiring", title=_("Agreements expiring"), order=20,
                                      items=expiring_agreements))

The navigation lists every entry (in ``order``); the partnership dashboard shows every panel that has
something to say (a panel returning no item is left out).

The frame's **badges** (the to-do and notice counts on every page) are counted by the apps they belong to, each
giving its statement (``add_frame_count("todos", query)``), and read for a page in one statement (``frame_counts``).

A higher app may also add **links to an object's page** of a lower one (the indicator system's "effect of the
policy" on a policy's page): ``add_object_link("policies.policy", links)`` with ``links(obj, user) ->
list[ObjectLink]``; the page shows ``object_links(obj, user)``.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db import connection
from django.urls import reverse

from twincity.core.reads import Compiled, together


@dataclass(frozen=True)
class MenuEntry:
    """One list as the menu shows it (a register: its model's ``<app>:<model>_list`` page)."""

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
    """A panel of the partnership dashboard: ``items(partnership, today, rows)`` says what to show, from the rows of
    its ``reads`` (``panel_queries``; ``rows`` is ``None`` when it is asked alone: it then reads them itself).

    Every member of a partnership reads all of its registers (docs/permissions.md), so a panel
    depends on the partnership only, not on the person looking.
    """

    key: str
    title: str
    items: Callable[..., list[PanelItem]]
    icon: str = "bell"
    order: int = 100
    link: Callable[..., str] | None = field(default=None)
    reads: PanelReads | None = None


@dataclass(frozen=True)
class CalendarFeeds:
    """What a calendar address serves: ``user_feed(user) -> bytes``, ``series_feed(user, pk) -> bytes | None``
    (None: not visible) and ``visible_series(user)``, the series a person may subscribe to one by one."""

    user_feed: Callable[..., bytes]
    series_feed: Callable[..., bytes | None]
    visible_series: Callable[..., list]


@dataclass(frozen=True)
class ObjectLink:
    """A link a higher app adds to an object's page: its words, its address, an icon and an element id."""

    label: str
    url: str
    icon: str = "link-45deg"
    key: str = ""


_MENU: list[MenuEntry] = []
_COUNTS: dict[str, Callable[..., tuple[str, list] | None]] = {}
_OBJECT_LINKS: dict[str, dict[str, Callable[..., list[ObjectLink]]]] = {}
_PANELS: list[DashboardPanel] = []
_CALENDAR: list[CalendarFeeds] = []


def list_link(url_name: str, **filters) -> Callable[..., str]:
    """A panel's "All" link: the register's list for the partnership, with ``filters`` applied."""

    def link(partnership) -> str:
        return reverse(url_name) + "?" + urlencode({"partnership": partnership.pk, **filters})

    return link


def add_menu_entry(entry: MenuEntry) -> None:
    if all(e.model is not entry.model for e in _MENU):
        _MENU.append(entry)
        _MENU.sort(key=lambda e: e.order)


def menu_entries() -> list[MenuEntry]:
    return list(_MENU)


def add_frame_count(key: str, query: Callable[..., tuple[str, list] | None]) -> None:
    """A number the frame shows on every page: ``query(user)`` gives its statement, ``("SELECT COUNT(*) …", params)``
    for one value of the reader's, or None when it is nought without asking. Added again, it replaces the last."""
    _COUNTS[key] = query


def frame_counts(user) -> dict[str, int]:
    """Every frame count of ``user`` (0 for someone signed out), the statements asked together in one query:
    ``SELECT (…), (…)``."""
    counts = dict.fromkeys(_COUNTS, 0)
    if not getattr(user, "is_authenticated", False):
        return counts
    keys, parts, params = [], [], []
    for key, query in _COUNTS.items():
        asked = query(user)
        if asked is not None:
            keys.append(key)
            parts.append(f"({asked[0]})")
            params.extend(asked[1])
    if keys:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(parts)}", params)
            counts.update(zip(keys, cursor.fetchone(), strict=True))
    return counts


class PanelReads:
    """A panel's reads for a partnership and a day (``panel_queries``), each compiled once per process
    (``core.reads.Compiled``): building and compiling a panel's querysets on every dashboard cost more than the database
    took to answer them. ``calls(partnership_id, today)`` gives them as ``(read, values)`` for ``core.reads.together``,
    so that the dashboard sends every panel's reads with its own figures in one round trip; called, it gives their rows
    (``rows`` when the caller already read them)."""

    def __init__(self, build: Callable[[int, dt.date], tuple]):
        self.build = build
        self.reads: list[Compiled] = []
        functools.update_wrapper(self, build)

    def calls(self, partnership_id: int, today: dt.date) -> list[tuple[Compiled, dict]]:
        if not self.reads:
            count = len(self.build(1, dt.date(2000, 1, 1)))
            self.reads.extend(
                Compiled(
                    lambda partnership_id, today, i=i: self.build(partnership_id, today)[i],
                    partnership_id=int,
                    today=dt.date,
                )
                for i in range(count)
            )
        values = {"partnership_id": partnership_id, "today": today}
        return [(read, values) for read in self.reads]

    def __call__(self, partnership_id: int, today: dt.date, rows: tuple | None = None) -> tuple:
        if rows is not None:
            return rows
        return tuple(together(*self.calls(partnership_id, today)))  # one round trip on PostgreSQL


def panel_queries(build: Callable[[int, dt.date], tuple]) -> PanelReads:
    """A panel's reads (``PanelReads``): ``build(partnership_id, today)`` gives the querysets as a tuple, built from
    those two values alone (see ``core.reads``); the panel gives them to its ``DashboardPanel`` as ``reads`` and takes
    their rows (lists, in the same order) from the ``rows`` its ``items`` is given::

        @registry.panel_queries
        def _queries(partnership_id, today):
            return (Petition.objects.filter(partnership_id=partnership_id, ...).only(...)[:5],)

        def items(partnership, today, rows=None):
            (waiting,) = _queries(partnership.pk, today, rows)
    """
    return PanelReads(build)


def add_panel(panel: DashboardPanel) -> None:
    if all(p.key != panel.key for p in _PANELS):
        _PANELS.append(panel)
        _PANELS.sort(key=lambda p: p.order)


def panel_reads(partnership_id: int, today: dt.date) -> list[tuple[Compiled, dict]]:
    """Every panel's reads (``PanelReads.calls``), in the panels' order: for a page that sends them with its own."""
    return [call for panel in _PANELS if panel.reads is not None for call in panel.reads.calls(partnership_id, today)]


def panels(partnership, today: dt.date, rows: list[list] | None = None) -> list[dict]:
    """The dashboard panels with something to show, each with its items. ``rows``: the answers to ``panel_reads``,
    when the caller read them with its own (else they are read here, in one round trip on PostgreSQL)."""
    if rows is None:
        rows = together(*panel_reads(partnership.pk, today))
    answers = iter(rows)
    shown = []
    for panel in _PANELS:
        given = tuple(next(answers) for _read in panel.reads.reads) if panel.reads is not None else None
        items = panel.items(partnership, today, given)
        if items:
            link = panel.link(partnership) if panel.link else ""
            shown.append({"key": panel.key, "title": panel.title, "icon": panel.icon, "items": items, "link": link})
    return shown


def set_calendar_feeds(feeds: CalendarFeeds) -> None:
    """The one source of calendar feeds (the meetings app's sessions); set again, it replaces the last."""
    _CALENDAR[:] = [feeds]


def calendar_feeds() -> CalendarFeeds:
    if not _CALENDAR:
        raise LookupError("No calendar feeds are registered (twincity.core.registry.set_calendar_feeds).")
    return _CALENDAR[0]


def add_object_link(model_label: str, links: Callable[..., list[ObjectLink]], *, key: str = "") -> None:
    """Show ``links(obj, user)`` on the page of each ``model_label`` object (``"policies.policy"``); once per key."""
    _OBJECT_LINKS.setdefault(model_label.lower(), {})[key or getattr(links, "__qualname__", repr(links))] = links


def object_links(obj, user) -> list[ObjectLink]:
    """The links higher apps add to ``obj``'s page, for ``user`` (each provider decides what the user may see)."""
    found: list[ObjectLink] = []
    for links in _OBJECT_LINKS.get(obj._meta.label_lower, {}).values():
        found.extend(links(obj, user))
    return found

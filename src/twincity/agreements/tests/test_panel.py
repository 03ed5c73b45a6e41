"""The dashboard panel of agreements: the same lines as when it read whole agreements in two queries (the lapsed ones
still marked in force, then those expiring within the horizon), in both languages, now in one query."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation
from django.utils.translation import gettext as _

from twincity.agreements.choices import AgreementStatus
from twincity.agreements.models import Agreement
from twincity.agreements.sources import PANEL_LIMIT, panel_items
from twincity.agreements.tests.helpers import make_agreement
from twincity.audit.context import acting
from twincity.registers import services as registers
from twincity.registers.registry import PanelItem
from twincity.testing import build_world

pytestmark = pytest.mark.django_db

TODAY = dt.date(2024, 5, 1)


def reference(partnership, today) -> list[PanelItem]:
    """The panel as it read whole agreements before: the lapsed first, then the expiring (the verdict to keep)."""
    live = Agreement.objects.filter(partnership_id=partnership.pk, archived_at__isnull=True)
    items = [
        PanelItem(str(a), a.get_absolute_url(), a.expires_on, _("expired, still marked in force"), "danger")
        for a in live.lapsed(today).order_by("expires_on", "pk")[:PANEL_LIMIT]
    ]
    for a in live.expiring(today, 90).order_by("expires_on", "pk")[: max(PANEL_LIMIT - len(items), 0)]:
        days = a.days_left(today)
        badge = _("in %(days)s days") % {"days": days} if days else _("today")
        items.append(PanelItem(str(a), a.get_absolute_url(), a.expires_on, badge, "warning" if days > 30 else "danger"))
    return items


def titled(items) -> list[str]:
    """The titles of the lines (a line reads "number title")."""
    return [i.text.split(" ", 1)[-1] for i in items]


def expiring(w, title: str, days: int, **fields) -> Agreement:
    return make_agreement(w, title=title, expires_on=TODAY + dt.timedelta(days=days), **fields)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_panel_lists_the_lapsed_then_the_expiring_as_before(world, language):
    office = world.users["office"]
    for title, days in [("早已过期", -400), ("刚过期", -1), ("三天前过期", -3), ("今天到期", 0), ("十天后", 10)]:
        expiring(world, title, days)
    for title, days in [("三十天后", 30), ("三十一天后", 31), ("九十天后", 90), ("九十一天后", 91)]:
        expiring(world, title, days)
    archived = expiring(world, "已归档的过期协议", -5)
    with acting(office):
        registers.archive_entry(archived, user=office)
    ended = expiring(world, "已终止", -10)
    Agreement.objects.filter(pk=ended.pk).update(status=AgreementStatus.TERMINATED)  # reached through its step
    expiring(build_world(code_prefix="X"), "别处的过期协议", -2)
    with translation.override(language):
        items = panel_items(world.partnership, TODAY)
        assert items == reference(world.partnership, TODAY)
        assert [(t, i.badge, i.tone) for t, i in zip(titled(items), items, strict=True)] == [
            ("早已过期", _("expired, still marked in force"), "danger"),
            ("三天前过期", _("expired, still marked in force"), "danger"),
            ("刚过期", _("expired, still marked in force"), "danger"),
            ("今天到期", _("today"), "danger"),
            ("十天后", _("in %(days)s days") % {"days": 10}, "danger"),
            ("三十天后", _("in %(days)s days") % {"days": 30}, "danger"),
            ("三十一天后", _("in %(days)s days") % {"days": 31}, "warning"),
            ("九十天后", _("in %(days)s days") % {"days": 90}, "warning"),
        ]
    assert items[0].date == TODAY - dt.timedelta(days=400)
    first = Agreement.objects.get(title="早已过期")
    assert (items[0].text, items[0].url) == (f"{first.code} 早已过期", first.get_absolute_url())


def test_the_lapsed_fill_the_panel_first_and_the_expiring_take_what_is_left(world, django_assert_num_queries):
    for i in range(PANEL_LIMIT - 2):
        expiring(world, f"过期{i:02}", -30 + i)
    for i in range(4):
        expiring(world, f"将到期{i}", 5 + i)
    items = panel_items(world.partnership, TODAY)
    assert items == reference(world.partnership, TODAY)
    assert titled(items[-3:]) == ["过期17", "将到期0", "将到期1"]
    for i in range(3):
        expiring(world, f"更早过期{i}", -100 - i)
    items = panel_items(world.partnership, TODAY)
    assert items == reference(world.partnership, TODAY)
    assert len(items) == PANEL_LIMIT
    assert all(i.tone == "danger" and i.date < TODAY for i in items)  # twenty lapsed: no room for the expiring
    with django_assert_num_queries(1):
        panel_items(world.partnership, TODAY)

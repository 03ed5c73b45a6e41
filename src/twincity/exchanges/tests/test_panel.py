"""The dashboard panel of secondments ending: the same lines as when it read whole secondments with their whole units,
in both languages, in one query."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from twincity.audit.context import acting
from twincity.exchanges.choices import ENDING_SOON_DAYS
from twincity.exchanges.models import Secondment
from twincity.exchanges.sources import PANEL_LIMIT, panel_items
from twincity.exchanges.tests.test_services import TODAY, days, second
from twincity.registers import services as registers
from twincity.registers.registry import PanelItem
from twincity.testing import build_world

pytestmark = pytest.mark.django_db


def reference(partnership, today) -> list[PanelItem]:
    """The panel as it read whole secondments and units before (the verdict the lean one must keep)."""
    live = Secondment.objects.filter(partnership_id=partnership.pk, archived_at__isnull=True)
    items = []
    for s in live.select_related("home_organisation", "host_organisation").ending_within(ENDING_SOON_DAYS, today)[
        :PANEL_LIMIT
    ]:
        d = (s.last_day - today).days
        who = _("%(person)s (%(home)s → %(host)s)") % {
            "person": s.person_name,
            "home": s.home_organisation.display_name,
            "host": s.host_organisation.display_name,
        }
        badge = ngettext("in %(days)s day", "in %(days)s days", d) % {"days": d} if d else _("today")
        items.append(PanelItem(who, s.get_absolute_url(), s.last_day, badge, "danger" if d <= 14 else "warning"))
    return items


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_panel_lists_the_terms_ending_soonest_first_as_before(world, language):
    office = world.users["office"]
    for name, end in [("六十天", 60), ("今天", 0), ("十五天", 15), ("一天", 1), ("十四天", 14), ("六十一天", 61)]:
        second(world, person_name=name, end=end)
    second(world, person_name="已结束", start=-300, end=-1)
    recalled = second(world, person_name="提前召回", end=300)
    Secondment.objects.filter(pk=recalled.pk).update(cut_short_on=days(5))  # as its step records it
    back = second(world, person_name="反向交流", end=30, home=world.tf_dept, host=world.lj_dept)
    gone = second(world, person_name="已归档", end=3)
    with acting(office):
        registers.archive_entry(gone, user=office)
    other = build_world(code_prefix="X")
    second(other, person_name="别处的", end=2, home=other.lj_dept, host=other.tf_dept)
    with translation.override(language):
        items = panel_items(world.partnership, TODAY)
        assert items == reference(world.partnership, TODAY)
        names = [i.text.split(" ", 1)[0].split("（")[0].split("(")[0] for i in items]
        assert names == ["今天", "一天", "提前召回", "十四天", "十五天", "反向交流", "六十天"]
        assert [i.badge for i in items[:3]] == [
            _("today"),
            ngettext("in %(days)s day", "in %(days)s days", 1) % {"days": 1},
            ngettext("in %(days)s day", "in %(days)s days", 5) % {"days": 5},
        ]
        assert [i.tone for i in items] == ["danger"] * 4 + ["warning"] * 3
        home, host = world.tf_dept.display_name, world.lj_dept.display_name
        assert f"{home} → {host}" in items[5].text
    assert items[2].date == days(5)  # the day it was cut short, not its planned end
    assert items[5].url == back.get_absolute_url()


def test_the_panel_keeps_the_first_twenty_in_one_query(world, django_assert_num_queries):
    for i in range(PANEL_LIMIT + 2):
        second(world, person_name=f"干部{i:02}", end=40 - i)
    items = panel_items(world.partnership, TODAY)
    assert items == reference(world.partnership, TODAY)
    assert len(items) == PANEL_LIMIT
    assert items[0].date == days(40 - PANEL_LIMIT - 1)
    with django_assert_num_queries(1):  # the secondments with their units' names
        panel_items(world.partnership, TODAY)

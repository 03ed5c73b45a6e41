"""The dashboard panel of siting cases: the same lines as when it read whole cases (and the decided side whole), in
both languages, in two queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import translation
from django.utils.translation import gettext as _

from twincity.audit.context import acting
from twincity.registers import registry
from twincity.siting import services
from twincity.siting.choices import OPEN_STATUSES, CaseStatus
from twincity.siting.models import SitingCase
from twincity.siting.sources import RECENT_DECISIONS, panel_items
from twincity.siting.tests.helpers import make_case
from twincity.testing import build_world

pytestmark = pytest.mark.django_db

TODAY = dt.date(2021, 6, 30)


def reference(partnership, today) -> list[registry.PanelItem]:
    """The panel as it read whole cases before (the verdict the lean one must keep)."""
    live = SitingCase.objects.filter(partnership=partnership, archived_at__isnull=True)
    items = []
    for case in live.filter(status__in=OPEN_STATUSES).order_by("status", "created")[:5]:
        tone = "warning" if case.status == CaseStatus.NEGOTIATING else "secondary"
        items.append(
            registry.PanelItem(case.title, case.get_absolute_url(), badge=case.get_status_display(), tone=tone)
        )
    decided = live.filter(status=CaseStatus.DECIDED, decided_on__gte=today - RECENT_DECISIONS)
    for case in decided.select_related("decided_side").order_by("-decided_on")[:3]:
        badge = _("to %(side)s") % {"side": case.decided_side.label}
        items.append(
            registry.PanelItem(case.title, case.get_absolute_url(), date=case.decided_on, badge=badge, tone="success")
        )
    return items


def decide(w, case, side, on: dt.date):
    office = w.users["office"]
    with acting(office):
        services.decide(case, user=office, side=side, rationale="科学城急需", decided_on=on)


@pytest.fixture
def scene(world):
    office = world.users["office"]
    pending = [make_case(world, title=f"待定{i}", bids=("TF", "LJ") if i % 2 else ("TF",)) for i in range(7)]
    gone = make_case(world, title="已归档的待定")
    with acting(office):
        services.archive_siting_case(gone, user=office)
        services.withdraw_case(make_case(world, title="已撤回"), user=office, reason="项目取消")
    for i, (side, ago) in enumerate([("tf", 10), ("lj", 100), ("tf", 40), ("lj", 150), ("tf", 200)]):
        decide(world, make_case(world, title=f"已议定{i}"), getattr(world, side), TODAY - dt.timedelta(days=ago))
    make_case(build_world(code_prefix="X"), title="别处的待定")
    return pending


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_panel_lists_what_it_listed_reading_whole_cases(world, scene, language):
    with translation.override(language):
        items = panel_items(world.partnership, TODAY)
        assert items == reference(world.partnership, TODAY)
        assert [i.badge for i in items[5:]] == [
            _("to %(side)s") % {"side": world.tf.label},
            _("to %(side)s") % {"side": world.tf.label},
            _("to %(side)s") % {"side": world.lj.label},
        ]
        assert items[0].badge == str(CaseStatus.NEGOTIATING.label)
    assert [(i.text, i.tone) for i in items[:5]] == [
        ("待定1", "warning"),
        ("待定3", "warning"),
        ("待定5", "warning"),
        ("待定0", "secondary"),
        ("待定2", "secondary"),
    ]  # under negotiation first, then open, each the oldest first; five of seven
    assert [(i.text, i.date) for i in items[5:]] == [
        ("已议定0", TODAY - dt.timedelta(days=10)),
        ("已议定2", TODAY - dt.timedelta(days=40)),
        ("已议定1", TODAY - dt.timedelta(days=100)),
    ]  # the latest three of the last half year
    assert items[0].url == scene[1].get_absolute_url()


def test_the_panel_takes_two_reads_in_one_round_trip_on_postgresql(world, scene, django_assert_num_queries):
    panel_items(world.partnership, TODAY)
    # the pending cases; the recent decisions with their sides' names: read together (registry.panel_queries)
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 2):
        panel_items(world.partnership, TODAY)

"""The demo's secondments, loaded into the test partnership through a small stand-in for the demo loader."""

import datetime as dt

import pytest
from django.utils import timezone

from twincity.exchanges.choices import ENDING_SOON_DAYS, Rating, SecondmentStatus
from twincity.exchanges.demo import SPECS, load, quarter_reports
from twincity.exchanges.models import Secondment, SecondmentReport
from twincity.testing import demo_loader

pytestmark = pytest.mark.django_db


def fake_loader(world, today):
    """The demo loader's attributes, with every unit key mapped onto a unit of the test world's same side."""
    units = {}
    for spec in SPECS:
        for key in (spec.home, spec.host):
            side = key.split("-")[0]
            if key.endswith("-market"):
                units[key] = world.tf_dept if side == "tf" else world.lj_dept
            else:
                units[key] = world.tf_dept2 if side == "tf" else world.lj_dept2
    return demo_loader(world, units, today=today)


@pytest.fixture
def loaded(world):
    today = timezone.localdate()
    load(fake_loader(world, today))
    return today


def test_the_demo_exchanges_division_level_cadres_both_ways_marked_as_illustrative(world, loaded):
    secondments = list(Secondment.objects.filter(partnership=world.partnership))
    assert len(secondments) == len(SPECS)
    assert all("（示例）" in s.person_name for s in secondments)
    assert all("互派处级实职领导干部交流任职" in s.note for s in secondments)
    directions = {(s.home_side.pk, s.host_side.pk) for s in secondments}
    assert directions == {(world.tf.pk, world.lj.pk), (world.lj.pk, world.tf.pk)}


def test_the_demo_has_every_status_and_one_term_ending_within_the_dashboards_sixty_days(world, loaded):
    statuses = set(Secondment.objects.with_status(loaded).values_list("status", flat=True))
    assert statuses == {
        SecondmentStatus.PLANNED,
        SecondmentStatus.ACTIVE,
        SecondmentStatus.ENDED,
        SecondmentStatus.CUT_SHORT,
    }
    ending = list(Secondment.objects.ending_within(ENDING_SOON_DAYS, loaded))
    assert [s.code for s in ending] == ["HP-01"]


def test_the_first_exchange_was_evaluated_by_its_hosts(world, loaded):
    first = Secondment.objects.get(code="HP2020-01")
    assert first.rating == Rating.EXCELLENT
    assert first.evaluated_by == world.users["tf-coord"]  # the host is Tianfu
    assert Secondment.objects.get(code="HP2020-02").evaluated_by == world.users["lj-coord"]


def test_serving_cadres_have_their_quarterly_reports(world, loaded):
    for code in ("HP-01", "HP-02"):
        reports = SecondmentReport.objects.filter(secondment__code=code)
        assert reports.exists()
        assert all(r.reported_on <= loaded for r in reports)
    assert not SecondmentReport.objects.filter(secondment__code="HP-03").exists()
    assert SecondmentReport.objects.filter(secondment__code="HP-01").first().filed_by == world.users["lj-unit"]


def test_quarterly_reports_cover_the_quarters_that_ended_within_the_term():
    periods = quarter_reports(dt.date(2020, 9, 1), dt.date(2021, 8, 31), dt.date(2030, 1, 1))
    assert [p for p, _day in periods] == ["2020-Q3", "2020-Q4", "2021-Q1", "2021-Q2"]
    assert periods[0][1] == dt.date(2020, 10, 5)

"""``registry.panel_queries``: a panel's querysets built once per partnership and day, each use a copy of them."""

from __future__ import annotations

import datetime as dt

import pytest

from twincity.core import registry
from twincity.regions.models import Region

pytestmark = pytest.mark.django_db

DAY = dt.date(2024, 5, 1)


def test_the_querysets_are_built_once_per_partnership_and_day_and_read_as_copies(world, django_assert_num_queries):
    built = []

    @registry.panel_queries
    def queries(partnership_id, today):
        built.append((partnership_id, today))
        return (Region.objects.filter(code__in=["TF", "LJ", "XK"]).order_by("code"),)

    (first,) = queries(world.partnership.pk, DAY)
    (again,) = queries(world.partnership.pk, DAY)
    queries(world.partnership.pk, DAY + dt.timedelta(days=1))
    assert built == [(world.partnership.pk, DAY), (world.partnership.pk, DAY + dt.timedelta(days=1))]
    assert first is not again  # a copy for each use: reading one leaves the kept query and the other copy unread
    with django_assert_num_queries(1):
        assert [r.code for r in first] == ["LJ", "TF"]
    assert again._result_cache is None
    with django_assert_num_queries(0):  # a copy is made without asking anything
        (later,) = queries(world.partnership.pk, DAY)
    Region.objects.create(code="XK", name="西部科学城")
    assert [r.code for r in later] == ["LJ", "TF", "XK"]  # nothing read is kept: a new row is seen

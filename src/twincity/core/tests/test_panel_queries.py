"""``registry.panel_queries``: a panel's reads compiled once per process, each call reading the rows afresh for its
partnership and day."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from twincity.core import registry
from twincity.matters.models import Milestone
from twincity.regions.models import Region
from twincity.testing import make_matter

pytestmark = pytest.mark.django_db

DAY = dt.date(2024, 5, 1)


def test_the_reads_are_built_once_and_read_afresh_for_each_partnership_and_day(world, django_assert_num_queries):
    built = []

    @registry.panel_queries
    def queries(partnership_id, today):
        built.append((partnership_id, today))
        return (
            Milestone.objects.filter(matter__partnership=partnership_id, due_date__gte=today)
            .select_related("side")
            .only("pk", "title", "due_date", "side__name", "side__name_en", "side__short_name")
            .order_by("due_date"),
            Region.objects.filter(code__in=["TF", "LJ", "XK"]).order_by("code").values_list("code", flat=True),
        )

    matter = make_matter(world, year=2024)
    for n, due in enumerate([dt.date(2024, 4, 1), dt.date(2024, 6, 1), dt.date(2024, 7, 1)]):
        Milestone.objects.create(
            matter=matter, year_list=matter.year_list, side=world.tf, title=f"节点{n}", due_date=due
        )
    together = 1 if connection.vendor == "postgresql" else 2  # the two reads in one round trip on PostgreSQL
    with django_assert_num_queries(together):
        steps, codes = queries(world.partnership.pk, DAY)
    assert [(m.title, m.side.label) for m in steps] == [("节点1", world.tf.label), ("节点2", world.tf.label)]
    assert codes == ["LJ", "TF"]
    calls = len(built)  # the count of reads, then each read compiled with two sets of stand-ins
    with django_assert_num_queries(together):
        later_steps, _codes = queries(world.partnership.pk, DAY + dt.timedelta(days=45))
    assert [m.title for m in later_steps] == ["节点2"]
    assert queries(world.partnership.pk + 1000, DAY) == ([], ["LJ", "TF"])
    assert len(built) == calls  # built no more
    Region.objects.create(code="XK", name="西部科学城")
    assert queries(world.partnership.pk, DAY)[1] == ["LJ", "TF", "XK"]  # nothing read is kept: a new row is seen

"""Counting matters by light with ``light_counts`` (two conditions counted per group, the dashboard's figures) gives
what working out each matter's light (``light_expression``) and counting those gives: every status, and every way
the four dates can stand against the day, missing ones included."""

import datetime as dt
import itertools
from collections import Counter

import pytest

from twincity.matters.choices import MatterStatus
from twincity.matters.models import Matter
from twincity.matters.querysets import light_counts, lights_of
from twincity.testing import make_matter

pytestmark = pytest.mark.django_db

TODAY = dt.date(2020, 7, 1)
PAST, SOON, LATER = dt.date(2020, 6, 30), dt.date(2020, 7, 1), dt.date(2020, 9, 1)


def test_counts_by_light_are_the_lights_of_each_matter_counted(world):
    dates = list(
        itertools.product([None, PAST, SOON, LATER], [None, PAST, LATER], [None, PAST, SOON, LATER], [None, PAST])
    )
    matters = [make_matter(world, title=f"事项{n}") for n in range(len(dates))]
    for matter, (due, step, watch, lag) in zip(matters, dates, strict=True):
        # The stored dates set as such (the services derive them): every combination the light reads.
        Matter.objects.filter(pk=matter.pk).update(
            due_date=due, next_milestone_due=step, watch_from=watch, lag_date=lag
        )
    for status in MatterStatus:
        Matter.objects.filter(pk__in=[m.pk for m in matters[::2]]).update(status=status)
        one_by_one: Counter = Counter()
        for row in Matter.objects.with_light(TODAY).values("status", "light"):
            one_by_one[(row["status"], row["light"])] += 1
        counted: Counter = Counter()
        for row in Matter.objects.values("status").annotate(**light_counts(TODAY)).order_by():
            for light, n in lights_of(row["status"], row["n"], row["red"], row["warned"]).items():
                counted[(row["status"], light)] += n
        assert counted == one_by_one, status
        assert len({light for _status, light in one_by_one}) >= (1 if status not in ("approved", "in_progress") else 3)

"""Histories as people read them: field names, choice labels, and the records foreign keys point to."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from twincity.audit.context import acting
from twincity.audit.models import ObjectChange, with_names
from twincity.matters import services
from twincity.regions.models import Field
from twincity.testing import make_matter

pytestmark = pytest.mark.django_db


def _move_field(world, matter, name):
    office = world.users["office"]
    matter.refresh_from_db()
    with acting(office):
        services.update_matter(
            matter,
            user=office,
            version=matter.version,
            field=Field.objects.get(partnership=world.partnership, name=name),
        )


def test_a_changed_foreign_key_shows_the_name_of_what_it_points_to(world):
    matter = make_matter(world)
    _move_field(world, matter, "创新")
    history = with_names(ObjectChange.objects.for_object(matter)[:50])
    rows = [row for change in history for row in change.readable_diff() if row[0] == "领域"]
    assert ("领域", "开放", "创新") in rows
    plain = [row for change in ObjectChange.objects.for_object(matter)[:50] for row in change.readable_diff()]
    assert ("领域", "开放", "创新") not in plain  # without with_names, ids: the names cost one query per kind


def test_naming_a_longer_history_costs_no_more_queries(world):
    matter = make_matter(world)
    _move_field(world, matter, "创新")

    def count():
        changes = list(ObjectChange.objects.for_object(matter)[:200])
        with CaptureQueriesContext(connection) as queries:
            with_names(changes)
        return len(queries)

    few = count()
    for name in ("产业", "开放", "人才", "改革"):
        _move_field(world, matter, name)
    assert count() == few

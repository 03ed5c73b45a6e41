"""Histories as people read them: field names, choice labels, and the records foreign keys point to."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from twincity.audit.context import acting
from twincity.audit.models import ObjectChange, history_of, with_names
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


def _recorded_update(matter, before: dict, after: dict) -> ObjectChange:
    from django.contrib.contenttypes.models import ContentType  # noqa: PLC0415 (only this helper needs it)

    return ObjectChange.objects.create(
        action="update",
        changed_object_type=ContentType.objects.get_for_model(matter),
        changed_object_id=matter.pk,
        object_repr=str(matter),
        partnership_id=matter.partnership_id,
        prechange_data=before,
        postchange_data=after,
    )


def test_a_history_leaves_out_an_update_that_changed_nothing_a_reader_is_shown(world):
    """A matter's search words moving (a report's text indexed) is recorded, but its history does not show a
    "changed" line with nothing under it; a change people made stays."""
    matter = make_matter(world)
    hidden = _recorded_update(matter, {"search_document": "a", "version": 1}, {"search_document": "a b", "version": 2})
    _move_field(world, matter, "创新")
    shown = history_of(matter)
    assert hidden.pk not in [c.pk for c in shown], hidden.shown_diff()
    assert any(("领域", "开放", "创新") in c.shown_diff() for c in shown)
    assert all(c.shown_diff() for c in shown if c.action == "update")


def test_a_decimal_reads_as_people_write_it(world):
    matter = make_matter(world)
    field = next(f for f in ObjectChange._meta.get_fields() if f.name == "prechange_data")  # any record will do
    assert field is not None
    change = _recorded_update(matter, {}, {})
    from twincity.policies.models import AlignmentGroup  # noqa: PLC0415 (a model with a decimal field)

    divergence = AlignmentGroup._meta.get_field("divergence")
    assert change._shown(divergence, "15.0000") == "15"
    assert change._shown(divergence, "33.3300") == "33.33"
    assert change._shown(divergence, "0.0000") == "0"

"""Writes of many rows at once leave the same trail as a save of each (core.services), and move the
partnership's change stamp that keys the caches of its figures."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from twincity.audit.context import acting
from twincity.audit.models import ObjectChange
from twincity.core.services import bulk_save, touch, update_rows
from twincity.matters import services
from twincity.matters.models import Matter, Milestone
from twincity.regions import services as regions
from twincity.regions.models import Partnership
from twincity.testing import make_matter

pytestmark = pytest.mark.django_db


def stamp(world):
    return Partnership.objects.values_list("changed_at", flat=True).get(pk=world.partnership.pk)


def test_new_thresholds_move_each_matters_light_dates_with_a_change_record_and_last_updated(world):
    today = timezone.localdate()
    moved = make_matter(world, start_date=today - dt.timedelta(days=10), due_date=today + dt.timedelta(days=20))
    undated = make_matter(world, title="建设国家级大数据中心", start_date=None, due_date=None)
    before = Matter.objects.get(pk=moved.pk)
    office = world.users["office"]
    world.partnership.refresh_from_db()

    with acting(office):
        regions.update_thresholds(
            world.partnership, user=office, version=world.partnership.version, near_days=5, lag_margin=100
        )

    after = Matter.objects.get(pk=moved.pk)
    assert (after.watch_from, after.lag_date) != (before.watch_from, before.lag_date)
    assert after.last_updated > before.last_updated
    assert after.version == before.version  # derived dates are not an edit
    matters = ObjectChange.objects.filter(changed_object_type__model="matter", action="update")
    record = matters.filter(changed_object_id=moved.pk).latest("pk")
    assert record.user == office
    assert record.changed_object_type.model == "matter"
    assert record.prechange_data["watch_from"] == before.watch_from.isoformat()
    assert record.postchange_data["watch_from"] == after.watch_from.isoformat()
    assert record.postchange_data["title"] == moved.title  # a whole record, as a save's
    # A matter whose dates did not move is not written and gets no record.
    assert not matters.filter(changed_object_id=undated.pk).exists()


def test_bulk_save_records_each_changed_object_and_skips_the_unchanged(world):
    first, second = make_matter(world), make_matter(world, title="建设国家级大数据中心")
    matters = list(Matter.objects.filter(pk__in=[first.pk, second.pk]).order_by("pk"))
    matters[0].lag_date = dt.date(2020, 3, 3)
    office = world.users["office"]
    records = ObjectChange.objects.count()
    stamp_before = stamp(world)

    with acting(office):
        assert bulk_save(matters, ["lag_date"]) == 1

    assert ObjectChange.objects.count() == records + 1
    record = ObjectChange.objects.latest("pk")
    assert (record.changed_object_id, record.action, record.user) == (first.pk, "update", office)
    assert record.postchange_data["lag_date"] == "2020-03-03"
    assert Matter.objects.get(pk=first.pk).lag_date == dt.date(2020, 3, 3)
    assert stamp(world) != stamp_before
    with acting(office):  # saved again unchanged: the baseline moved with the save
        assert bulk_save(matters, ["lag_date"]) == 0


def test_update_rows_is_an_update_with_change_records(world):
    matter = make_matter(world)
    office = world.users["office"]
    with acting(office):
        for title in ("方案", "签约"):
            services.add_milestone(matter, side_id=world.tf.pk, title=title, due_date=dt.date(2020, 5, 1), user=office)
        changed = update_rows(Milestone.objects.filter(matter=matter), evidence="已印发")

    assert changed == 2
    assert set(Milestone.objects.values_list("evidence", flat=True)) == {"已印发"}
    records = ObjectChange.objects.filter(changed_object_type__model="milestone", action="update")
    assert sorted(r.postchange_data["evidence"] for r in records) == ["已印发", "已印发"]
    assert all(r.related_object_id == matter.pk for r in records)  # on the matter's history


def test_every_write_through_the_core_services_moves_the_stamp_and_leaves_no_record_of_it(world):
    office = world.users["office"]
    first = stamp(world)
    matter = make_matter(world)  # a creation
    created = stamp(world)
    assert created != first
    with acting(office):
        services.update_matter(matter, user=office, version=matter.version, goal="年内签约")  # update_versioned
    edited = stamp(world)
    assert edited != created
    with acting(office):
        services.archive_matter(matter, user=office)
    assert stamp(world) != edited
    assert not any("changed_at" in (c.postchange_data or {}) for c in ObjectChange.objects.all())


def test_a_copy_of_the_partnership_loaded_before_a_write_does_not_put_its_older_stamp_back(world):
    stale = Partnership.objects.get(pk=world.partnership.pk)
    make_matter(world)
    moved = stamp(world)
    stale.description = "成渝地区双城经济圈"
    stale.save()
    assert stamp(world) == moved


def test_the_dashboard_shows_the_new_light_at_once_after_the_thresholds_change(client_as, world):
    today = timezone.localdate()
    make_matter(
        world, year=today.year, start_date=today - dt.timedelta(days=10), due_date=today + dt.timedelta(days=20)
    )
    client = client_as("office")
    url = reverse("dashboard", args=[world.partnership.pk])
    assert client.get(url).context["by_light"] == {"red": 0, "yellow": 1, "green": 0, "grey": 0}
    office = world.users["office"]
    world.partnership.refresh_from_db()
    with acting(office):
        regions.update_thresholds(
            world.partnership, user=office, version=world.partnership.version, near_days=5, lag_margin=100
        )
    assert client.get(url).context["by_light"] == {"red": 0, "yellow": 0, "green": 1, "grey": 0}


def test_the_dashboards_cache_key_is_the_stamp_not_a_scan_of_the_years_matters(client_as, world):
    make_matter(world, year=timezone.localdate().year)
    client = client_as("office")
    url = reverse("dashboard", args=[world.partnership.pk])
    client.get(url)  # the figures are now cached
    with CaptureQueriesContext(connection) as served:
        assert client.get(url).status_code == 200
    assert not [q["sql"] for q in served.captured_queries if "MAX(" in q["sql"].upper()]
    with acting(world.users["office"]):
        touch(Partnership, [world.partnership])  # any write of the services
    with CaptureQueriesContext(connection) as recomputed:
        client.get(url)
    assert len(recomputed.captured_queries) > len(served.captured_queries)

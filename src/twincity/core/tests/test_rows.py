"""Rows at the driver's speed (``core.rows``): what reaches the database is what Django would have sent."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import JSONField
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from twincity.core import rows
from twincity.matters.choices import MatterStatus, OwnerRole
from twincity.matters.models import ListEntry, Matter, MatterOwner, MatterSide
from twincity.matters.services import get_or_create_list
from twincity.supervision.models import Todo

NAIVE = dt.datetime(2026, 3, 1, 9, 30)  # noqa: DTZ001 (Django warns and makes it aware)
AWARE = timezone.make_aware(NAIVE)
SAMPLES = [
    None,
    "",
    "文本 text",
    MatterStatus.IN_PROGRESS,  # a text choice: a str subclass
    0,
    7,
    True,
    False,
    1.5,
    Decimal("12.50"),
    dt.date(2026, 3, 1),
    AWARE,
    NAIVE,
    uuid.UUID("12345678-1234-5678-1234-567812345678"),
    {"a": [1, "二"]},
]


def _same(got, expected) -> bool:
    if hasattr(expected, "obj"):  # psycopg's Jsonb wraps the value
        return type(got) is type(expected) and got.obj == expected.obj
    if isinstance(expected, int) and type(expected).__module__.startswith("psycopg"):
        # Int2/Int4/Int8 only say which integer type a lone parameter is sent as; an array parameter is cast to
        # the column's type (``::smallint[]``), so the plain number stores the same value.
        return type(got) in (int, type(expected)) and got == expected
    return type(got) is type(expected) and got == expected


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the naive datetime's warning, from both sides
def test_every_fields_preparer_gives_what_django_would_send():
    fields = {
        (type(f), getattr(f, "max_digits", None), f.null): f
        for model in apps.get_models()
        for f in model._meta.concrete_fields
    }
    compared = 0
    for field in fields.values():
        prepare = rows.preparer(field)
        for value in SAMPLES:
            try:
                expected = field.get_db_prep_save(value, connection)
            except Exception as exc:  # any refusal must be the same refusal
                with pytest.raises(type(exc)):
                    prepare(value)
                continue
            got = prepare(value)
            assert _same(got, expected), (field, value, got, expected)
            compared += 1
    assert compared > 200


def _world_matter(world, code: str) -> Matter:
    return Matter(
        partnership=world.partnership,
        year_list=world.year_list,
        year=2020,
        code=code,
        title="共建内陆开放门户",
        status=MatterStatus.IN_PROGRESS,
        field=world.field,
        start_date=dt.date(2020, 1, 1),
        due_date=dt.date(2020, 12, 31),
        search_document="共建 内陆 开放 门户",
    )


@pytest.fixture
def listed(world):
    world.year_list = get_or_create_list(world.partnership, 2020)
    return world


def _parts(world, matters):
    sides = [
        MatterSide(matter=m, year_list=m.year_list, region=r, responsible_leader="张主任")
        for m in matters
        for r in (world.tf, world.lj)
    ]
    owners = [
        MatterOwner(matter=m, organisation=o, side=o.region, role=OwnerRole.LEAD)
        for m in matters
        for o in (world.tf_dept, world.lj_dept)
    ]
    return sides, owners


def _stored(model, ids) -> list[dict]:
    skip = {"id", "created", "last_updated", "matter_id", "code", "search_document"}
    return [
        {k: v for k, v in row.items() if k not in skip}
        for row in model._base_manager.filter(pk__in=ids).order_by("pk").values()
    ]


@pytest.mark.django_db
def test_objects_inserted_are_stored_as_djangos_bulk_create_stores_them(listed):
    world = listed
    ours = [_world_matter(world, f"R-{n}") for n in range(3)]
    theirs = [_world_matter(world, f"D-{n}") for n in range(3)]
    rows.insert_objects(ours)
    Matter.objects.bulk_create(theirs)
    assert all(m.pk and not m._state.adding and m._state.db == "default" for m in ours)
    assert [m.code for m in Matter.objects.filter(pk__in=[m.pk for m in ours]).order_by("pk")] == [
        m.code for m in ours
    ]  # each object got its own row's id
    assert _stored(Matter, [m.pk for m in ours]) == _stored(Matter, [m.pk for m in theirs])
    assert all(m.created and m.last_updated for m in ours)  # auto_now dates filled, as bulk_create does

    # Parts built while their matter had no id take it from the matter they hold, and keep holding it.
    our_sides, our_owners = _parts(world, ours)
    their_sides, their_owners = _parts(world, theirs)
    entered = dt.date(2020, 1, 1)
    entries = [ListEntry(matter=m, year_list=world.year_list, code=m.code, entered_on=entered) for m in ours]
    for part in (our_sides, our_owners, entries):
        rows.insert_objects(part)
    MatterSide.objects.bulk_create(their_sides)
    MatterOwner.objects.bulk_create(their_owners)
    assert _stored(MatterSide, [s.pk for s in our_sides]) == _stored(MatterSide, [s.pk for s in their_sides])
    assert _stored(MatterOwner, [o.pk for o in our_owners]) == _stored(MatterOwner, [o.pk for o in their_owners])
    assert [s.matter_id for s in our_sides] == [m.pk for m in ours for _side in range(2)]
    with CaptureQueriesContext(connection) as ctx:
        assert [s.matter.code for s in our_sides] == [m.code for m in ours for _side in range(2)]
    assert not ctx.captured_queries  # the held matter is still held


@pytest.mark.django_db
def test_a_part_of_an_unsaved_object_is_refused(listed):
    matter = _world_matter(listed, "R-1")
    sides, _owners = _parts(listed, [matter])
    with pytest.raises(ValueError, match="unsaved related object"):
        rows.insert_objects(sides)
    assert not MatterSide.objects.exists()


@pytest.mark.django_db
def test_models_with_json_or_objects_with_ids_go_to_djangos_bulk_create(listed):
    assert not rows.can_unnest([JSONField(name="data")])
    assert rows.can_unnest([f for f in Todo._meta.concrete_fields if not f.primary_key]) == (
        connection.vendor == "postgresql"
    )
    matter = _world_matter(listed, "R-1")
    rows.insert_objects([matter])
    again = Matter.objects.get(pk=matter.pk)
    again.pk = None
    again.code = "R-2"
    rows.insert_objects([again])
    assert again.pk
    assert again.pk != matter.pk


@pytest.mark.django_db
def test_held_parts_answer_without_a_query(listed):
    world = listed
    matter = _world_matter(world, "R-1")
    rows.insert_objects([matter])
    sides, owners = _parts(world, [matter])
    rows.insert_objects(sides)
    rows.insert_objects(owners)
    rows.hold(matter, "sides", sides)
    rows.hold(matter, "owners", owners)
    with CaptureQueriesContext(connection) as ctx:
        held = ([s.pk for s in matter.sides.all()], [o.pk for o in matter.owners.all()])
    assert not ctx.captured_queries
    fresh = Matter.objects.get(pk=matter.pk)
    assert held == ([s.pk for s in fresh.sides.all()], [o.pk for o in fresh.owners.all()])

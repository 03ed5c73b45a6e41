"""The reader's memberships (``accounts.access.memberships``), read in one plain statement, are the ORM's: the same rows
in the same order, the same values of every field (dates and times as the database gives them back, on SQLite too),
each with its partnership as ``select_related`` gives it; and the partnerships the frame lists (``partnerships_for``)
are the door's (``restrict(Partnership…, VIEW)``), taken from them without a query of their own."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from twincity.accounts.access import forget, memberships, memberships_queryset, partnerships_for
from twincity.accounts.choices import Action, Role
from twincity.accounts.models import Membership
from twincity.accounts.services import add_membership
from twincity.regions.models import Partnership
from twincity.testing import PERSONAS, make_user
from twincity.testkit import HOSTILE

pytestmark = pytest.mark.django_db


def values(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


@pytest.fixture
def people(world):
    """The personas; the office also a leader of a partnership named first (hostile) and of an archived one, with an
    ended role; a superuser; a closed account."""
    first = Partnership.objects.create(
        name=f"A {HOSTILE}", name_en=HOSTILE, established_on=dt.date(2019, 1, 2), health_lag_margin=7
    )
    gone = Partnership.objects.create(name="B 已撤销", archived_at=timezone.now())
    office = world.users["office"]
    add_membership(office, first, Role.LEADER)
    add_membership(office, first, Role.AUDITOR, title=HOSTILE)
    add_membership(office, gone, Role.LEADER)
    ended = add_membership(office, first, Role.OFFICE_ADMIN)
    Membership.objects.filter(pk=ended.pk).update(archived_at=timezone.now())
    closed = make_user("closed")
    add_membership(closed, world.partnership, Role.LEADER)
    closed.is_active = False
    closed.save()
    return {
        **{name: world.users[name] for name in PERSONAS},
        "admin": make_user("root", superuser=True),
        "closed": closed,
    }


def test_the_memberships_are_the_orms_row_for_row_and_field_for_field(people):
    assert len(memberships(people["office"])) == 3  # here, and twice in the first one: not the ended nor the archived
    for name, user in people.items():
        forget(user)
        with CaptureQueriesContext(connection) as ctx:
            read = memberships(user)
            partnerships = [m.partnership for m in read]  # read with them
        assert len(ctx.captured_queries) == (1 if user.is_active else 0), name
        expected = list(memberships_queryset(user.pk)) if user.is_active else []
        assert [values(m) for m in read] == [values(m) for m in expected], name
        assert [values(p) for p in partnerships] == [values(m.partnership) for m in expected], name
        assert [type(v) for m in read for v in values(m).values()] == [
            type(v) for m in expected for v in values(m).values()
        ], name
        assert all(m.loaded_snapshot() == e.loaded_snapshot() for m, e in zip(read, expected, strict=True)), name
        assert all(m._state.db == e._state.db and not m._state.adding for m, e in zip(read, expected, strict=True))


def test_the_frames_partnerships_are_the_doors_without_a_query(world, people):
    for name, user in [*people.items(), ("signed out", AnonymousUser())]:
        expected = list(Partnership.objects.restrict(user, Action.VIEW).active().order_by("name", "pk"))
        if user.is_authenticated:
            forget(user)
            memberships(user)
        with CaptureQueriesContext(connection) as ctx:
            found = partnerships_for(user)
        assert [values(p) for p in found] == [values(p) for p in expected], name
        assert len(ctx.captured_queries) == (1 if name == "admin" else 0), name  # a superuser's: all of them
    assert [p.name for p in partnerships_for(people["office"])] == [f"A {HOSTILE}", world.partnership.name]

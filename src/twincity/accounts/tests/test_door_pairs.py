"""The door reaches a region's and a unit's partnership through the pairs' own table (``PartnershipRegion``): the
rows a subquery of the model joined along the path found, without the join (``accounts.access._match``)."""

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory

from twincity.accounts import access
from twincity.accounts.access import restrict
from twincity.accounts.choices import Action, Role
from twincity.accounts.services import add_membership
from twincity.core.filtersets import visible_to_requester
from twincity.core.services import archive
from twincity.regions.models import Field, Organisation, Partnership, PartnershipRegion, Region
from twincity.testing import build_world, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_worlds(world):
    """The world, a second partnership, and regions of every kind: a child of a side (a unit of it), a region of
    both partnerships, one of none, one whose seat was archived, and a member of both partnerships."""
    other = build_world(code_prefix="B")
    child = Region.objects.create(code="TF-KID", name="天府新区直管区", parent=world.tf)
    grandchild = Region.objects.create(code="TF-KID-KID", name="直管区街道", parent=child)
    shared = Region.objects.create(code="BOTH", name="两个机制的地区")
    PartnershipRegion.objects.create(partnership=world.partnership, region=shared, rotation_order=3)
    PartnershipRegion.objects.create(partnership=other.partnership, region=shared, rotation_order=3)
    Region.objects.create(code="NONE", name="不在机制的地区")
    left = Region.objects.create(code="LEFT", name="席位已归档的地区")
    archive(PartnershipRegion.objects.create(partnership=other.partnership, region=left), user=other.users["office"])
    for region in (child, grandchild, shared):
        Organisation.objects.create(region=region, name=f"{region.name}的单位")
    both = make_user("both")
    add_membership(both, world.partnership, Role.UNIT_CONTACT, organisation=world.tf_dept)
    add_membership(both, other.partnership, Role.REGION_COORDINATOR, region=other.lj)
    people = {**world.users, **{f"B-{name}": user for name, user in other.users.items()}, "both": both}
    people["superuser"] = get_user_model().objects.create_superuser("root", password="x" * 12)
    return people


def joined(monkeypatch, model, user, action) -> list[int]:
    """The rows as the door found them with a subquery of the model joined along each path."""
    with monkeypatch.context() as patched:
        patched.setattr(access, "_through_step", lambda model, path: None)
        access.forget(user)
        return sorted(restrict(model.objects.all(), user, action).values_list("pk", flat=True))


@pytest.mark.parametrize("model", [Region, Organisation])
@pytest.mark.parametrize("action", [Action.VIEW, Action.CHANGE, Action.REPORT, Action.EVALUATE])
def test_regions_and_units_are_those_the_joined_subquery_found(two_worlds, monkeypatch, model, action):
    for name, user in two_worlds.items():
        expected = joined(monkeypatch, model, user, action)
        access.forget(user)
        found = list(restrict(model.objects.all(), user, action).values_list("pk", flat=True))
        assert sorted(found) == expected, (name, action)
        assert len(found) == len(set(found)), name  # no row twice: the door never joins a row to many


def test_a_region_is_reached_through_its_seats_without_a_join(two_worlds):
    user = two_worlds["both"]
    sql = str(restrict(Region.objects.all(), user, Action.VIEW).query)
    assert 'FROM "regions_partnershipregion"' in sql
    assert "JOIN" not in sql  # the seats' own table, for the region and for its parent
    names = set(restrict(Region.objects.all(), user, Action.VIEW).values_list("code", flat=True))
    assert {"TF", "LJ", "BTF", "BLJ", "TF-KID", "BOTH"} <= names
    assert not names & {"NONE", "TF-KID-KID"}  # no seat; a child of a region with no seat
    outsider = two_worlds["outsider"]
    assert not restrict(Region.objects.all(), outsider, Action.VIEW).exists()
    unit_sql = str(restrict(Organisation.objects.all(), user, Action.VIEW).query)
    assert '"regions_organisation"."region_id" IN (SELECT U0."region_id"' in unit_sql.replace('"U0"', "U0")


@pytest.mark.parametrize("model", [Region, Organisation, Field, Partnership])
def test_a_filters_choices_are_read_without_distinct_and_none_twice(two_worlds, model):
    """``visible_to_requester``: the door's rows, none repeated, in the model's order, with no DISTINCT to compute."""
    for name, user in two_worlds.items():
        request = RequestFactory().get("/")
        request.user = user
        choices = visible_to_requester(model)(request)
        assert choices.query.is_empty() or "DISTINCT" not in str(choices.query)  # none() for the outsider
        found = list(choices.values_list("pk", flat=True))
        assert found == list(choices.distinct().values_list("pk", flat=True)), name
        assert len(found) == len(set(found)), name

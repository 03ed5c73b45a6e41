"""The partnership, its regions and units over the API: members read their own, nobody else's."""

import pytest

from twincity.regions.models import Organisation, PartnershipRegion, Region
from twincity.testing import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def other(world):
    """A second partnership whose people and data ours must never see (and the other way round)."""
    return build_world(code_prefix="X")


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_a_member_reads_the_partnership_with_its_sides_in_rotation_order_and_its_fields(api_as, world, other):
    # Liangjiang hosts first from now on: the order follows the rotation, not the order of creation.
    PartnershipRegion.objects.filter(partnership=world.partnership, region=world.lj).update(rotation_order=0)
    [row] = results(api_as("lj-unit").get("/api/partnerships/"))
    assert row["id"] == world.partnership.pk
    assert row["name"] == world.partnership.name
    assert [s["id"] for s in row["sides"]] == [world.lj.pk, world.tf.pk]
    assert [s["short_name"] for s in row["sides"]] == ["两江", "天府"]
    assert "开放" in [f["name"] for f in row["cooperation_fields"]]
    assert row["version"] == world.partnership.version


def test_an_outsider_sees_no_partnership_region_or_unit(api_as, world, other):
    client = api_as("outsider")
    for name in ("partnerships", "regions", "organisations"):
        body = client.get(f"/api/{name}/").json()
        assert body["count"] == 0, name
        assert body["results"] == [], name
    for url in (
        f"/api/partnerships/{world.partnership.pk}/",
        f"/api/regions/{world.tf.pk}/",
        f"/api/organisations/{world.tf_dept.pk}/",
    ):
        assert client.get(url).status_code == 404, url


def test_the_people_of_one_partnership_never_see_the_regions_or_units_of_another(api_as, world, other):
    client = api_as("office")
    assert [p["id"] for p in results(client.get("/api/partnerships/"))] == [world.partnership.pk]
    assert {r["id"] for r in results(client.get("/api/regions/"))} == {world.tf.pk, world.lj.pk}
    units = {o["id"] for o in results(client.get("/api/organisations/"))}
    assert units == set(Organisation.objects.filter(region__in=[world.tf, world.lj]).values_list("pk", flat=True))
    assert client.get(f"/api/partnerships/{other.partnership.pk}/").status_code == 404
    assert client.get(f"/api/regions/{other.tf.pk}/").status_code == 404
    assert client.get(f"/api/organisations/{other.tf_dept.pk}/").status_code == 404


def test_filtering_by_another_partnerships_ids_is_refused_like_an_id_that_does_not_exist(api_as, world, other):
    client = api_as("office")
    theirs = client.get("/api/regions/", {"partnership": other.partnership.pk})
    missing = client.get("/api/regions/", {"partnership": 999999})
    assert theirs.status_code == missing.status_code == 400
    assert theirs.json().keys() == missing.json().keys() == {"partnership"}
    assert client.get("/api/regions/", {"parent": other.tf.pk}).status_code == 400
    assert client.get("/api/organisations/", {"region": other.tf.pk}).status_code == 400
    ours = results(client.get("/api/regions/", {"partnership": world.partnership.pk}))
    assert {r["id"] for r in ours} == {world.tf.pk, world.lj.pk}


def test_a_region_in_two_partnerships_shows_only_the_one_the_reader_belongs_to(api_as, world, other):
    PartnershipRegion.objects.create(partnership=other.partnership, region=world.tf, rotation_order=3)
    row = api_as("leader").get(f"/api/regions/{world.tf.pk}/").json()
    assert row["partnerships"] == [world.partnership.pk]
    both = api_as(other.users["leader"]).get(f"/api/regions/{world.tf.pk}/").json()
    assert both["partnerships"] == [other.partnership.pk]


def test_units_are_filtered_by_kind_region_and_name(api_as, world):
    client = api_as("tf-unit")
    departments = results(client.get("/api/organisations/", {"kind": "department", "region": world.lj.pk}))
    assert {o["name"] for o in departments} == {"两江新区市场监管局", "两江新区教育局"}
    found = results(client.get("/api/organisations/", {"q": "教育"}))
    assert {o["name"] for o in found} == {"天府新区教育局", "两江新区教育局"}


def test_regions_are_read_only_over_the_api(api_as, world):
    client = api_as("office")
    assert client.post("/api/regions/", {"code": "NEW", "name": "新区"}).status_code == 405
    assert client.patch(f"/api/regions/{world.tf.pk}/", {"name": "改名"}, format="json").status_code == 405
    assert Region.objects.get(pk=world.tf.pk).name == "四川天府新区"


def test_the_api_root_lists_every_endpoint_for_a_signed_in_user(api_as, world, client):
    body = api_as("leader").get("/api/").json()
    assert set(body) == {
        "partnerships",
        "regions",
        "organisations",
        "matters",
        "milestones",
        "progress-reports",
        "meeting-series",
        "sessions",
        "agenda-items",
        "outcomes",
        "actions",
        "petitions",
        "agreements",
        "obligations",
        "visits",
        "lessons",
        "gaps",
        "secondments",
        "policies",
        "policy-clauses",
        "alignment-groups",
        "siting-cases",
        "siting-bids",
        "supervision-cases",
        "supervision-sheets",
        "supervision-scores",
        "todos",
        "indicator-elements",
        "indicators",
        "indicator-frameworks",
        "indicator-panels",
        "indicator-figures",
        "index-runs",
    }
    assert client.get("/api/").status_code in (401, 403)

"""Joint requests over the API: the register's standard endpoints and the endorse/submit steps."""

import pytest

from twincity.petitions.choices import PetitionStatus
from twincity.petitions.models import Petition, PetitionSide, PetitionText
from twincity.petitions.tests.test_services import make_petition
from twincity.testkit import unchanged

pytestmark = pytest.mark.django_db


def test_members_list_requests_and_the_outsider_sees_none(api_as, world):
    petition = make_petition(world)
    body = api_as("auditor").get("/api/petitions/", {"q": "内陆开放门户"}).json()
    assert [row["id"] for row in body["results"]] == [petition.pk]
    assert body["results"][0]["current_text"]["version"] == 1
    assert api_as("outsider").get("/api/petitions/").json()["results"] == []
    assert api_as("outsider").get(f"/api/petitions/{petition.pk}/").status_code == 404


def test_a_coordinator_adds_a_request_and_edits_it_with_its_version(api_as, world):
    client = api_as("lj-coord")
    created = client.post(
        "/api/petitions/",
        {
            "partnership": world.partnership.pk,
            "year": 2020,
            "title": "开展现代服务业开放试点",
            "target_authority": "商务部",
            "drafting_units": [world.lj_dept.pk, world.tf_dept.pk],
            "text": "联合申请",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    pk, version = created.json()["id"], created.json()["version"]
    assert client.patch(f"/api/petitions/{pk}/", {"title": "无版本"}, format="json").status_code == 428
    ok = client.patch(
        f"/api/petitions/{pk}/", {"title": "开展现代服务业扩大开放试点", "version": version}, format="json"
    )
    assert ok.status_code == 200
    assert ok.json()["version"] == version + 1
    stale = api_as("tf-coord").patch(f"/api/petitions/{pk}/", {"title": "别的", "version": version}, format="json")
    assert stale.status_code == 409
    assert stale.json()["current_version"] == version + 1


def test_readers_cannot_write_and_the_outsider_learns_nothing(api_as, world):
    petition = make_petition(world)
    leader, outsider = api_as("leader"), api_as("outsider")
    with unchanged(Petition, PetitionSide, PetitionText):
        assert leader.patch(f"/api/petitions/{petition.pk}/", {"title": "x", "version": 1}).status_code == 403
        assert outsider.patch(f"/api/petitions/{petition.pk}/", {"title": "x", "version": 1}).status_code == 404
        refused = leader.post(
            "/api/petitions/",
            {"partnership": world.partnership.pk, "year": 2020, "title": "x", "target_authority": "y"},
            format="json",
        )
        assert refused.status_code == 403


def test_submission_through_the_api_waits_for_both_endorsements(api_as, world):
    petition = make_petition(world)
    url = f"/api/petitions/{petition.pk}/"
    office, tf_coord = api_as("office"), api_as("tf-coord")
    with unchanged(Petition, PetitionSide, PetitionText):
        refused = office.post(url + "submit/", {"submitted_on": "2020-07-01", "channel": "joint_letter"})
        assert refused.status_code == 400
        assert tf_coord.post(url + "endorse/", {"side": world.lj.pk}).status_code == 403  # not its side's word
    assert tf_coord.post(url + "endorse/", {"side": world.tf.pk}).status_code == 200
    assert api_as("lj-coord").post(url + "endorse/", {"side": world.lj.pk}).json()["status"] == PetitionStatus.ENDORSED
    done = api_as("office").post(url + "submit/", {"submitted_on": "2020-07-01", "channel": "joint_letter"})
    assert done.status_code == 200
    assert done.json()["status"] == PetitionStatus.SUBMITTED


def test_archiving_with_if_match_archives_only_the_version_named(api_as, world):
    petition = make_petition(world)
    url = f"/api/petitions/{petition.pk}/archive/"
    stale = api_as("office").post(url, headers={"If-Match": f'"{petition.version + 5}"'})
    assert stale.status_code == 409
    assert api_as("office").post(url, headers={"If-Match": "abc"}).status_code == 412
    petition.refresh_from_db()
    assert petition.archived_at is None
    done = api_as("office").post(url, headers={"If-Match": f'"{petition.version}"'})
    assert done.status_code == 200
    assert done.json()["archived_at"] is not None


def test_the_office_archives_a_request_which_then_leaves_the_list(api_as, world):
    petition = make_petition(world)
    assert api_as("office").post(f"/api/petitions/{petition.pk}/archive/").status_code == 200
    assert api_as("office").get("/api/petitions/").json()["results"] == []
    assert api_as("office").get("/api/petitions/", {"archived": "true"}).json()["results"][0]["id"] == petition.pk

"""Agreements over the API: the register's standard endpoints, the workflow steps and the obligations."""

import datetime as dt

import pytest
from django.utils import timezone

from twincity.agreements import services
from twincity.agreements.choices import AgreementStatus
from twincity.agreements.models import Agreement, AgreementParty, Obligation
from twincity.agreements.tests.helpers import make_agreement
from twincity.audit.context import acting
from twincity.matters.models import Matter
from twincity.testkit import unchanged

pytestmark = pytest.mark.django_db


def test_members_list_agreements_with_their_state_and_the_outsider_sees_none(api_as, world):
    agreement = make_agreement(world, expires_on=dt.date(2021, 5, 31))
    body = api_as("auditor").get("/api/agreements/", {"q": "市场监管"}).json()
    [row] = body["results"]
    assert row["id"] == agreement.pk
    assert (row["status"], row["state"]) == ("in_force", "expired")
    assert {p["organisation"] for p in row["parties"]} == {world.tf_dept.pk, world.lj_dept.pk}
    assert api_as("auditor").get("/api/agreements/", {"state": "in_force"}).json()["results"] == []
    assert api_as("outsider").get("/api/agreements/").json()["results"] == []
    assert api_as("outsider").get(f"/api/agreements/{agreement.pk}/").status_code == 404


def test_a_coordinator_adds_an_agreement_and_edits_it_with_its_version(api_as, world):
    client = api_as("lj-coord")
    created = client.post(
        "/api/agreements/",
        {
            "partnership": world.partnership.pk,
            "title": "人力资源合作战略合作协议",
            "topic": "人力资源",
            "starts_on": "2020-05-20",
            "term_years": 3,
            "parties": [
                {"organisation": world.lj_dept.pk, "signatory_post": "局长"},
                {"organisation": world.tf_dept.pk},
            ],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    pk, version = created.json()["id"], created.json()["version"]
    assert created.json()["expires_on"] == "2023-05-19"
    assert api_as("lj-coord").patch(f"/api/agreements/{pk}/", {"topic": "人社"}, format="json").status_code == 428
    ok = api_as("lj-coord").patch(f"/api/agreements/{pk}/", {"topic": "人社", "version": version}, format="json")
    assert ok.status_code == 200
    assert ok.json()["version"] == version + 1
    stale = api_as("tf-coord").patch(f"/api/agreements/{pk}/", {"topic": "别的", "version": version}, format="json")
    assert stale.status_code == 409
    assert stale.json()["current_version"] == version + 1


def post_agreement(client, world, title: str, *units):
    """A new agreement posted to the API, signed by ``units``."""
    parties = [{"organisation": unit.pk} for unit in units]
    body = {"partnership": world.partnership.pk, "title": title, "parties": parties}
    return client.post("/api/agreements/", body, format="json")


def test_an_agreement_of_one_side_only_is_refused_and_nothing_is_written(api_as, world):
    refused = post_agreement(api_as("office"), world, "单方协议", world.tf_dept, world.tf_dept2)
    assert refused.status_code == 400
    assert api_as("office").get("/api/agreements/").json()["results"] == []


def test_readers_cannot_write_and_the_outsider_learns_nothing(api_as, world):
    agreement = make_agreement(world)
    url = f"/api/agreements/{agreement.pk}/"
    leader, outsider, tf_unit, auditor = (api_as(p) for p in ("leader", "outsider", "tf-unit", "auditor"))
    with unchanged(Agreement, AgreementParty, Obligation):
        assert leader.patch(url, {"title": "x", "version": 1}, format="json").status_code == 403
        assert outsider.patch(url, {"title": "x", "version": 1}, format="json").status_code == 404
        assert tf_unit.post(url + "terminate/", {"terminated_on": "2021-01-01", "reason": "x"}).status_code == 403
        assert outsider.post(url + "renew/", {"new_expires_on": "2030-01-01"}).status_code == 404
        assert post_agreement(auditor, world, "x", world.tf_dept, world.lj_dept).status_code == 403


def test_renewal_termination_and_a_recorded_lapse_through_the_api(api_as, world):
    agreement = make_agreement(world, expires_on=dt.date(2021, 5, 31))
    url = f"/api/agreements/{agreement.pk}/"
    client = api_as("tf-coord")
    assert client.post(url + "renew/", {}, format="json").status_code == 400
    lapsed = client.post(url + "record-lapse/")
    assert lapsed.status_code == 200
    assert lapsed.json()["status"] == AgreementStatus.EXPIRED
    later = (timezone.localdate() + dt.timedelta(days=365)).isoformat()
    renewed = client.post(url + "renew/", {"new_expires_on": later}, format="json")
    assert renewed.status_code == 200
    assert renewed.json()["state"] == AgreementStatus.IN_FORCE
    refused = client.post(url + "terminate/", {"terminated_on": "2019-01-01", "reason": "机构调整"}, format="json")
    assert refused.status_code == 400
    ended = client.post(url + "terminate/", {"terminated_on": "2022-01-01", "reason": "机构调整"}, format="json")
    assert ended.status_code == 200
    assert ended.json()["termination_reason"] == "机构调整"


def test_obligations_are_added_listed_and_turned_into_matters_through_the_api(api_as, world):
    agreement = make_agreement(world)
    client = api_as("tf-coord")
    url = f"/api/agreements/{agreement.pk}/obligations/"
    other_side = client.post(url, {"side": world.lj.pk, "text": "两江承担"}, format="json")
    assert other_side.status_code == 403
    created = client.post(url, {"organisation": world.tf_dept.pk, "text": "建立执法协作机制"}, format="json")
    assert created.status_code == 201
    assert created.json()["side"] == world.tf.pk
    pk = created.json()["id"]
    listed = api_as("leader").get("/api/obligations/", {"agreement": agreement.pk}).json()["results"]
    assert [o["id"] for o in listed] == [pk]
    assert listed[0]["follow_ups"] == []
    assert api_as("leader").post(f"/api/obligations/{pk}/follow-up/", {"year": 2020}).status_code == 403
    matter = client.post(f"/api/obligations/{pk}/follow-up/", {"year": 2020}, format="json")
    assert matter.status_code == 201
    assert matter.json()["title"] == "建立执法协作机制"
    [follow_up] = api_as("leader").get(f"/api/obligations/{pk}/").json()["follow_ups"]
    assert follow_up["code"] == matter.json()["code"]
    assert follow_up["relation"] == "created"
    assert api_as("outsider").get(f"/api/obligations/{pk}/").status_code == 404
    assert Matter.objects.count() == 1


def test_the_office_archives_an_agreement_which_then_leaves_the_list(api_as, world):
    agreement = make_agreement(world)
    with acting(world.users["office"]):
        services.add_obligation(agreement, user=world.users["office"], text="x", side=world.tf)
    assert api_as("office").post(f"/api/agreements/{agreement.pk}/archive/").status_code == 200
    assert api_as("office").get("/api/agreements/").json()["results"] == []
    assert api_as("office").get("/api/agreements/", {"archived": "true"}).json()["results"][0]["id"] == agreement.pk


def test_the_schema_describes_the_agreements_endpoints(api_as, world):
    schema = api_as("office").get("/api/schema/", {"format": "json"}).json()
    assert "/api/agreements/{id}/renew/" in schema["paths"]
    assert "/api/obligations/{id}/follow-up/" in schema["paths"]

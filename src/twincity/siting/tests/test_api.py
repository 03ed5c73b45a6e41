"""Siting cases over the API: each persona with their own token, the same rules as the pages."""

import pytest

from twincity.siting.choices import CaseStatus
from twincity.siting.models import SitingBid, SitingCase
from twincity.siting.tests.helpers import make_case, meeting_decision
from twincity.testkit import unchanged

pytestmark = pytest.mark.django_db

CASES = "/api/siting-cases/"
BIDS = "/api/siting-bids/"


def test_every_member_lists_and_reads_a_case_with_its_bids(api_as, world):
    case = make_case(world)
    for persona in ("leader", "lj-unit", "auditor"):
        rows = api_as(persona).get(CASES + f"?partnership={world.partnership.pk}").json()["results"]
        assert [r["id"] for r in rows] == [case.pk]
    data = api_as("leader").get(f"{CASES}{case.pk}/").json()
    assert data["status"] == CaseStatus.NEGOTIATING
    assert {b["side"]: b["candidate_site"] for b in data["bids"]} == {
        world.tf.pk: "成都科学城",
        world.lj.pk: "两江数字经济产业园",
    }


def test_the_list_filters_by_status_and_finds_chinese_words(api_as, world):
    make_case(world)
    make_case(world, title="汽车检测平台", industry="智能网联汽车", bids=("LJ",))
    client = api_as("leader")
    assert [r["title"] for r in client.get(CASES + "?status=open").json()["results"]] == ["汽车检测平台"]
    assert [r["title"] for r in client.get(CASES + "?q=科学城").json()["results"]] == ["大数据平台布局"]


def test_an_outsider_sees_nothing_and_gets_a_404_for_a_case_and_a_bid(api_as, world):
    case = make_case(world)
    client = api_as("outsider")
    assert client.get(CASES).json()["results"] == []
    assert client.get(BIDS).json()["results"] == []
    assert client.get(f"{CASES}{case.pk}/").status_code == 404
    assert client.get(f"{BIDS}{case.bids.first().pk}/").status_code == 404
    response = client.patch(f"{CASES}{case.pk}/", {"title": "改", "version": case.version}, format="json")
    assert response.status_code == 404


def test_a_coordinator_raises_a_case_only_with_its_own_sides_bid(api_as, world):
    client = api_as("lj-coord")
    body = {"partnership": world.partnership.pk, "title": "算力调度中心布局", "industry": "算力"}
    tf_bid = {"side": world.tf.pk, "candidate_site": "成都科学城"}
    assert client.post(CASES, {**body, "bids": [tf_bid]}, format="json").status_code == 403
    lj_bid = {"side": world.lj.pk, "candidate_site": "两江协同创新区", "unit": world.lj_dept.pk}
    response = client.post(CASES, {**body, "bids": [lj_bid]}, format="json")
    assert response.status_code == 201
    assert [b["candidate_site"] for b in response.json()["bids"]] == ["两江协同创新区"]
    assert SitingCase.objects.count() == 1


def test_editing_needs_the_version_and_a_stale_one_is_refused(api_as, world):
    case = make_case(world)
    client = api_as("tf-coord")
    url = f"{CASES}{case.pk}/"
    assert client.patch(url, {"industry": "超级计算"}, format="json").status_code == 428
    response = client.patch(url, {"industry": "超级计算", "version": case.version}, format="json")
    assert response.status_code == 200
    assert response.json()["version"] == case.version + 1
    stale = api_as("lj-coord").patch(url, {"industry": "云计算", "version": case.version}, format="json")
    assert stale.status_code == 409
    assert stale.json()["current"]["industry"] == "超级计算"


def test_a_reader_cannot_write(api_as, world):
    case = make_case(world)
    client = api_as("leader")
    bid = case.bids.get(side=world.tf)
    with unchanged(SitingCase, SitingBid):
        edit = {"title": "改", "version": case.version}
        assert client.patch(f"{CASES}{case.pk}/", edit, format="json").status_code == 403
        assert (
            client.patch(f"{BIDS}{bid.pk}/", {"need": "改", "version": bid.version}, format="json").status_code == 403
        )
        assert client.post(f"{CASES}{case.pk}/archive/").status_code == 403


def test_each_side_edits_and_withdraws_only_its_own_bid(api_as, world):
    case = make_case(world)
    tf_bid, lj_bid = case.bids.get(side=world.tf), case.bids.get(side=world.lj)
    client = api_as("tf-coord")
    response = client.patch(f"{BIDS}{lj_bid.pk}/", {"need": "改", "version": lj_bid.version}, format="json")
    assert response.status_code == 403
    response = client.patch(
        f"{BIDS}{tf_bid.pk}/", {"policy_offer": "同等政策", "version": tf_bid.version}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["policy_offer"] == "同等政策"
    stale = api_as("office").patch(f"{BIDS}{tf_bid.pk}/", {"need": "改", "version": tf_bid.version}, format="json")
    assert stale.status_code == 409
    assert client.post(f"{BIDS}{lj_bid.pk}/withdraw/", {"reason": "让给两江"}, format="json").status_code == 403
    response = api_as("lj-coord").post(f"{BIDS}{lj_bid.pk}/withdraw/", {"reason": "已有多个类似平台"}, format="json")
    assert response.status_code == 200
    assert response.json()["withdrawn_on"]


def test_the_other_side_bids_through_the_api(api_as, world):
    case = make_case(world, bids=("TF",))
    bid = {"side": world.lj.pk, "candidate_site": "两江协同创新区"}
    assert api_as("tf-coord").post(f"{CASES}{case.pk}/bid/", bid, format="json").status_code == 403
    response = api_as("lj-coord").post(f"{CASES}{case.pk}/bid/", bid, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == CaseStatus.NEGOTIATING


def test_a_meeting_decision_is_linked_and_the_office_decides_which_closes_the_case(api_as, world):
    case = make_case(world)
    outcome = meeting_decision(world)
    response = api_as("tf-coord").post(f"{CASES}{case.pk}/negotiation/", {"outcome": outcome.pk}, format="json")
    assert response.status_code == 200
    assert [n["outcome"] for n in response.json()["negotiations"]] == [outcome.pk]
    decision = {"side": world.tf.pk, "rationale": "科学城急需", "decided_on": "2020-06-30"}
    assert api_as("tf-coord").post(f"{CASES}{case.pk}/decide/", decision, format="json").status_code == 403
    assert api_as("leader").post(f"{CASES}{case.pk}/decide/", decision, format="json").status_code == 403
    response = api_as("office").post(f"{CASES}{case.pk}/decide/", decision, format="json")
    assert response.status_code == 200
    data = response.json()
    assert (data["status"], data["decided_side"], data["decided_site"]) == ("decided", world.tf.pk, "成都科学城")
    bid = case.bids.get(side=world.lj)
    response = api_as("lj-coord").patch(f"{BIDS}{bid.pk}/", {"need": "改", "version": bid.version}, format="json")
    assert response.status_code == 400  # the case is closed
    assert SitingBid.objects.get(pk=bid.pk).need == "扩充算力"


def test_withdrawing_a_case_needs_a_reason(api_as, world):
    case = make_case(world)
    client = api_as("office")
    assert client.post(f"{CASES}{case.pk}/withdraw/", {}, format="json").status_code == 400
    response = client.post(f"{CASES}{case.pk}/withdraw/", {"reason": "项目取消"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == CaseStatus.WITHDRAWN


def test_the_openapi_schema_describes_the_siting_endpoints(api_as, world):
    schema = api_as("leader").get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert "/api/siting-cases/{id}/decide/" in schema["paths"]
    assert "/api/siting-bids/{id}/" in schema["paths"]

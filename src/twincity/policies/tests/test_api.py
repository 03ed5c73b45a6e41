"""Policy alignment over the API: the same rules as the pages, versions on every edit."""

import pytest

from twincity.policies.choices import AlignmentStatus
from twincity.policies.models import AlignmentGroup, AlignmentMember, Clause, Policy
from twincity.policies.tests.test_services import make_clause, make_group, make_policy
from twincity.testkit import unchanged

pytestmark = pytest.mark.django_db

MODELS = (Policy, Clause, AlignmentGroup, AlignmentMember)


@pytest.fixture
def pair(world):
    tf_clause = make_clause(world, make_policy(world, world.tf), "50", qualifier="前三年")
    lj_clause = make_clause(world, make_policy(world, world.lj), "50", qualifier="前三年")
    return make_group(world, [tf_clause, lj_clause]), tf_clause, lj_clause


def test_members_read_policies_and_groups_and_the_outsider_sees_none(api_as, world, pair):
    group, tf, _lj = pair
    body = api_as("auditor").get("/api/policies/", {"side": world.tf.pk}).json()
    assert [row["id"] for row in body["results"]] == [tf.policy_id]
    assert body["results"][0]["clauses"][0]["value"] == "50.0000"
    groups = api_as("leader").get("/api/alignment-groups/", {"status": "aligned"}).json()["results"]
    assert [g["id"] for g in groups] == [group.pk]
    assert {m["side"] for m in groups[0]["members"]} == {world.tf.pk, world.lj.pk}
    assert groups[0]["divergence"] == "0.0000"
    assert groups[0]["flagged"] is False
    outsider = api_as("outsider")
    for url in ("/api/policies/", "/api/alignment-groups/", "/api/policy-clauses/"):
        assert outsider.get(url).json()["results"] == []
    assert outsider.get(f"/api/alignment-groups/{group.pk}/").status_code == 404
    assert outsider.get(f"/api/policy-clauses/{tf.pk}/").status_code == 404


def test_a_coordinator_enters_a_policy_and_a_clause_but_not_for_the_other_side(api_as, world):
    client = api_as("tf-coord")
    data = {"partnership": world.partnership.pk, "side": world.tf.pk, "title": "天府新区人才安居办法"}
    created = client.post("/api/policies/", data, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    clause = client.post(
        f"/api/policies/{pk}/clauses/", {"term_name": "人才安居补贴", "value": "10", "unit": "万元/人"}, format="json"
    )
    assert clause.status_code == 201
    assert clause.json()["unit"] == "万元/人"
    other = client.post("/api/policies/", {**data, "side": world.lj.pk}, format="json")
    assert other.status_code == 403
    assert client.post("/api/policies/", {"partnership": world.partnership.pk, "title": "无所属方"}).status_code == 400
    moved = client.patch(f"/api/policies/{pk}/", {"side": world.lj.pk, "version": 1}, format="json")
    assert moved.status_code in (400, 403)


def test_a_new_clause_value_through_the_api_flags_the_group(api_as, world, pair):
    group, _tf, lj = pair
    client = api_as("lj-coord")
    url = f"/api/policy-clauses/{lj.pk}/"
    assert client.patch(url, {"value": "40"}, format="json").status_code == 428
    ok = client.patch(url, {"value": "40", "version": lj.version}, format="json")
    assert ok.status_code == 200
    assert ok.json()["version"] == lj.version + 1
    stale = api_as("office").patch(url, {"value": "60", "version": lj.version}, format="json")
    assert stale.status_code == 409
    assert stale.json()["current_version"] == lj.version + 1
    body = client.get(f"/api/alignment-groups/{group.pk}/").json()
    assert body["status"] == AlignmentStatus.DIVERGING
    assert body["divergence"] == "20.0000"
    assert body["flagged"]


def test_readers_cannot_write_and_the_outsider_learns_nothing(api_as, world, pair):
    group, tf, _lj = pair
    url = f"/api/policy-clauses/{tf.pk}/"
    leader, outsider, lj_coord, tf_coord = (api_as(p) for p in ("leader", "outsider", "lj-coord", "tf-coord"))
    with unchanged(*MODELS):
        assert leader.patch(url, {"value": "1", "version": 1}, format="json").status_code == 403
        assert outsider.patch(url, {"value": "1", "version": 1}, format="json").status_code == 404
        assert lj_coord.patch(url, {"value": "1", "version": 1}, format="json").status_code == 403
        status = {"status": "negotiating", "reason": "会商"}
        assert leader.post(f"/api/alignment-groups/{group.pk}/status/", status).status_code == 403
        assert outsider.post(f"/api/alignment-groups/{group.pk}/status/", status).status_code == 404
        edit = {"tolerance": "50", "version": group.version}
        assert tf_coord.patch(f"/api/alignment-groups/{group.pk}/", edit, format="json").status_code == 403


def test_only_the_office_sets_up_a_group_and_the_sides_add_their_own_clauses(api_as, world):
    tf = make_clause(world, make_policy(world, world.tf), "30", term="工业用地出让价格优惠")
    lj = make_clause(world, make_policy(world, world.lj), "45", term="工业用地出让价格优惠")
    data = {
        "partnership": world.partnership.pk,
        "title": "工业用地出让价格优惠",
        "term_name": "工业用地出让价格优惠",
        "unit": "%",
        "tolerance": "5",
        "tolerance_kind": "absolute",
        "clauses": [tf.pk],
    }
    tf_coord = api_as("tf-coord")
    with unchanged(*MODELS):
        assert tf_coord.post("/api/alignment-groups/", data, format="json").status_code == 403
    created = api_as("office").post("/api/alignment-groups/", data, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert api_as("tf-coord").post(f"/api/alignment-groups/{pk}/members/", {"clause": lj.pk}).status_code == 403
    added = api_as("lj-coord").post(f"/api/alignment-groups/{pk}/members/", {"clause": lj.pk})
    assert added.status_code == 200
    assert added.json()["status"] == AlignmentStatus.DIVERGING
    member = next(m for m in added.json()["members"] if m["clause"] == lj.pk)
    refused = api_as("lj-coord").post(
        f"/api/alignment-groups/{pk}/remove-member/", {"member": member["id"], "reason": "x"}
    )
    assert refused.status_code == 403
    unknown = api_as("office").post(f"/api/alignment-groups/{pk}/remove-member/", {"member": 0, "reason": "x"})
    assert unknown.status_code == 400
    assert "member" in unknown.json()
    removed = api_as("office").post(
        f"/api/alignment-groups/{pk}/remove-member/", {"member": member["id"], "reason": "条款已废止"}
    )
    assert removed.status_code == 200
    assert removed.json()["divergence"] is None


def test_negotiation_and_agreeing_to_differ_through_the_api(api_as, world, pair):
    group, _tf, _lj = pair
    url = f"/api/alignment-groups/{group.pk}/"
    held = api_as("tf-coord").post(url + "status/", {"status": "negotiating", "reason": "会商"})
    assert held.status_code == 200
    assert held.json()["status_reason"] == "会商"
    assert api_as("tf-coord").post(url + "status/", {"status": "agreed_to_differ", "reason": "x"}).status_code == 403
    assert api_as("office").post(url + "status/", {"status": "diverging", "reason": "x"}).status_code == 400
    differ = api_as("office").post(url + "status/", {"status": "agreed_to_differ", "reason": "各自保留"})
    assert differ.json()["status"] == AlignmentStatus.AGREED_TO_DIFFER
    assert api_as("tf-coord").post(url + "resume/", {"reason": "重新比较"}).status_code == 403
    resumed = api_as("office").post(url + "resume/", {"reason": "重新比较"})
    assert resumed.status_code == 200
    assert resumed.json()["status"] == AlignmentStatus.ALIGNED


def test_the_office_archives_a_group_which_then_leaves_the_list(api_as, world, pair):
    group, tf, _lj = pair
    assert api_as("office").post(f"/api/alignment-groups/{group.pk}/archive/").status_code == 200
    assert api_as("office").get("/api/alignment-groups/").json()["results"] == []
    archived = api_as("office").get("/api/alignment-groups/", {"archived": "true"}).json()["results"]
    assert [g["id"] for g in archived] == [group.pk]
    assert api_as("tf-coord").post(f"/api/policy-clauses/{tf.pk}/archive/").status_code == 200
    assert tf.pk not in [c["id"] for c in api_as("tf-coord").get("/api/policy-clauses/").json()["results"]]

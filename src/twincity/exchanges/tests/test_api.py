"""Secondments over the API: the register's standard endpoints and the report, cut-short and evaluation steps."""

import pytest
from django.utils import timezone

from twincity.exchanges.choices import Rating, SecondmentStatus
from twincity.exchanges.models import Secondment, SecondmentReport
from twincity.exchanges.tests.test_services import days, second
from twincity.testkit import unchanged

pytestmark = pytest.mark.django_db


def payload(world, **changes):
    data = {
        "partnership": world.partnership.pk,
        "person_name": "赵某某",
        "rank": "division",
        "post": "天府新区科技创新局处长",
        "home_organisation": world.tf_dept2.pk,
        "host_organisation": world.lj_dept2.pk,
        "start_date": days(-10).isoformat(),
        "end_date": days(355).isoformat(),
        "objectives": "对接两地科技创新平台",
    }
    data.update(changes)
    return data


def test_members_list_secondments_and_the_outsider_sees_none(api_as, world):
    s = second(world, objectives="学习市场监管一体化经验")
    body = api_as("auditor").get("/api/secondments/", {"q": "市场监管"}).json()
    assert [row["id"] for row in body["results"]] == [s.pk]
    row = body["results"][0]
    assert row["status"] == SecondmentStatus.ACTIVE
    assert (row["home_side"], row["host_side"]) == (world.lj.pk, world.tf.pk)
    assert api_as("auditor").get("/api/secondments/", {"status": "planned"}).json()["results"] == []
    assert api_as("outsider").get("/api/secondments/").json()["results"] == []
    assert api_as("outsider").get(f"/api/secondments/{s.pk}/").status_code == 404


def test_a_coordinator_adds_a_secondment_and_edits_it_with_its_version(api_as, world):
    client = api_as("tf-coord")
    created = client.post("/api/secondments/", payload(world), format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    pk, version = body["id"], body["version"]
    assert (body["home_side"], body["host_side"]) == (world.tf.pk, world.lj.pk)
    assert client.patch(f"/api/secondments/{pk}/", {"host_post": "无版本"}, format="json").status_code == 428
    ok = client.patch(f"/api/secondments/{pk}/", {"host_post": "局长助理", "version": version}, format="json")
    assert ok.status_code == 200
    assert ok.json()["version"] == version + 1
    stale = api_as("lj-coord").patch(
        f"/api/secondments/{pk}/", {"host_post": "别的", "version": version}, format="json"
    )
    assert stale.status_code == 409
    assert stale.json()["current_version"] == version + 1


def test_a_secondment_needs_its_cadre_units_and_term(api_as, world):
    refused = api_as("office").post(
        "/api/secondments/", {"partnership": world.partnership.pk, "person_name": "赵某某"}, format="json"
    )
    assert refused.status_code == 400
    assert "home_organisation" in refused.json()
    same_side = api_as("office").post(
        "/api/secondments/", payload(world, host_organisation=world.tf_dept.pk), format="json"
    )
    assert same_side.status_code == 400
    assert "host_organisation" in same_side.json()
    assert not Secondment.objects.exists()


def test_readers_cannot_write_and_the_outsider_learns_nothing(api_as, world):
    s = second(world)
    url = f"/api/secondments/{s.pk}/"
    leader, tf_unit, outsider = (api_as(p) for p in ("leader", "tf-unit", "outsider"))
    with unchanged(Secondment, SecondmentReport):
        assert leader.patch(url, {"post": "x", "version": 1}, format="json").status_code == 403
        assert tf_unit.patch(url, {"post": "x", "version": 1}, format="json").status_code == 403
        assert outsider.patch(url, {"post": "x", "version": 1}, format="json").status_code == 404
        assert leader.post("/api/secondments/", payload(world), format="json").status_code == 403


def test_reports_through_the_api_from_either_unit_not_from_readers(api_as, world):
    s = second(world)
    url = f"/api/secondments/{s.pk}/report/"
    filed = api_as("lj-unit").post(url, {"period": "2020-Q3", "text": "参与企业登记规则统一"}, format="json")
    assert filed.status_code == 201
    assert filed.json()["reports"][0]["period"] == "2020-Q3"
    again = api_as("tf-unit").post(url, {"period": "2020-Q3", "text": "重复"}, format="json")
    assert again.status_code == 400
    assert "period" in again.json()
    leader = api_as("leader")
    with unchanged(Secondment, SecondmentReport):
        assert leader.post(url, {"period": "2020-Q4", "text": "x"}, format="json").status_code == 403


def test_only_the_host_evaluates_through_the_api_after_the_term(api_as, world):
    s = second(world, start=-365, end=-1)
    url = f"/api/secondments/{s.pk}/evaluate/"
    data = {"rating": Rating.EXCELLENT, "evaluation": "工作扎实"}
    lj_coord, lj_unit = api_as("lj-coord"), api_as("lj-unit")
    with unchanged(Secondment, SecondmentReport):  # the home side does not evaluate
        assert lj_coord.post(url, data, format="json").status_code == 403
        assert lj_unit.post(url, data, format="json").status_code == 403
    done = api_as("tf-unit").post(url, data, format="json")
    assert done.status_code == 200
    assert done.json()["rating"] == Rating.EXCELLENT
    assert done.json()["evaluated_on"] == timezone.localdate().isoformat()
    early = second(world, person_name="李某某", end=30)
    refused = api_as("office").post(f"/api/secondments/{early.pk}/evaluate/", data, format="json")
    assert refused.status_code == 400
    assert "evaluated_on" in refused.json()


def test_a_term_is_cut_short_through_the_api(api_as, world):
    s = second(world)
    url = f"/api/secondments/{s.pk}/cut_short/"
    tf_unit = api_as("tf-unit")
    with unchanged(Secondment):
        assert tf_unit.post(url, {"on": days(-1).isoformat(), "reason": "x"}, format="json").status_code == 403
    done = api_as("lj-coord").post(url, {"on": days(-1).isoformat(), "reason": "工作需要"}, format="json")
    assert done.status_code == 200
    assert done.json()["status"] == SecondmentStatus.CUT_SHORT


def test_the_office_archives_a_secondment_which_then_leaves_the_list(api_as, world):
    s = second(world)
    assert api_as("office").post(f"/api/secondments/{s.pk}/archive/").status_code == 200
    assert api_as("office").get("/api/secondments/").json()["results"] == []
    assert api_as("office").get("/api/secondments/", {"archived": "true"}).json()["results"][0]["id"] == s.pk


def test_the_schema_describes_the_secondments(api_as):
    schema = api_as("office").get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/secondments/" in paths
    assert "/api/secondments/{id}/evaluate/" in paths

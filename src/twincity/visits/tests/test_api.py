"""Visits, lessons and gaps over the API, each persona with their own token: the same rules as the pages."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from twincity.matters.models import Matter
from twincity.registers.models import MatterLink
from twincity.testing import make_matter
from twincity.testkit import unchanged
from twincity.visits.choices import VisitStatus
from twincity.visits.models import Gap, Lesson, Visit, VisitTopic
from twincity.visits.tests.test_services import follow_up, record, record_visit

pytestmark = pytest.mark.django_db

VISITS = (Visit, VisitTopic)


def new_visit(world, **changes):
    data = {
        "partnership": world.partnership.pk,
        "title": "天府新区党政代表团赴两江新区实地考察学习",
        "visiting_region": world.tf.pk,
        "host_region": world.lj.pk,
        "start_date": "2020-04-23",
        "level": "party_government",
        "topics": ["opening_up", "innovation"],
    }
    data.update(changes)
    return data


def test_members_list_and_read_visits_and_the_outsider_sees_none(world, api_as):
    visit = record_visit(world)
    listed = api_as("lj-unit").get("/api/visits/").json()
    assert [row["title"] for row in listed["results"]] == [visit.title]
    assert listed["results"][0]["topics"] == ["city", "industry"]
    assert listed["results"][0]["status"] == "held"
    outsider = api_as("outsider")
    assert outsider.get("/api/visits/").json()["results"] == []
    assert outsider.get(f"/api/visits/{visit.pk}/").status_code == 404


def test_a_coordinator_records_a_visit_and_a_topic_outside_the_list_is_refused(world, api_as):
    client = api_as("tf-coord")
    response = client.post("/api/visits/", new_visit(world), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["topics"] == ["opening_up", "innovation"]
    refused = client.post("/api/visits/", new_visit(world, topics=["tourism"]), format="json")
    assert refused.status_code == 400
    assert "topics" in refused.json()
    itself = client.post("/api/visits/", new_visit(world, host_region=world.tf.pk), format="json")
    assert itself.status_code == 400
    assert "host_region" in itself.json()
    leader = api_as("leader")
    with unchanged(*VISITS):
        assert leader.post("/api/visits/", new_visit(world), format="json").status_code == 403
    assert Visit.objects.count() == 1


def test_an_edit_names_its_version_and_a_stale_one_is_a_conflict(world, api_as):
    visit = record_visit(world)
    client = api_as("lj-coord")
    url = f"/api/visits/{visit.pk}/"
    assert client.patch(url, {"outcomes": "十条真经"}, format="json").status_code == 428
    response = client.patch(url, {"outcomes": "十条真经", "topics": ["talent"], "version": 1}, format="json")
    assert response.status_code == 200
    assert response.json()["version"] == 2
    assert response.json()["topics"] == ["talent"]
    stale = api_as("tf-coord").patch(url, {"outcomes": "覆盖", "version": 1}, format="json")
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2
    auditor = api_as("auditor")
    with unchanged(*VISITS):
        assert auditor.patch(url, {"outcomes": "x", "version": 2}, format="json").status_code == 403
    assert Visit.objects.get(pk=visit.pk).outcomes == "十条真经"


def test_a_planned_visit_is_held_or_cancelled_through_its_actions(world, api_as):
    ahead = record_visit(world, start_date=timezone.localdate() + dt.timedelta(days=4), end_date=None)
    client = api_as("office")
    early = client.post(f"/api/visits/{ahead.pk}/held/", {"outcomes": "x"}, format="json")
    assert early.status_code == 400
    assert client.post(f"/api/visits/{ahead.pk}/cancel/", {}, format="json").status_code == 400
    response = client.post(f"/api/visits/{ahead.pk}/cancel/", {"reason": "日程调整"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == VisitStatus.CANCELLED
    leader = api_as("leader")
    with unchanged(*VISITS):
        assert leader.post(f"/api/visits/{ahead.pk}/cancel/", {"reason": "x"}).status_code == 403


def test_a_visit_with_lessons_is_not_archived_over_the_api(world, api_as):
    visit = record_visit(world)
    record(Lesson, world, visit)
    response = api_as("office").post(f"/api/visits/{visit.pk}/archive/")
    assert response.status_code == 400
    assert not Visit.objects.get(pk=visit.pk).is_archived


def test_the_lesson_list_carries_every_lessons_follow_up_in_constant_queries(world, api_as):
    visit = record_visit(world)
    first = record(Lesson, world, visit)
    follow_up(world, first)
    client = api_as("leader")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            body = client.get("/api/lessons/").json()
        return len(captured), body

    few, body = queries()
    [row] = body["results"]
    assert row["follow_up"][0]["status"] == "approved"
    assert row["follow_up"][0]["light"] in ("green", "yellow", "red")
    for i in range(8):
        follow_up(world, record(Lesson, world, visit, title=f"经验{i}"), title=f"后续{i}")
    many, body = queries()
    assert many == few
    assert len(body["results"]) == 9


def test_the_side_that_learned_a_lesson_turns_it_into_a_matter_over_the_api(world, api_as):
    lesson = record(Lesson, world, record_visit(world), side=world.lj)
    data = {"title": "借鉴顶层设计经验编制规划", "year": 2020, "owners": [world.lj_dept.pk, world.tf_dept.pk]}
    tf_coord = api_as("tf-coord")
    with unchanged(Lesson, Matter, MatterLink):
        assert tf_coord.post(f"/api/lessons/{lesson.pk}/follow-up/", data, format="json").status_code == 403
    response = api_as("lj-coord").post(f"/api/lessons/{lesson.pk}/follow-up/", data, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["relation"] == "created"
    assert response.json()["status"] == "proposed"
    matter = Matter.objects.get(pk=response.json()["id"])
    existing = make_matter(world, title="已有事项")
    linked = api_as("office").post(f"/api/lessons/{lesson.pk}/link/", {"matter": existing.pk}, format="json")
    assert linked.status_code == 201
    assert linked.json()["relation"] == "serves"
    codes = [m["code"] for m in api_as("leader").get(f"/api/lessons/{lesson.pk}/").json()["follow_up"]]
    assert codes == [matter.code, existing.code]


def test_a_coordinator_records_a_gap_of_their_own_side_only(world, api_as):
    visit = record_visit(world)
    data = {"partnership": world.partnership.pk, "title": "人才体制方面的差距", "side": world.lj.pk, "visit": visit.pk}
    tf_coord = api_as("tf-coord")
    with unchanged(Gap):
        assert tf_coord.post("/api/gaps/", data, format="json").status_code == 403
    response = api_as("lj-coord").post("/api/gaps/", data, format="json")
    assert response.status_code == 201
    assert response.json()["number"] == 1
    assert response.json()["follow_up"] == []

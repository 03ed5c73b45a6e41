"""The meetings over the API: the same door and the same services as the pages.

Every call goes through the router and the token authentication, as a script would make it (``api_as``).
"""

import datetime as dt

import pytest
from django.utils import timezone

from twincity.meetings.choices import ActionStatus
from twincity.meetings.models import ActionItem, ActionOwner, ActionUpdate, AgendaItem, MeetingSeries, Outcome, Session
from twincity.meetings.tests.helpers import add_session, decide_action, make_series, publish
from twincity.testkit import unchanged

pytestmark = pytest.mark.django_db

# What a refused write must leave as it was.
MEETINGS = (MeetingSeries, Session, AgendaItem, Outcome, ActionItem, ActionOwner, ActionUpdate)


@pytest.fixture
def meeting(world):
    today = timezone.localdate()
    series = make_series(world)
    session = add_session(world, series, today)
    publish(world, session)
    action = decide_action(world, session, owners=[world.tf_dept], due=today + dt.timedelta(days=10))
    return {"series": series, "session": session, "action": action}


def test_members_list_sessions_and_actions_and_the_outsider_sees_none(api_as, world, meeting):
    response = api_as("lj-unit").get("/api/sessions/")
    assert response.status_code == 200
    assert [s["id"] for s in response.json()["results"]] == [meeting["session"].pk]
    response = api_as("leader").get("/api/actions/")
    assert response.status_code == 200
    row = response.json()["results"][0]
    assert row["light"] == "green"
    assert row["owners"][0]["organisation"] == world.tf_dept.pk
    assert [u["kind"] for u in row["updates"]] == ["assigned"]
    outsider = api_as("outsider")
    assert outsider.get("/api/sessions/").json()["results"] == []
    assert outsider.get(f"/api/sessions/{meeting['session'].pk}/").status_code == 404


def test_the_owner_acknowledges_and_reports_done_and_only_the_office_verifies(api_as, world, meeting):
    url = f"/api/actions/{meeting['action'].pk}/"
    tf_unit, lj_unit, office = api_as("tf-unit"), api_as("lj-unit"), api_as("office")
    with unchanged(*MEETINGS):  # not its unit's action
        assert lj_unit.post(url + "acknowledge/", {}, format="json").status_code == 403
    ok = tf_unit.post(url + "acknowledge/", {}, format="json")
    assert ok.status_code == 200
    assert ok.json()["status"] == ActionStatus.ACKNOWLEDGED
    with unchanged(*MEETINGS):
        assert tf_unit.post(url + "report-done/", {"text": ""}, format="json").status_code == 400
    assert tf_unit.post(url + "report-done/", {"text": "已完成"}, format="json").status_code == 200
    with unchanged(*MEETINGS):
        assert tf_unit.post(url + "verify/", {}, format="json").status_code == 403
    assert office.post(url + "verify/", {}, format="json").status_code == 400  # no rating
    done = office.post(url + "verify/", {"rating": "good"}, format="json")
    assert done.status_code == 200
    assert done.json()["status"] == ActionStatus.VERIFIED


def test_the_secretariat_records_a_decision_with_its_action_and_a_reader_cannot(api_as, world, meeting):
    data = {
        "session": meeting["session"].pk,
        "kind": "decision",
        "text": "同意",
        "owners": [world.lj_dept.pk],
        "due_date": (timezone.localdate() + dt.timedelta(days=5)).isoformat(),
        "action_title": "报送材料",
    }
    leader = api_as("leader")
    with unchanged(*MEETINGS):
        assert leader.post("/api/outcomes/", data, format="json").status_code == 403
    response = api_as("office").post("/api/outcomes/", data, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["number"] == 2
    assert len(response.json()["actions"]) == 1


def test_a_published_agenda_is_not_published_twice(api_as, world, meeting):
    office = api_as("office")
    with unchanged(*MEETINGS):
        assert office.post(f"/api/sessions/{meeting['session'].pk}/publish/").status_code == 400


# ------------------------------------------------------------------------------ series and sessions: writes


def test_the_office_creates_a_series_and_plans_its_sessions_through_the_api(api_as, world):
    office = api_as("office")
    created = office.post(
        "/api/meeting-series/",
        {"partnership": world.partnership.pk, "name": "联席会议", "first_host": world.lj.pk},
        format="json",
    )
    assert created.status_code == 201, created.content
    series = created.json()
    planned = office.post(f"/api/meeting-series/{series['id']}/generate/", {"count": 3}, format="json")
    assert planned.status_code == 201, planned.content
    sessions = planned.json()
    assert [s["number"] for s in sessions] == [1, 2, 3]
    assert [s["host"] for s in sessions] == [world.lj.pk, world.tf.pk, world.lj.pk]  # the rotation
    assert office.post(f"/api/meeting-series/{series['id']}/generate/", {"count": 25}).status_code == 400


def test_only_the_office_creates_series_and_plans_sessions(api_as, world):
    body = {"partnership": world.partnership.pk, "name": "联席会议"}
    tf_coord, leader, outsider = api_as("tf-coord"), api_as("leader"), api_as("outsider")
    with unchanged(*MEETINGS):
        for persona, client in (("tf-coord", tf_coord), ("leader", leader)):
            assert client.post("/api/meeting-series/", body, format="json").status_code == 403, persona
        assert outsider.post("/api/meeting-series/", body, format="json").status_code == 400  # unseen: no choice
    series = make_series(world)
    with unchanged(*MEETINGS):
        assert tf_coord.post(f"/api/meeting-series/{series.pk}/generate/", {"count": 1}).status_code == 403
        assert outsider.post(f"/api/meeting-series/{series.pk}/generate/", {"count": 1}).status_code == 404


def test_a_series_is_edited_with_its_version_and_a_stale_edit_changes_nothing(api_as, world):
    series = make_series(world)
    url = f"/api/meeting-series/{series.pk}/"
    office = api_as("office")
    assert office.patch(url, {"name": "月度联席会议"}, format="json").status_code == 428
    ok = office.patch(url, {"name": "月度联席会议", "version": series.version}, format="json")
    assert ok.status_code == 200
    assert ok.json()["name"] == "月度联席会议"
    stale = office.patch(url, {"name": "别的名字", "version": series.version}, format="json")
    assert stale.status_code == 409
    series.refresh_from_db()
    assert series.name == "月度联席会议"


def test_a_session_is_added_edited_by_its_host_and_rescheduled_through_the_api(api_as, world):
    series = make_series(world)
    starts = timezone.now().replace(microsecond=0) + dt.timedelta(days=20)
    added = api_as("office").post(
        "/api/sessions/", {"series": series.pk, "starts_at": starts.isoformat(), "venue": "天府新区"}, format="json"
    )
    assert added.status_code == 201, added.content
    session = added.json()
    host = "tf-coord" if session["host"] == world.tf.pk else "lj-coord"
    other = "lj-coord" if host == "tf-coord" else "tf-coord"
    url = f"/api/sessions/{session['id']}/"
    other_coord = api_as(other)
    with unchanged(*MEETINGS):
        assert (
            other_coord.patch(url, {"venue": "别处", "version": session["version"]}, format="json").status_code == 403
        )
    edited = api_as(host).patch(url, {"venue": "兴隆湖畔", "version": session["version"]}, format="json")
    assert edited.status_code == 200
    assert edited.json()["venue"] == "兴隆湖畔"
    later = (starts + dt.timedelta(days=2)).isoformat()
    moved = api_as(host).post(
        url + "reschedule/",
        {"starts_at": later, "reason": "避开节假日", "version": edited.json()["version"]},
        format="json",
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["host"] == session["host"]  # the host stays
    leader = api_as("leader")
    with unchanged(*MEETINGS):
        assert leader.post(url + "reschedule/", {"starts_at": later, "version": 9}, format="json").status_code == 403

"""The meetings over the API: the same door and the same services as the pages.

The router lines live in ``api_urls.py`` (owned by the lead); these tests call the viewsets
directly so they hold whether or not the routes are registered yet.
"""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIRequestFactory, force_authenticate

from twincity.audit.context import acting
from twincity.meetings.api import ActionItemViewSet, OutcomeViewSet, SessionViewSet
from twincity.meetings.choices import ActionStatus
from twincity.meetings.tests.helpers import add_session, decide_action, make_series, publish

pytestmark = pytest.mark.django_db
factory = APIRequestFactory()


def call(viewset, actions, user, method="get", data=None, **kwargs):
    """Call a viewset as the request middleware would: the acting user is set for this request only."""
    view = viewset.as_view(actions)
    request = getattr(factory, method)("/api/x/", data or {}, format="json")
    force_authenticate(request, user=user)
    with acting(None):  # the viewset names the user to the audit context; the block forgets it afterwards
        return view(request, **kwargs)


@pytest.fixture
def meeting(world):
    today = timezone.localdate()
    series = make_series(world)
    session = add_session(world, series, today)
    publish(world, session)
    action = decide_action(world, session, owners=[world.tf_dept], due=today + dt.timedelta(days=10))
    return {"series": series, "session": session, "action": action}


def test_members_list_sessions_and_actions_and_the_outsider_sees_none(world, meeting):
    response = call(SessionViewSet, {"get": "list"}, world.users["lj-unit"])
    assert [s["id"] for s in response.data["results"]] == [meeting["session"].pk]
    response = call(ActionItemViewSet, {"get": "list"}, world.users["leader"])
    row = response.data["results"][0]
    assert row["light"] == "green" and row["owners"][0]["organisation"] == world.tf_dept.pk
    assert [u["kind"] for u in row["updates"]] == ["assigned"]
    assert call(SessionViewSet, {"get": "list"}, world.users["outsider"]).data["results"] == []
    detail = call(SessionViewSet, {"get": "retrieve"}, world.users["outsider"], pk=meeting["session"].pk)
    assert detail.status_code == 404


def test_the_owner_acknowledges_and_reports_done_and_only_the_office_verifies(world, meeting):
    pk = meeting["action"].pk
    assert call(ActionItemViewSet, {"post": "acknowledge"}, world.users["lj-unit"], "post", pk=pk).status_code == 403
    ok = call(ActionItemViewSet, {"post": "acknowledge"}, world.users["tf-unit"], "post", pk=pk)
    assert ok.status_code == 200 and ok.data["status"] == ActionStatus.ACKNOWLEDGED
    empty = call(ActionItemViewSet, {"post": "report_done"}, world.users["tf-unit"], "post", {"text": ""}, pk=pk)
    assert empty.status_code == 400
    call(ActionItemViewSet, {"post": "report_done"}, world.users["tf-unit"], "post", {"text": "已完成"}, pk=pk)
    assert call(ActionItemViewSet, {"post": "verify"}, world.users["tf-unit"], "post", pk=pk).status_code == 403
    done = call(ActionItemViewSet, {"post": "verify"}, world.users["office"], "post", pk=pk)
    assert done.data["status"] == ActionStatus.VERIFIED


def test_the_secretariat_records_a_decision_with_its_action_and_a_reader_cannot(world, meeting):
    data = {
        "session": meeting["session"].pk,
        "kind": "decision",
        "text": "同意",
        "owners": [world.lj_dept.pk],
        "due_date": (timezone.localdate() + dt.timedelta(days=5)).isoformat(),
        "action_title": "报送材料",
    }
    assert call(OutcomeViewSet, {"post": "create"}, world.users["leader"], "post", data).status_code == 403
    response = call(OutcomeViewSet, {"post": "create"}, world.users["office"], "post", data)
    assert response.status_code == 201 and response.data["number"] == 2 and len(response.data["actions"]) == 1


def test_a_published_agenda_is_not_published_twice(world, meeting):
    response = call(SessionViewSet, {"post": "publish"}, world.users["office"], "post", pk=meeting["session"].pk)
    assert response.status_code == 400


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
    for persona in ("tf-coord", "leader"):
        assert api_as(persona).post("/api/meeting-series/", body, format="json").status_code == 403, persona
    assert api_as("outsider").post("/api/meeting-series/", body, format="json").status_code == 400  # unseen: no choice
    series = make_series(world)
    assert api_as("tf-coord").post(f"/api/meeting-series/{series.pk}/generate/", {"count": 1}).status_code == 403
    assert api_as("outsider").post(f"/api/meeting-series/{series.pk}/generate/", {"count": 1}).status_code == 404


def test_a_series_is_edited_with_its_version_and_a_stale_edit_changes_nothing(api_as, world):
    series = make_series(world)
    url = f"/api/meeting-series/{series.pk}/"
    office = api_as("office")
    assert office.patch(url, {"name": "月度联席会议"}, format="json").status_code == 428
    ok = office.patch(url, {"name": "月度联席会议", "version": series.version}, format="json")
    assert ok.status_code == 200 and ok.json()["name"] == "月度联席会议"
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
    assert api_as(other).patch(url, {"venue": "别处", "version": session["version"]}, format="json").status_code == 403
    edited = api_as(host).patch(url, {"venue": "兴隆湖畔", "version": session["version"]}, format="json")
    assert edited.status_code == 200 and edited.json()["venue"] == "兴隆湖畔"
    later = (starts + dt.timedelta(days=2)).isoformat()
    moved = api_as(host).post(
        url + "reschedule/",
        {"starts_at": later, "reason": "避开节假日", "version": edited.json()["version"]},
        format="json",
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["host"] == session["host"]  # the host stays
    assert (
        api_as("leader").post(url + "reschedule/", {"starts_at": later, "version": 9}, format="json").status_code == 403
    )

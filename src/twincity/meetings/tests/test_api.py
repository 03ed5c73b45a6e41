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

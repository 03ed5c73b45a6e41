"""The rules of a session's life, written once on ``Session`` and asked by the services, the page and the API:
the agenda is built while the session is planned; the minutes are recorded once the agenda is published and
the session's day has come, until they are locked."""

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from twincity.audit.context import acting
from twincity.meetings import services
from twincity.meetings.choices import OutcomeKind, SessionStatus
from twincity.meetings.models import Session
from twincity.meetings.tests.helpers import add_session, decide_action, make_series, publish

pytestmark = pytest.mark.django_db
NOT_YET = "not taken place|尚未召开"  # the refusal, in English or Chinese


@pytest.fixture
def sessions(world):
    """Session 1 a week ago and session 2 in ten days, both with their agenda published (Tianfu, then Liangjiang)."""
    today = timezone.localdate()
    series = make_series(world)
    past = publish(world, add_session(world, series, today - dt.timedelta(days=7)))
    future = publish(world, add_session(world, series, today + dt.timedelta(days=10)))
    return {"series": series, "past": past, "future": future, "today": today}


def test_the_agenda_is_open_while_the_session_is_planned_and_its_minutes_untouched(world):
    session = Session(status=SessionStatus.PLANNED, minutes_status="draft")
    assert session.agenda_is_open
    assert session.agenda_closed_reason() is None
    assert not Session(status=SessionStatus.HELD, minutes_status="draft").agenda_is_open
    assert not Session(status=SessionStatus.PLANNED, minutes_status="confirmed").agenda_is_open
    cancelled = Session(status=SessionStatus.CANCELLED, minutes_status="draft")
    assert not cancelled.agenda_is_open
    assert cancelled.agenda_closed_reason() is not None


def test_minutes_are_editable_from_the_session_day_once_the_agenda_is_published(sessions):
    past, future, today = sessions["past"], sessions["future"], sessions["today"]
    assert past.minutes_editable
    assert past.minutes_closed_reason(today) is None
    assert not future.minutes_editable
    assert re.search(NOT_YET, str(future.minutes_closed_reason(today)))
    # On the day itself the minutes open (the secretariat records them during the meeting).
    assert future.minutes_closed_reason(future.local_date) is None
    assert future.minutes_closed_reason(future.local_date - dt.timedelta(days=1)) is not None


def test_a_session_in_the_future_refuses_its_minutes_in_the_service(world, sessions):
    future, office = sessions["future"], world.users["office"]
    with acting(office):
        with pytest.raises(ValidationError, match=NOT_YET):
            services.record_outcome(future, user=office, kind=OutcomeKind.DECISION, text="同意")
        with pytest.raises(ValidationError, match=NOT_YET):
            services.record_attendance(future, user=office, side=world.tf, name="王主任")
        with pytest.raises(ValidationError, match=NOT_YET):
            services.update_minutes_summary(future, user=office, summary="会议纪要")
    future.refresh_from_db()
    assert not future.outcomes.exists()
    assert not future.attendance.exists()
    assert future.minutes_summary == ""
    assert future.status == SessionStatus.PLANNED
    # The session a week ago takes its minutes.
    with acting(office):
        services.record_outcome(sessions["past"], user=office, kind=OutcomeKind.DECISION, text="同意")


def test_the_page_of_a_future_session_offers_no_minutes_controls_and_refuses_a_post(client_as, sessions):
    future = sessions["future"]
    client = client_as("office")
    page = client.get(reverse("meetings:session", args=[future.pk])).content.decode()
    assert 'id="outcome-form"' not in page
    assert 'id="minutes-not-yet"' in page
    past_page = client.get(reverse("meetings:session", args=[sessions["past"].pk])).content.decode()
    assert 'id="outcome-form"' in past_page
    assert 'id="minutes-not-yet"' not in past_page
    response = client.post(
        reverse("meetings:outcome_add", args=[future.pk]), {"kind": "information", "text": "听取汇报"}, follow=True
    )
    assert response.status_code == 200
    assert re.search(NOT_YET, response.content.decode())
    assert not future.outcomes.exists()


def test_the_api_answers_400_to_minutes_of_a_future_session(api_as, sessions):
    office = api_as("office")
    data = {"session": sessions["future"].pk, "kind": "information", "text": "听取汇报"}
    response = office.post("/api/outcomes/", data, format="json")
    assert response.status_code == 400, response.content
    assert not sessions["future"].outcomes.exists()
    data["session"] = sessions["past"].pk
    assert office.post("/api/outcomes/", data, format="json").status_code == 201


def test_an_item_edit_that_would_leave_the_editors_reach_is_refused_and_changes_nothing(world):
    """Editing an item asks the door again after the edit, as every versioned edit does: a coordinator may not
    hand its side's proposal (a unit contact's) to the other side (it could not propose for that side either)."""
    series, coordinator, contact = make_series(world), world.users["tf-coord"], world.users["tf-unit"]
    with acting(contact):
        item = services.propose_item(series, user=contact, title="天府提议", side=world.tf)
    with acting(coordinator):
        with pytest.raises(PermissionDenied):
            services.update_item(item, user=coordinator, version=item.version, side=world.lj, title="改为两江提议")
        item.refresh_from_db()
        assert item.side == world.tf
        assert item.title == "天府提议"
        assert item.version == 1
        services.update_item(item, user=coordinator, version=item.version, title="天府提议（修改）")
    item.refresh_from_db()
    assert item.title == "天府提议（修改）"
    assert item.version == 2


def test_only_the_office_verifies_and_the_refusal_says_so(world, sessions):
    action = decide_action(world, sessions["past"], owners=[world.tf_dept], due=sessions["today"])
    with pytest.raises(PermissionDenied, match=r"Only the office|只有双城办"):
        services.cancel_action(action, user=world.users["tf-coord"], reason="不再推进")


def test_a_proposal_taken_off_the_agenda_through_the_page_goes_back_to_the_backlog_and_the_page_to_the_agenda(
    client_as, world
):
    series = make_series(world)
    session = add_session(world, series, timezone.localdate() + dt.timedelta(days=10))  # Tianfu hosts
    with acting(world.users["tf-unit"]):
        item = services.propose_item(series, user=world.users["tf-unit"], title="天府提议", side=world.tf)
    with acting(world.users["tf-coord"]):
        services.schedule_item(item, session, user=world.users["tf-coord"])
    response = client_as("tf-coord").post(reverse("meetings:item_remove", args=[item.pk]), {"reason": ""})
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:session", args=[session.pk]) + "#agenda"
    item.refresh_from_db()
    assert item.session is None
    assert item.status == "backlog"
    withdrawn = client_as("tf-coord").post(reverse("meetings:item_withdraw", args=[item.pk]), {"reason": "并入他项"})
    assert withdrawn.status_code == 302
    assert withdrawn["Location"] == series.get_absolute_url()
    item.refresh_from_db()
    assert item.status == "withdrawn"

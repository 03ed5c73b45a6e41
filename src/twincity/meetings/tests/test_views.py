"""The meeting pages as the office's people use them, with the query counts of the lists held constant."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from twincity.audit.context import acting
from twincity.core.services import archive
from twincity.meetings import services
from twincity.meetings.choices import ActionStatus, ItemSource, SessionStatus
from twincity.meetings.models import ActionItem, MeetingSeries, Session
from twincity.meetings.tests.helpers import add_session, decide_action, make_series, publish
from twincity.testing import make_matter

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(world):
    today = timezone.localdate()
    series = make_series(world)
    first = add_session(world, series, today - dt.timedelta(days=30))
    second = add_session(world, series, today + dt.timedelta(days=2))
    publish(world, first)
    action = decide_action(world, first, owners=[world.tf_dept], due=today + dt.timedelta(days=20))
    return {"series": series, "first": first, "second": second, "action": action}


def test_every_member_reads_the_meetings_and_the_outsider_gets_404(client_as, meeting):
    for persona in ("office", "tf-coord", "lj-coord", "tf-unit", "lj-unit", "leader", "auditor"):
        client = client_as(persona)
        assert client.get(reverse("meetings:index")).status_code == 200
        assert client.get(reverse("meetings:session", args=[meeting["second"].pk])).status_code == 200
        assert client.get(reverse("meetings:action", args=[meeting["action"].pk])).status_code == 200
    client = client_as("outsider")
    for url in (
        reverse("meetings:index"),
        reverse("meetings:actions"),
        reverse("meetings:series", args=[meeting["series"].pk]),
        reverse("meetings:session", args=[meeting["second"].pk]),
        reverse("meetings:action", args=[meeting["action"].pk]),
    ):
        assert client.get(url).status_code == 404, url


def test_the_host_secretariat_sees_the_proposals_and_the_other_side_does_not(client_as, meeting, world):
    # The second session is hosted by Liangjiang (rotation: Tianfu first).
    assert meeting["second"].host == world.lj
    page = client_as("lj-coord").get(reverse("meetings:session", args=[meeting["second"].pk])).content.decode()
    assert 'id="proposals"' in page
    assert 'id="publish-agenda"' in page
    assert meeting["action"].title in page  # the open action is proposed and shown with its history
    other = client_as("tf-coord").get(reverse("meetings:session", args=[meeting["second"].pk])).content.decode()
    assert 'id="proposals"' not in other
    assert 'id="publish-agenda"' not in other


def test_publishing_through_the_page_carries_the_open_action_forward(client_as, meeting):
    client = client_as("lj-coord")
    second = meeting["second"]
    response = client.post(
        reverse("meetings:add_item", args=[second.pk]), {"title": "两江议题", "duration_minutes": 15}
    )
    assert response.status_code == 302
    response = client.post(reverse("meetings:publish", args=[second.pk]))
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.agenda_frozen
    assert second.items.filter(source=ItemSource.OPEN_ACTION, action=meeting["action"]).exists()


def test_the_other_side_cannot_publish_or_cancel_the_hosts_session(client_as, meeting):
    client = client_as("tf-coord")
    second = meeting["second"]
    assert client.post(reverse("meetings:publish", args=[second.pk])).status_code == 404
    assert client.post(reverse("meetings:cancel", args=[second.pk]), {"reason": "x", "version": 1}).status_code == 404
    second.refresh_from_db()
    assert not second.agenda_frozen
    assert second.status == SessionStatus.PLANNED


def test_a_cancellation_through_the_page_says_who_hosts_next(client_as, meeting, world):
    third = add_session(world, meeting["series"], timezone.localdate() + dt.timedelta(days=40))
    assert third.host == world.tf
    client = client_as("lj-coord")
    second = meeting["second"]
    response = client.post(
        reverse("meetings:cancel", args=[second.pk]), {"reason": "防汛", "version": second.version}, follow=True
    )
    body = response.content.decode()
    assert "两江" in body
    third.refresh_from_db()
    assert third.host == world.lj


def test_the_unit_contact_acknowledges_and_reports_done_and_the_office_verifies(client_as, meeting):
    action = meeting["action"]
    unit = client_as("tf-unit")
    assert unit.post(reverse("meetings:action_step", args=[action.pk, "acknowledge"]), {"text": ""}).status_code == 302
    unit.post(reverse("meetings:action_step", args=[action.pk, "done"]), {"text": "已印发"})
    action.refresh_from_db()
    assert action.status == ActionStatus.REPORTED_DONE
    unit.post(reverse("meetings:action_step", args=[action.pk, "verify"]), {"text": ""})
    action.refresh_from_db()
    assert action.status == ActionStatus.REPORTED_DONE  # a unit does not verify its own work
    client_as("office").post(
        reverse("meetings:action_step", args=[action.pk, "verify"]), {"text": "核实", "rating": "good"}
    )
    action.refresh_from_db()
    assert action.status == ActionStatus.VERIFIED


def test_the_other_sides_unit_cannot_touch_the_action(client_as, meeting):
    action = meeting["action"]
    client = client_as("lj-unit")
    response = client.post(reverse("meetings:action_step", args=[action.pk, "acknowledge"]), {"text": ""}, follow=True)
    assert response.status_code == 200
    action.refresh_from_db()
    assert action.status == ActionStatus.ASSIGNED
    page = client.get(reverse("meetings:action", args=[action.pk])).content.decode()
    assert 'data-step="acknowledge"' not in page


def test_the_owner_sees_the_action_in_my_work(client_as, meeting):
    body = client_as("tf-unit").get(reverse("workspace:my_work")).content.decode()
    assert meeting["action"].title in body
    other = client_as("lj-unit").get(reverse("workspace:my_work")).content.decode()
    assert meeting["action"].title not in other


def test_a_decision_recorded_on_the_page_creates_the_action(client_as, meeting, world):
    first = meeting["first"]
    client = client_as("office")
    response = client.post(
        reverse("meetings:outcome_add", args=[first.pk]),
        {
            "kind": "decision",
            "text": "同意共建平台",
            "creates_action": "on",
            "action_title": "制定平台方案",
            "owners": [world.lj_dept.pk],
            "due_date": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 302
    action = ActionItem.objects.get(title="制定平台方案")
    assert action.outcome.number == 2
    assert list(action.owners.values_list("organisation", flat=True)) == [world.lj_dept.pk]


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_session_list_takes_the_same_number_of_queries_for_3_or_30_sessions(client_as, world):
    series = make_series(world)
    start = timezone.localdate()
    for i in range(3):
        add_session(world, series, start + dt.timedelta(days=7 * i))
    client = client_as("tf-unit")
    url = reverse("meetings:index")
    few = _count(client, url)
    for i in range(3, 30):
        add_session(world, series, start + dt.timedelta(days=7 * i))
    assert Session.objects.count() == 30
    assert _count(client, url) == few


def test_each_series_names_its_next_session_the_earliest_not_cancelled_from_now(client_as, world):
    """Two queries whatever is planned (the series with the id of its next session, then those sessions)."""
    today = timezone.localdate()
    planned = make_series(world)
    quiet = make_series(world, name="专题会议", name_en="Topical meeting")
    add_session(world, planned, today - dt.timedelta(days=20))  # held: not next
    cancelled = add_session(world, planned, today + dt.timedelta(days=1))
    with acting(world.users["office"]):
        services.cancel_session(cancelled, user=world.users["office"], reason="改期")
    nearest = add_session(world, planned, today + dt.timedelta(days=9))
    later = add_session(world, planned, today + dt.timedelta(days=30))
    add_session(world, quiet, today - dt.timedelta(days=3))  # only a past one
    client = client_as("office")
    url = reverse("meetings:index") + f"?partnership={world.partnership.pk}"
    response = client.get(url)
    shown = {s.pk: s.next_session for s in response.context["series_list"]}
    assert shown[planned.pk] == nearest  # not the cancelled one before it, nor the later one
    assert shown[quiet.pk] is None
    assert later.starts_at > nearest.starts_at > cancelled.starts_at
    day = timezone.localtime(nearest.starts_at).strftime("%Y-%m-%d")  # the card: number, day and host
    assert f"下一次：第{nearest.number}次，{day}，{nearest.host.label}主办" in response.content.decode()
    few = _count(client, url + "&x=1")  # another key: computed again, not served from the cache
    for i in range(10):
        add_session(world, quiet, today + dt.timedelta(days=40 + i))
    assert _count(client, url + "&x=2") == few


def test_the_action_list_takes_the_same_number_of_queries_for_2_or_20_actions(client_as, world):
    today = timezone.localdate()
    series = make_series(world)
    session = add_session(world, series, today)
    publish(world, session)
    for i in range(2):
        decide_action(world, session, owners=[world.tf_dept, world.lj_dept], due=today + dt.timedelta(days=i + 1))
    client = client_as("tf-coord")
    url = reverse("meetings:actions")
    few = _count(client, url)
    for i in range(2, 20):
        decide_action(world, session, owners=[world.tf_dept, world.lj_dept], due=today + dt.timedelta(days=i + 1))
    assert _count(client, url) == few


def test_the_session_page_shows_the_red_matter_proposal(client_as, world):
    today = timezone.localdate()
    series = make_series(world)
    session = add_session(world, series, today + dt.timedelta(days=3))
    make_matter(
        world,
        title="逾期的事项",
        year=today.year,
        due_date=today - dt.timedelta(days=2),
        start_date=today - dt.timedelta(days=100),
    )
    body = client_as("office").get(reverse("meetings:session", args=[session.pk])).content.decode()
    assert "逾期的事项" in body
    assert 'data-proposal="red_matter:' in body


def test_pages_speak_english_too(client_as, meeting):
    client = client_as("office")
    client.cookies["django_language"] = "en"
    body = client.get(reverse("meetings:session", args=[meeting["first"].pk]), headers={"Accept-Language": "en"})
    assert "Agenda" in body.content.decode()


def test_an_ad_hoc_series_is_set_up_by_the_office_only(client_as, world):
    data = {
        "kind": "leading_group",
        "name": "领导小组会议",
        "cadence": "ad_hoc",
        "day_rule": "nth_weekday",
        "week_of_month": 3,
        "weekday": 4,
        "day_of_month": 15,
        "default_time": "09:30",
        "default_duration_minutes": 90,
        "first_number": 1,
        "action_near_days": 7,
        "action_feedback_days": 14,
        "version": 0,
    }
    url = reverse("meetings:series_add") + f"?partnership={world.partnership.pk}"
    assert client_as("tf-coord").post(url, data).status_code == 404
    response = client_as("office").post(url, data)
    assert response.status_code == 302
    with acting(world.users["office"]):
        series = world.partnership.meeting_series.get(name="领导小组会议")
        session = services.add_session(
            series, user=world.users["office"], starts_at=timezone.now() + dt.timedelta(days=3)
        )
    assert session.number == 1


def test_two_people_editing_one_agenda_item_cannot_overwrite_each_other(client_as, meeting, world):
    office = world.users["office"]
    with acting(office):
        item = services.propose_item(meeting["series"], user=office, title="两地政策比对", side=world.tf)
    stale = item.version
    with acting(office):
        services.update_item(item, user=office, version=item.version, title="两地政策条款比对")
    client = client_as("office")
    response = client.post(
        reverse("meetings:item_edit", args=[item.pk]),
        {"version": stale, "title": "我的标题", "side": world.tf.pk, "duration_minutes": 10},
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()  # told why, in the form
    item.refresh_from_db()
    assert item.title == "两地政策条款比对"


def series_queries(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if 'FROM "meetings_meetingseries"' in q["sql"]]


def test_the_series_are_read_once_for_the_filter_bar_and_the_cards(client_as, world):
    """The cards are the series filter's choices in the partnership (through the same door, archived ones left out,
    by kind and name), read in the same query: one read of the series, the cards as they were read on their own."""
    today = timezone.localdate()
    planned = make_series(world, name="联席会议乙", name_en="B")
    make_series(world, name="联席会议甲", name_en="A")
    gone = make_series(world, name="专题会议", name_en="Topical")
    add_session(world, planned, today + dt.timedelta(days=3))
    with acting(world.users["office"]):
        archive(gone, user=world.users["office"])
    for persona in ("office", "tf-unit", "auditor"):
        user = world.users[persona]
        client = client_as(persona)
        url = reverse("meetings:index") + f"?partnership={world.partnership.pk}"
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert len(series_queries(captured)) == 1
        cards = response.context["series_list"]
        expected = list(
            MeetingSeries.objects.restrict(user)
            .filter(partnership=world.partnership, archived_at__isnull=True)
            .order_by("kind", "name")
        )
        assert [s.pk for s in cards] == [s.pk for s in expected]
        assert gone.pk not in [s.pk for s in cards]
        assert {s.pk: s.next_session_id for s in cards}[planned.pk] is not None
        page = response.content.decode()
        assert page.index('data-series="' + str(expected[0].pk)) < page.index('data-series="' + str(expected[1].pk))
        choices = [value for value, _ in response.context["filterset"].form.fields["series"].choices if value]
        assert [int(str(value)) for value in choices] == [s.pk for s in expected]
        with CaptureQueriesContext(connection) as captured:  # the results alone: no card, no series read
            fragment = client.get(url + "&x=1", headers={"HX-Request": "true"})
        assert fragment.context["series_list"] == []
        assert series_queries(captured) == []

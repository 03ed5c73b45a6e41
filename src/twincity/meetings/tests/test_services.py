"""The meetings' rules, as the office lives them: who hosts, what goes on the agenda, what the minutes
record, and how an action is followed until the office verifies it."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from twincity.accounts.choices import Action
from twincity.audit.context import acting
from twincity.audit.models import AuditEvent
from twincity.core.models import Attachment
from twincity.matters import services as matter_services
from twincity.matters.choices import MatterStatus
from twincity.meetings import services
from twincity.meetings.choices import (
    ActionLight,
    ActionStatus,
    DayRule,
    ItemSource,
    ItemStatus,
    MinutesStatus,
    OutcomeKind,
    SessionStatus,
    WeekOfMonth,
)
from twincity.meetings.models import ActionItem, AgendaChange, MeetingSeries, Session
from twincity.meetings.tests.helpers import (
    add_session,
    add_third_side,
    at,
    decide_action,
    joint_office,
    make_series,
    publish,
)
from twincity.testing import build_world, make_matter

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _messages_in_english():
    """The assertions read the services' messages by their English wording (the interface is Chinese first)."""
    with translation.override("en"):
        yield


TODAY = timezone.localdate


def hosts(series):
    return [
        (s.number, s.host.short_name)
        for s in series.sessions.exclude(status=SessionStatus.CANCELLED).order_by("starts_at")
    ]


def generate(w, series, count):
    with acting(w.users["office"]):
        return services.generate_sessions(series, user=w.users["office"], count=count)


# ---------------------------------------------------------------------------------------------- cadence & rotation


def test_the_office_plans_monthly_sessions_on_the_third_friday_numbered_and_alternating_hosts(world):
    series = make_series(world)
    sessions = generate(world, series, 4)
    assert [s.number for s in sessions] == [1, 2, 3, 4]
    assert [s.host for s in sessions] == [world.tf, world.lj, world.tf, world.lj]
    for s in sessions:
        assert s.local_date.weekday() == 4
        assert 15 <= s.local_date.day <= 21
        assert s.local_date > TODAY() - dt.timedelta(days=1)
    months = [(s.local_date.year * 12 + s.local_date.month) for s in sessions]
    assert months == list(range(months[0], months[0] + 4))


def test_a_series_meeting_on_a_day_of_the_month_or_the_last_weekday_lands_on_that_day(world):
    series = make_series(world, day_rule=DayRule.DAY_OF_MONTH, day_of_month=10)
    assert services.next_dates(series, dt.date(2020, 6, 10), 2) == [dt.date(2020, 7, 10), dt.date(2020, 8, 10)]
    series.day_rule, series.week_of_month, series.weekday = DayRule.NTH_WEEKDAY, WeekOfMonth.LAST, 0
    assert services.next_dates(series, dt.date(2020, 6, 1), 1) == [dt.date(2020, 6, 29)]


def test_a_series_that_meets_as_needed_generates_nothing_and_says_why(world):
    series = make_series(world, cadence="ad_hoc")
    with pytest.raises(ValidationError, match="one by one"):
        generate(world, series, 2)


def test_numbering_starts_where_the_series_stood_before_the_system(world):
    series = make_series(world, kind="docking", name="对接会议", first_number=2, first_host=world.lj)
    session = add_session(world, series, dt.date(2020, 6, 19))
    assert (session.number, session.host) == (2, world.lj)
    assert str(session).endswith("2") or "2" in str(session)


def test_a_cancelled_host_hosts_next_and_the_record_says_so(world):
    series = make_series(world)
    _first, second, third = generate(world, series, 3)
    assert hosts(series) == [(1, "天府"), (2, "两江"), (3, "天府")]
    with acting(world.users["office"]):
        services.cancel_session(second, user=world.users["office"], reason="防汛工作冲突")
    assert hosts(series) == [(1, "天府"), (2, "两江")]
    third.refresh_from_db()
    assert third.host == world.lj
    assert third.number == 2
    assert third.secretariat is None or third.secretariat.region == world.lj
    event = AuditEvent.objects.get(verb="session.cancelled")
    assert "Liangjiang" in event.message
    assert "防汛工作冲突" in event.message
    second.refresh_from_db()
    assert second.status == SessionStatus.CANCELLED
    assert second.number == 2


def test_after_a_cancelled_last_session_the_next_one_planned_goes_to_the_cancelled_host(world):
    series = make_series(world)
    _first, second = generate(world, series, 2)
    with acting(world.users["office"]):
        services.cancel_session(second, user=world.users["office"], reason="改期")
    (third,) = generate(world, series, 1)
    assert (third.number, third.host) == (2, world.lj)


def test_a_cancellation_needs_a_reason_and_only_a_planned_session_is_cancelled(world):
    series = make_series(world)
    (session,) = generate(world, series, 1)
    with pytest.raises(ValidationError):
        services.cancel_session(session, user=world.users["office"], reason=" ")
    publish(world, session)
    services.mark_held(session, user=world.users["office"])
    with pytest.raises(ValidationError, match="planned"):
        services.cancel_session(session, user=world.users["office"], reason="x")


def test_rescheduling_keeps_the_host_and_cannot_jump_over_a_neighbour(world):
    series = make_series(world)
    _first, second, third = generate(world, series, 3)
    with acting(world.users["office"]):
        services.reschedule_session(
            second, user=world.users["office"], starts_at=second.starts_at + dt.timedelta(days=3)
        )
    second.refresh_from_db()
    assert second.host == world.lj
    assert second.number == 2
    assert "Liangjiang" in AuditEvent.objects.get(verb="session.rescheduled").message
    with pytest.raises(ValidationError):
        services.reschedule_session(
            second, user=world.users["office"], starts_at=third.starts_at + dt.timedelta(days=1)
        )


def test_three_regions_host_in_rotation_order_and_a_cancelled_host_still_hosts_next(world):
    add_third_side(world)
    series = make_series(world)
    sessions = generate(world, series, 6)
    assert [h for _n, h in hosts(series)] == ["天府", "两江", "科学城", "天府", "两江", "科学城"]
    with acting(world.users["office"]):
        services.cancel_session(sessions[1], user=world.users["office"], reason="改期")
    assert hosts(series) == [(1, "天府"), (2, "两江"), (3, "科学城"), (4, "天府"), (5, "两江")]
    with acting(world.users["office"]):
        services.cancel_session(sessions[3], user=world.users["office"], reason="改期")  # was 科学城's, no. 3
    assert hosts(series) == [(1, "天府"), (2, "两江"), (3, "科学城"), (4, "天府")]


def test_a_host_chosen_by_hand_is_kept_and_the_rotation_goes_on_from_it(world):
    series = make_series(world)
    _first, second, _third = generate(world, series, 3)
    with acting(world.users["office"]):
        services.update_session(second, user=world.users["office"], version=second.version, host=world.tf)
    assert [h for _n, h in hosts(series)] == ["天府", "天府", "两江"]


def test_only_the_office_hands_a_session_to_another_host(world):
    series = make_series(world)
    _first, second = generate(world, series, 2)
    with pytest.raises(PermissionDenied):
        services.update_session(second, user=world.users["lj-coord"], version=second.version, host=world.tf)


def test_the_host_side_provides_the_secretariat(world):
    series = make_series(world)
    tf_office = joint_office(world, world.tf)
    lj_office = joint_office(world, world.lj)
    first, second = generate(world, series, 2)
    assert first.secretariat == tf_office
    assert second.secretariat == lj_office
    with pytest.raises(ValidationError):
        services.update_session(second, user=world.users["office"], version=second.version, secretariat=tf_office)
    services.update_session(
        second,
        user=world.users["lj-coord"],
        version=second.version,
        venue="两江新区行政中心",
        chair="两江新区管委会副主任",
    )
    second.refresh_from_db()
    assert second.venue == "两江新区行政中心"


# ---------------------------------------------------------------------------------------------- agenda


def test_either_side_proposes_into_the_backlog_but_only_for_its_own_side(world):
    series = make_series(world)
    item = services.propose_item(series, user=world.users["tf-unit"], title="共建知识产权保护中心", side=world.tf)
    assert item.status == ItemStatus.BACKLOG
    assert item.session is None
    services.propose_item(series, user=world.users["lj-coord"], title="两江提议", side=world.lj)
    with pytest.raises(PermissionDenied):
        services.propose_item(series, user=world.users["tf-unit"], title="代两江提议", side=world.lj)
    with pytest.raises(PermissionDenied):
        services.propose_item(series, user=world.users["leader"], title="领导提议", side=world.tf)


def test_papers_are_attached_to_a_proposal(world):
    series = make_series(world)
    paper = SimpleUploadedFile("方案.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    item = services.propose_item(series, user=world.users["tf-coord"], title="共建方案", side=world.tf, files=[paper])
    assert Attachment.objects.filter(object_id=item.pk, name="方案.pdf").exists()


def test_the_host_secretariat_builds_the_agenda_and_the_other_side_cannot(world):
    series = make_series(world)
    _first, second = generate(world, series, 2)  # second is hosted by Liangjiang
    item = services.propose_item(series, user=world.users["tf-coord"], title="天府提议", side=world.tf)
    with pytest.raises(PermissionDenied):
        services.schedule_item(item, second, user=world.users["tf-coord"])
    services.schedule_item(item, second, user=world.users["lj-coord"])
    assert item.session == second
    assert item.status == ItemStatus.ON_AGENDA
    assert item.order == 1
    with pytest.raises(PermissionDenied):
        services.publish_agenda(second, user=world.users["tf-coord"])


def test_the_system_proposes_matters_turned_red_since_the_last_session_and_matters_awaiting_a_decision(world):
    today = TODAY()
    series = make_series(world)
    earlier = add_session(world, series, today - dt.timedelta(days=20))
    session = add_session(world, series, today + dt.timedelta(days=5))
    turned_red = make_matter(
        world,
        title="新近逾期事项",
        year=today.year,
        due_date=today - dt.timedelta(days=3),
        start_date=today - dt.timedelta(days=200),
    )
    long_red = make_matter(
        world,
        title="早已逾期事项",
        year=today.year,
        due_date=today - dt.timedelta(days=60),
        start_date=today - dt.timedelta(days=200),
    )
    proposed = make_matter(world, title="待批准事项", year=today.year, status=MatterStatus.PROPOSED)
    done = make_matter(
        world,
        title="已报完成事项",
        year=today.year,
        due_date=today + dt.timedelta(days=90),
        start_date=today - dt.timedelta(days=10),
    )
    for side, user in ((world.tf, "tf-unit"), (world.lj, "lj-unit")):
        with acting(world.users[user]):
            matter_services.file_progress(
                done, user=world.users[user], side_id=side.pk, period="2020-06", text="完成", percent_complete=100
            )
    proposals = services.propose_standing_items(session)
    by_source = {}
    for p in proposals:
        by_source.setdefault(p.source, set()).add(p.matter.pk if p.matter else None)
    assert by_source[ItemSource.RED_MATTER] == {turned_red.pk}
    assert {proposed.pk, done.pk} <= by_source[ItemSource.AWAITING_DECISION]
    assert long_red.pk not in by_source[ItemSource.AWAITING_DECISION]
    # Before the first session of a series, every red matter is news.
    first_ever = {p.matter.pk for p in services.propose_standing_items(earlier) if p.source == ItemSource.RED_MATTER}
    assert first_ever == {turned_red.pk, long_red.pk}


def test_accepted_proposals_are_not_proposed_again(world):
    today = TODAY()
    series = make_series(world)
    session = add_session(world, series, today + dt.timedelta(days=5))
    make_matter(world, year=today.year, due_date=today - dt.timedelta(days=3), start_date=today - dt.timedelta(days=90))
    keys = [p.key for p in services.propose_standing_items(session)]
    added = services.add_proposals(session, user=world.users["office"], keys=keys[:1])
    assert added[0].source == ItemSource.RED_MATTER
    assert added[0].matter is not None
    assert keys[0] not in [p.key for p in services.propose_standing_items(session)]


def test_a_published_agenda_is_frozen_and_later_changes_are_listed_with_their_reason(world):
    series = make_series(world)
    (session,) = generate(world, series, 1)
    with pytest.raises(ValidationError, match="empty"):
        services.publish_agenda(session, user=world.users["office"])
    publish(world, session, user=world.users["tf-coord"])
    assert session.agenda_frozen
    assert session.agenda_published_by == world.users["tf-coord"]
    with pytest.raises(ValidationError):
        services.publish_agenda(session, user=world.users["tf-coord"])
    with pytest.raises(ValidationError, match="why"):
        services.add_item(session, user=world.users["tf-coord"], title="临时动议")
    item = services.add_item(session, user=world.users["tf-coord"], title="临时动议", reason="领导要求增加")
    services.move_item(item, user=world.users["tf-coord"], up=True, reason="先议")
    changes = list(AgendaChange.objects.filter(session=session).values_list("kind", "reason"))
    assert changes == [("added", "领导要求增加"), ("moved", "先议")]
    assert AuditEvent.objects.filter(verb="session.agenda_changed").count() == 2
    item.refresh_from_db()
    assert item.order == 1


def test_open_actions_return_on_the_next_agenda_until_verified(world):
    today = TODAY()
    series = make_series(world)
    first = add_session(world, series, today - dt.timedelta(days=30))
    second = add_session(world, series, today + dt.timedelta(days=1))
    publish(world, first)
    open_action = decide_action(world, first, owners=[world.tf_dept], due=today + dt.timedelta(days=10))
    verified = decide_action(world, first, owners=[world.lj_dept], due=today + dt.timedelta(days=10), title="已办结")
    services.report_done(verified, user=world.users["lj-unit"], text="已提交")
    services.verify_action(verified, user=world.users["office"], rating="good")
    carried = publish(world, second) and second.items.filter(source=ItemSource.OPEN_ACTION)
    assert [i.action_id for i in carried] == [open_action.pk]
    assert AuditEvent.objects.get(verb="session.agenda_published", object_id=second.pk).data["carried_forward"] == 1


# ---------------------------------------------------------------------------------------------- minutes


def _held_with_decision(world):
    series = make_series(world)
    session = add_session(world, series, TODAY())
    publish(world, session)
    outcome = services.record_outcome(session, user=world.users["office"], kind=OutcomeKind.DECISION, text="同意共建")
    session.refresh_from_db()
    return session, outcome


def test_decisions_and_actions_are_numbered_per_session_and_information_is_not(world):
    session, first = _held_with_decision(world)
    info = services.record_outcome(session, user=world.users["office"], kind=OutcomeKind.INFORMATION, text="听取汇报")
    second = services.record_outcome(
        session,
        user=world.users["office"],
        kind=OutcomeKind.ACTION,
        text="督办",
        action=services.ActionSpec(title="报送方案", due_date=TODAY() + dt.timedelta(days=30), owners=[world.tf_dept]),
    )
    assert (first.number, info.number, second.number) == (1, None, 2)
    assert second.actions.get().code == f"{session.number}-1"
    with pytest.raises(ValidationError):
        services.record_outcome(session, user=world.users["office"], kind=OutcomeKind.ACTION, text="无负责单位")


def test_minutes_are_confirmed_by_each_side_then_locked_and_never_edited_again(world):
    session, outcome = _held_with_decision(world)
    services.record_attendance(
        session, user=world.users["office"], side=world.tf, name="王主任", post="天府新区管委会副主任", is_leader=True
    )
    with pytest.raises(ValidationError, match="Every side"):
        services.lock_minutes(session, user=world.users["office"])
    services.confirm_minutes(session, user=world.users["tf-coord"], side=world.tf)
    with pytest.raises(PermissionDenied):
        services.confirm_minutes(session, user=world.users["tf-coord"], side=world.lj)
    services.confirm_minutes(session, user=world.users["lj-coord"], side=world.lj)
    assert session.minutes_status == MinutesStatus.CONFIRMED
    services.lock_minutes(session, user=world.users["office"])
    session.refresh_from_db()
    assert session.minutes_locked
    assert session.minutes_locked_at is not None
    with pytest.raises(ValidationError, match="amendment"):
        services.update_outcome(outcome, user=world.users["office"], version=outcome.version, text="改写")
    with pytest.raises(ValidationError, match="amendment"):
        services.record_outcome(session, user=world.users["office"], kind=OutcomeKind.DECISION, text="补充")
    with pytest.raises(ValidationError, match="amendment"):
        services.record_attendance(session, user=world.users["office"], side=world.lj, name="李主任")
    amendment = services.amend_minutes(
        session,
        user=world.users["office"],
        text="第1项“同意共建”应为“原则同意共建”",
        reason="文字更正",
        outcome=outcome,
    )
    assert amendment.on == TODAY()
    outcome.refresh_from_db()
    assert outcome.text == "同意共建"
    assert AuditEvent.objects.filter(verb="session.minutes_amended").exists()


def test_an_amendment_is_only_for_locked_minutes_and_needs_a_reason(world):
    session, _outcome = _held_with_decision(world)
    with pytest.raises(ValidationError, match="not locked"):
        services.amend_minutes(session, user=world.users["office"], text="x", reason="y")
    with pytest.raises(ValidationError):
        services.amend_minutes(session, user=world.users["office"], text="x", reason=" ")


def test_a_change_to_the_minutes_after_a_confirmation_asks_the_sides_to_confirm_again(world):
    session, outcome = _held_with_decision(world)
    services.confirm_minutes(session, user=world.users["tf-coord"], side=world.tf)
    services.update_outcome(outcome, user=world.users["office"], version=outcome.version, text="原则同意共建")
    assert session.confirmations.count() == 0
    assert AuditEvent.objects.filter(verb="session.minutes_confirmations_reset").exists()


def test_a_leader_without_a_side_reads_but_does_not_confirm_and_the_office_confirms_for_any_side(world):
    session, _outcome = _held_with_decision(world)
    with pytest.raises(PermissionDenied):
        services.confirm_minutes(session, user=world.users["leader"], side=world.tf)
    assert Session.objects.restrict(world.users["leader"]).filter(pk=session.pk).exists()
    services.confirm_minutes(session, user=world.users["office"], side=world.lj)
    with pytest.raises(ValidationError, match="already"):
        services.confirm_minutes(session, user=world.users["lj-coord"], side=world.lj)


def test_minutes_are_recorded_only_after_the_agenda_is_published_and_only_by_the_secretariat(world):
    series = make_series(world)
    # Sessions whose day has come (a session still to come takes no minutes: test_rules.py).
    first = add_session(world, series, TODAY() - dt.timedelta(days=60))
    second = add_session(world, series, TODAY() - dt.timedelta(days=30))
    with pytest.raises(ValidationError, match="Publish"):
        services.record_outcome(first, user=world.users["office"], kind=OutcomeKind.DECISION, text="x")
    publish(world, second)
    with pytest.raises(PermissionDenied):
        services.record_outcome(second, user=world.users["tf-coord"], kind=OutcomeKind.DECISION, text="x")
    services.record_outcome(second, user=world.users["lj-coord"], kind=OutcomeKind.DECISION, text="x")
    second.refresh_from_db()
    assert second.status == SessionStatus.HELD


# ---------------------------------------------------------------------------------------------- actions


def test_an_action_goes_round_the_supervision_cycle_and_a_returned_report_says_why(world):
    today = TODAY()
    session, _ = _held_with_decision(world)
    action = decide_action(world, session, owners=[world.tf_dept], due=today + dt.timedelta(days=30))
    assert action.status == ActionStatus.ASSIGNED
    with pytest.raises(PermissionDenied):
        services.acknowledge_action(action, user=world.users["lj-unit"])
    services.acknowledge_action(action, user=world.users["tf-unit"])
    services.feed_back(action, user=world.users["tf-unit"], text="已起草方案")
    evidence = SimpleUploadedFile("方案.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")
    update = services.report_done(action, user=world.users["tf-unit"], text="方案已印发", files=[evidence])
    assert update.organisation == world.tf_dept
    assert Attachment.objects.filter(object_id=update.pk, name="方案.pdf").exists()
    with pytest.raises(PermissionDenied):
        services.verify_action(action, user=world.users["tf-unit"], rating="good")
    with pytest.raises(PermissionDenied):
        services.verify_action(action, user=world.users["leader"], rating="good")
    with pytest.raises(ValidationError):
        services.return_action(action, user=world.users["office"], reason="")
    services.return_action(action, user=world.users["office"], reason="缺少印发文件")
    assert action.status == ActionStatus.RETURNED
    assert action.reported_done_at is None
    services.report_done(action, user=world.users["tf-unit"], text="补充印发文件")
    services.verify_action(action, user=world.users["office"], rating="good")
    action.refresh_from_db()
    assert action.status == ActionStatus.VERIFIED
    assert action.verified_by == world.users["office"]
    kinds = list(action.updates.values_list("kind", flat=True))
    assert kinds == ["assigned", "acknowledged", "progress", "reported_done", "returned", "reported_done", "verified"]
    assert action.updates.get(kind="returned").text == "缺少印发文件"


def test_a_verified_action_takes_no_more_reports(world):
    session, _ = _held_with_decision(world)
    action = decide_action(world, session, owners=[world.tf_dept], due=TODAY() + dt.timedelta(days=30))
    services.report_done(action, user=world.users["tf-coord"], text="完成")
    services.verify_action(action, user=world.users["office"], rating="good")
    with pytest.raises(ValidationError):
        services.feed_back(action, user=world.users["tf-unit"], text="再报")


def test_the_light_turns_blue_near_the_due_date_yellow_when_feedback_is_late_and_red_when_overdue(world):
    today = TODAY()
    session, _ = _held_with_decision(world)
    series = session.series
    near = decide_action(world, session, owners=[world.tf_dept], due=today + dt.timedelta(days=3), title="近期")
    later = decide_action(world, session, owners=[world.tf_dept], due=today + dt.timedelta(days=60), title="远期")
    lights = dict(ActionItem.objects.with_light(today).values_list("pk", "light"))
    assert lights[near.pk] == ActionLight.BLUE
    assert lights[later.pk] == ActionLight.GREEN
    quiet = today + dt.timedelta(days=series.action_feedback_days + 1)
    assert dict(ActionItem.objects.with_light(quiet).values_list("pk", "light"))[later.pk] == ActionLight.YELLOW
    overdue = today + dt.timedelta(days=4)
    assert dict(ActionItem.objects.with_light(overdue).values_list("pk", "light"))[near.pk] == ActionLight.RED
    services.report_done(near, user=world.users["tf-unit"], text="完成")
    assert dict(ActionItem.objects.with_light(overdue).values_list("pk", "light"))[near.pk] == ActionLight.GREEN


def test_the_thresholds_of_the_light_are_set_on_the_series(world):
    today = TODAY()
    session, _ = _held_with_decision(world)
    action = decide_action(world, session, owners=[world.tf_dept], due=today + dt.timedelta(days=20))
    assert ActionItem.objects.with_light(today).get(pk=action.pk).light == ActionLight.GREEN
    series = MeetingSeries.objects.get(pk=session.series_id)
    services.update_series(series, user=world.users["office"], version=series.version, action_near_days=30)
    assert ActionItem.objects.with_light(today).get(pk=action.pk).light == ActionLight.BLUE


def test_a_decision_creates_a_new_matter_in_this_years_list_in_one_step(world):
    today = TODAY()
    session, _ = _held_with_decision(world)
    action = decide_action(
        world,
        session,
        owners=[world.tf_dept, world.lj_dept],
        due=today + dt.timedelta(days=90),
        new_matter_title="共建川渝自贸试验区协同开放示范区",
    )
    matter = action.matter
    assert matter.year_list.year == today.year
    assert matter.status == MatterStatus.APPROVED
    assert {o.organisation_id for o in matter.owners.all()} == {world.tf_dept.pk, world.lj_dept.pk}
    assert {o.side_id for o in action.owners.all()} == {world.tf.pk, world.lj.pk}


def test_a_coordinator_cannot_create_a_matter_only_the_other_side_owns(world):
    series = make_series(world)
    # Liangjiang hosts the second session, which has taken place (minutes wait for the session's day).
    add_session(world, series, TODAY() - dt.timedelta(days=60))  # the first, hosted by Tianfu
    second = add_session(world, series, TODAY() - dt.timedelta(days=30))
    publish(world, second, user=world.users["lj-coord"])
    with pytest.raises(PermissionDenied):
        decide_action(
            world,
            second,
            owners=[world.tf_dept],
            due=second.local_date + dt.timedelta(days=30),
            new_matter_title="天府独有事项",
            user=world.users["lj-coord"],
        )
    # Linking an existing matter works for the secretariat whatever side owns it.
    matter = make_matter(world, owners=[matter_services.OwnerSpec(world.tf_dept)])
    action = decide_action(
        world,
        second,
        owners=[world.tf_dept],
        due=second.local_date + dt.timedelta(days=30),
        matter=matter,
        user=world.users["lj-coord"],
    )
    assert action.matter == matter


def test_an_action_needs_owners_of_the_partnership_and_a_due_date_after_the_session(world):
    session, _ = _held_with_decision(world)
    with pytest.raises(ValidationError):
        decide_action(world, session, owners=[], due=TODAY() + dt.timedelta(days=3))
    with pytest.raises(ValidationError):
        decide_action(world, session, owners=[world.tf_dept], due=TODAY() - dt.timedelta(days=3))


def test_unit_contacts_see_and_report_only_the_actions_their_unit_owns(world):
    session, _ = _held_with_decision(world)
    tf_action = decide_action(world, session, owners=[world.tf_dept], due=TODAY() + dt.timedelta(days=30))
    both = decide_action(
        world, session, owners=[world.tf_dept, world.lj_dept], due=TODAY() + dt.timedelta(days=30), title="共同"
    )
    mine = set(ActionItem.objects.restrict(world.users["tf-unit"], Action.REPORT).values_list("pk", flat=True))
    assert mine == {tf_action.pk, both.pk}
    theirs = set(ActionItem.objects.restrict(world.users["lj-unit"], Action.REPORT).values_list("pk", flat=True))
    assert theirs == {both.pk}
    assert not ActionItem.objects.restrict(world.users["outsider"]).exists()
    assert ActionItem.objects.restrict(world.users["auditor"]).count() == 2
    assert not ActionItem.objects.restrict(world.users["auditor"], Action.REPORT).exists()


def test_nothing_of_another_partnership_is_visible(world):
    other = build_world(code_prefix="X")
    series = make_series(other)
    (session,) = generate(other, series, 1)
    for persona in ("office", "tf-coord", "tf-unit", "leader", "auditor", "outsider"):
        assert not Session.objects.restrict(world.users[persona]).filter(pk=session.pk).exists()
        assert not MeetingSeries.objects.restrict(world.users[persona]).filter(pk=series.pk).exists()
    with pytest.raises(PermissionDenied):
        services.generate_sessions(series, user=world.users["office"], count=1)


def test_every_step_leaves_a_named_event(world):
    session, _ = _held_with_decision(world)
    action = decide_action(world, session, owners=[world.tf_dept], due=TODAY() + dt.timedelta(days=30))
    services.acknowledge_action(action, user=world.users["tf-unit"])
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {
        "series.created",
        "session.created",
        "session.agenda_published",
        "session.outcome_recorded",
        "action.assigned",
        "action.acknowledged",
    } <= verbs


def test_a_session_date_is_shown_in_local_time(world):
    series = make_series(world)
    session = add_session(world, series, dt.date(2020, 6, 19))
    assert session.starts_at == at(dt.date(2020, 6, 19))
    assert session.local_date == dt.date(2020, 6, 19)

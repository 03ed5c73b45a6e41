"""A write saves only what it changed (issue 9): a step of the meeting's workflow run with a copy of the
session or action loaded earlier never writes back the old venue, title or version that someone else's
acknowledged edit replaced."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from twincity.audit.context import acting
from twincity.core.services import ConflictError
from twincity.meetings import services
from twincity.meetings.choices import ActionStatus, ActionUpdateKind, OutcomeKind
from twincity.meetings.models import ActionItem, Session
from twincity.meetings.tests.helpers import add_session, decide_action, make_series, publish
from twincity.testing import Editor, race

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def edit_session_meanwhile(session, user, venue):
    """Someone else edits the session after a copy was loaded: returns the version they got back."""
    fresh = Session.objects.get(pk=session.pk)
    return services.update_session(fresh, user=user, version=fresh.version, venue=venue).version


def held_session(world):
    series = make_series(world)
    session = add_session(world, series, TODAY())
    publish(world, session)
    services.record_outcome(session, user=world.users["office"], kind=OutcomeKind.DECISION, text="同意共建")
    return Session.objects.get(pk=session.pk)


SESSION_WRITES = [
    "publish",
    "mark_held",
    "reschedule",
    "cancel",
    "minutes_summary",
    "outcome",
    "attendance",
    "confirm",
    "lock_minutes",
    "amend",
]


@pytest.mark.parametrize("write", SESSION_WRITES)
def test_a_session_edit_acknowledged_while_a_workflow_step_held_an_old_copy_is_kept(world, write):
    office = world.users["office"]
    series = make_series(world)
    with acting(office):
        if write in {"publish", "mark_held", "reschedule", "cancel"}:
            session = add_session(world, series, TODAY() + dt.timedelta(days=10))
            services.add_item(session, user=office, title="合作事项推进情况", side=session.host)
        else:
            session = held_session(world)
        if write in {"lock_minutes", "amend"}:
            for side in (world.tf, world.lj):
                services.confirm_minutes(session, user=office, side=side)
        if write == "amend":
            services.lock_minutes(Session.objects.get(pk=session.pk), user=office)
        if write == "confirm":
            services.confirm_minutes(session, user=office, side=world.tf)
        stale = Session.objects.get(pk=session.pk)
        acknowledged = edit_session_meanwhile(session, office, "已确认的新会场")
        if write == "publish":
            services.publish_agenda(stale, user=office)
        elif write == "mark_held":
            services.mark_held(stale, user=office)
        elif write == "reschedule":
            services.reschedule_session(stale, user=office, starts_at=stale.starts_at + dt.timedelta(hours=2))
        elif write == "cancel":
            services.cancel_session(stale, user=office, reason="领导另有安排")
        elif write == "minutes_summary":
            services.update_minutes_summary(stale, user=office, summary="会议纪要")
        elif write == "outcome":
            services.record_outcome(stale, user=office, kind=OutcomeKind.INFORMATION, text="听取汇报")
        elif write == "attendance":
            services.record_attendance(stale, user=office, side=world.tf, name="张三")
        elif write == "confirm":
            services.confirm_minutes(stale, user=office, side=world.lj)
        elif write == "lock_minutes":
            services.lock_minutes(stale, user=office)
        elif write == "amend":
            services.amend_minutes(stale, user=office, text="更正", reason="笔误")
    now = Session.objects.get(pk=session.pk)
    assert now.venue == "已确认的新会场"
    assert now.version >= acknowledged


def test_confirming_the_minutes_moves_the_version_so_an_editor_of_the_draft_is_told(world):
    office = world.users["office"]
    session = held_session(world)
    editor_copy = Session.objects.get(pk=session.pk)
    for side in (world.tf, world.lj):
        services.confirm_minutes(session, user=office, side=side)
    with pytest.raises(ConflictError):
        services.update_session(editor_copy, user=office, version=editor_copy.version, venue="旧稿上的会场")
    assert Session.objects.get(pk=session.pk).minutes_status == "confirmed"


def edit_action_meanwhile(action, user, title):
    fresh = ActionItem.objects.get(pk=action.pk)
    return services.update_action(fresh, user=user, version=fresh.version, title=title).version


ACTION_WRITES = ["acknowledge", "feed_back", "report_done", "verify", "return", "cancel", "edit_other_field"]


@pytest.mark.parametrize("write", ACTION_WRITES)
def test_an_action_edit_acknowledged_while_an_owner_or_the_office_held_an_old_copy_is_kept(world, write):
    office, tf_unit = world.users["office"], world.users["tf-unit"]
    session = held_session(world)
    action = decide_action(world, session, owners=[world.tf_dept, world.lj_dept], due=TODAY() + dt.timedelta(30))
    if write in {"verify", "return"}:
        # A joint action is reported done when each owning side has reported its part.
        services.report_done(action, user=tf_unit, text="已完成")
        services.report_done(action, user=world.users["lj-unit"], text="已完成")
    stale = ActionItem.objects.get(pk=action.pk)
    acknowledged = edit_action_meanwhile(action, office, "已确认的新措辞")
    if write == "acknowledge":
        services.acknowledge_action(stale, user=tf_unit)
    elif write == "feed_back":
        services.feed_back(stale, user=tf_unit, text="已起草方案")
    elif write == "report_done":
        services.report_done(stale, user=tf_unit, text="方案已印发")
    elif write == "verify":
        services.verify_action(stale, user=office, rating="good")
    elif write == "return":
        services.return_action(stale, user=office, reason="缺少印发文件")
    elif write == "cancel":
        services.cancel_action(stale, user=office, reason="不再需要")
    elif write == "edit_other_field":
        with pytest.raises(ConflictError):
            services.update_action(stale, user=office, version=stale.version, description="旧稿")
    now = ActionItem.objects.get(pk=action.pk)
    assert now.title == "已确认的新措辞"
    assert now.version >= acknowledged
    if write not in {"edit_other_field"}:
        assert now.version > acknowledged  # a step that changes the action's state moves its version


def test_an_action_step_judges_the_status_as_it_is_now_not_as_it_was_read(world):
    """A second acknowledgement from an old copy is refused: the action moved on meanwhile (both sides reported)."""
    tf_unit, lj_unit = world.users["tf-unit"], world.users["lj-unit"]
    session = held_session(world)
    action = decide_action(world, session, owners=[world.tf_dept, world.lj_dept], due=TODAY() + dt.timedelta(30))
    stale = ActionItem.objects.get(pk=action.pk)
    services.report_done(action, user=lj_unit, text="已完成")
    assert ActionItem.objects.get(pk=action.pk).status == ActionStatus.IN_PROGRESS  # Tianfu has not reported yet
    services.report_done(ActionItem.objects.get(pk=action.pk), user=tf_unit, text="已完成")
    with pytest.raises(ValidationError):
        services.acknowledge_action(stale, user=tf_unit)
    assert ActionItem.objects.get(pk=action.pk).status == ActionStatus.REPORTED_DONE


def test_changing_the_series_refreshes_the_action_dates_from_the_current_rows(world):
    office, tf_unit = world.users["office"], world.users["tf-unit"]
    session = held_session(world)
    action = decide_action(world, session, owners=[world.tf_dept], due=TODAY() + dt.timedelta(30))
    series = session.series
    acknowledged = edit_action_meanwhile(action, office, "已确认的新措辞")
    services.feed_back(ActionItem.objects.get(pk=action.pk), user=tf_unit, text="进展")
    services.update_series(series, user=office, version=series.version, action_feedback_days=10)
    now = ActionItem.objects.get(pk=action.pk)
    assert now.title == "已确认的新措辞"
    assert now.version > acknowledged
    assert now.feedback_due == TODAY() + dt.timedelta(days=10)


# ------------------------------------------------------------------- the same race, with real clients


@pytest.mark.django_db(transaction=True)
def test_an_editor_racing_both_sides_owners_acknowledging_and_reporting_loses_nothing(world):
    """Threads with their own connections, on the real database: the office rewords an action again and
    again from the version it read, while the owners of both sides acknowledge it and report on it. Every
    acknowledged edit is the final wording or followed by a later one, every report is kept, the version
    never goes backwards, and nobody meets an error other than a refused stale edit."""
    office, tf_unit, lj_unit = world.users["office"], world.users["tf-unit"], world.users["lj-unit"]
    series = make_series(world)
    session = add_session(world, series, TODAY())
    publish(world, session)
    action = decide_action(world, session, owners=[world.tf_dept, world.lj_dept], due=TODAY() + dt.timedelta(30))
    tianfu_acknowledged = threading.Event()
    rounds = 10
    editor = Editor(
        lambda: ActionItem.objects.get(pk=action.pk),
        lambda current, **changes: services.update_action(current, user=office, **changes),
        rounds=rounds,
    )

    def tianfu():
        try:
            services.acknowledge_action(ActionItem.objects.get(pk=action.pk), user=tf_unit, note="收到")
        finally:
            tianfu_acknowledged.set()  # Liangjiang reports once the action is acknowledged (or Tianfu failed)
        for i in range(rounds):
            services.feed_back(ActionItem.objects.get(pk=action.pk), user=tf_unit, text=f"天府进展{i}")

    def liangjiang():
        assert tianfu_acknowledged.wait(timeout=60)
        for i in range(rounds):
            services.feed_back(ActionItem.objects.get(pk=action.pk), user=lj_unit, text=f"两江进展{i}")

    assert race(editor, tianfu, liangjiang) == []
    final = ActionItem.objects.get(pk=action.pk)
    editor.assert_nothing_lost(final)
    assert final.acknowledged_at is not None
    assert final.status == ActionStatus.IN_PROGRESS
    assert final.updates.filter(kind=ActionUpdateKind.PROGRESS).count() == 2 * rounds
    assert final.updates.filter(kind=ActionUpdateKind.ACKNOWLEDGED).count() == 1

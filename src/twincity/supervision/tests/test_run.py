"""The daily supervision run with the clock driven (``today`` passed): colours, escalation, reminders, reruns."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from twincity.notifications.models import Delivery, Notification, ReminderLog
from twincity.supervision import run as supervision_run
from twincity.supervision.choices import CaseState, Escalation, Notice, SheetLevel, SheetStepKind
from twincity.supervision.models import Sheet, SheetStep
from twincity.supervision.run import close_sheet, supervise
from twincity.supervision.tasks import supervise_daily
from twincity.supervision.tests.sheetkit import make_case
from twincity.testing import race

pytestmark = pytest.mark.django_db

D = dt.date


@contextlib.contextmanager
def _failing(module, name):
    """``module.name`` raises while the block runs (a machine going down at that point), then is put back."""
    original = getattr(module, name)

    def fail(*args, **kwargs):
        original(*args, **kwargs)  # what it writes is rolled back with the transaction
        raise RuntimeError("the machine went down")

    setattr(module, name, fail)
    try:
        yield
    finally:
        setattr(module, name, original)


def told(world, kind):
    """Who got a notice of ``kind``, by persona, sorted (each notice once per person)."""
    names = {u.pk: name for name, u in world.users.items()}
    return sorted(names[n.user_id] for n in Notification.objects.filter(kind=kind))


def test_an_item_goes_blue_then_yellow_then_red_and_climbs_to_the_leaders(world):
    case = make_case(world, due_on=D(2026, 3, 31), next_feedback_on=D(2026, 4, 30))
    assert supervise(D(2026, 3, 27)).issued == 0  # four days out: nothing yet
    assert not Sheet.objects.exists()

    report = supervise(D(2026, 3, 28))  # three days before: blue
    sheet = Sheet.objects.get(case=case)
    assert (report.issued, sheet.level, sheet.escalation) == (1, SheetLevel.BLUE, Escalation.OWNER)
    assert sheet.display_number == "督〔2026〕1号"
    case.refresh_from_db()
    assert case.level == SheetLevel.BLUE
    assert told(world, Notice.SHEET_ISSUED) == ["lj-unit", "tf-unit"]

    side = case.sides.get(side=world.tf)
    side.next_feedback_on = D(2026, 3, 27)
    side.save()
    assert supervise(D(2026, 3, 28)).raised == 0  # one day late: not yet
    report = supervise(D(2026, 3, 29))  # two days late with feedback: yellow
    sheet.refresh_from_db()
    assert (report.raised, sheet.level) == (1, SheetLevel.YELLOW)
    assert "天府" in sheet.reason or "Tianfu" in sheet.reason

    supervise(D(2026, 4, 1))  # overdue: red
    sheet.refresh_from_db()
    case.refresh_from_db()
    assert (sheet.level, case.level, sheet.escalation) == (SheetLevel.RED, SheetLevel.RED, Escalation.OWNER)
    assert told(world, Notice.SHEET_RAISED) == ["lj-unit", "lj-unit", "tf-unit", "tf-unit"]  # yellow, red

    assert supervise(D(2026, 4, 3)).escalated == 0  # two days red, nothing moved
    report = supervise(D(2026, 4, 4))  # three days: to the coordinators
    sheet.refresh_from_db()
    assert (report.escalated, sheet.escalation) == (1, Escalation.COORDINATOR)
    assert told(world, Notice.SHEET_ESCALATED) == ["lj-coord", "lj-unit", "tf-coord", "tf-unit"]

    supervise(D(2026, 4, 8))  # seven days: to the leaders
    sheet.refresh_from_db()
    assert sheet.escalation == Escalation.LEADER
    assert told(world, Notice.SHEET_ESCALATED).count("leader") == 1
    assert "office" not in told(world, Notice.SHEET_ESCALATED)

    supervise(D(2026, 4, 20))  # nothing left to climb; a lower colour never comes back
    sheet.refresh_from_db()
    assert (sheet.level, sheet.escalation) == (SheetLevel.RED, Escalation.LEADER)
    kinds = list(SheetStep.objects.filter(sheet=sheet).values_list("kind", "level", "escalation"))
    assert kinds == [
        (SheetStepKind.ISSUED, SheetLevel.BLUE, Escalation.OWNER),
        (SheetStepKind.RAISED, SheetLevel.YELLOW, Escalation.OWNER),
        (SheetStepKind.RAISED, SheetLevel.RED, Escalation.OWNER),
        (SheetStepKind.ESCALATED, SheetLevel.RED, Escalation.COORDINATOR),
        (SheetStepKind.ESCALATED, SheetLevel.RED, Escalation.LEADER),
    ]


def test_movement_holds_escalation_back(world):
    case = make_case(world, due_on=D(2026, 3, 31), next_feedback_on=D(2026, 4, 30))
    supervise(D(2026, 4, 1))
    side = case.sides.get(side=world.lj)
    side.last_feedback_on = D(2026, 4, 3)  # feedback given: the clock starts again
    side.save()
    supervise(D(2026, 4, 4))
    assert Sheet.objects.get(case=case).escalation == Escalation.OWNER
    supervise(D(2026, 4, 6))
    assert Sheet.objects.get(case=case).escalation == Escalation.COORDINATOR


def test_a_side_that_has_not_signed_off_in_time_turns_the_item_yellow_and_is_reminded_first(world):
    case = make_case(world, assigned_on=D(2026, 3, 1), due_on=D(2026, 6, 30), signed=False)  # sign off by 3 March
    supervise(D(2026, 3, 1))
    assert told(world, Notice.SIGNOFF_DUE) == []  # two days before: not yet (remind one day before)
    report = supervise(D(2026, 3, 2))
    assert report.reminders == 2
    assert told(world, Notice.SIGNOFF_DUE) == ["lj-unit", "tf-unit"]
    supervise(D(2026, 3, 3))  # due today: the same reminder, not again
    assert len(told(world, Notice.SIGNOFF_DUE)) == 2
    assert not Sheet.objects.exists()

    lj = case.sides.get(side=world.lj)
    lj.signed_at = dt.datetime(2026, 3, 3, 9, tzinfo=dt.UTC)  # Liangjiang signed on time; Tianfu did not
    lj.save()
    supervise(D(2026, 3, 4))
    sheet = Sheet.objects.get(case=case)
    assert sheet.level == SheetLevel.YELLOW
    assert "天府" in sheet.reason
    assert "两江" not in sheet.reason


def test_feedback_is_reminded_before_it_is_due(world):
    make_case(world, due_on=D(2026, 6, 30), next_feedback_on=D(2026, 3, 10))
    assert supervise(D(2026, 3, 8)).reminders == 0
    assert supervise(D(2026, 3, 9)).reminders == 2
    assert supervise(D(2026, 3, 9)).reminders == 0
    assert told(world, Notice.FEEDBACK_DUE) == ["lj-unit", "tf-unit"]


def listed(world, kind=Notice.SHEET_ISSUED):
    """Persona → the sheet numbers listed in their notices of ``kind``, in order (a number twice: told twice)."""
    names = {u.pk: name for name, u in world.users.items()}
    found: dict[str, list[str]] = {}
    for note in Notification.objects.filter(kind=kind).order_by("pk"):
        found.setdefault(names[note.user_id], []).extend(re.findall(r"督〔\d+〕\d+号", note.body))
    return found


def test_one_notice_per_person_per_run_lists_their_sheets(world):
    for i in range(3):
        make_case(world, title=f"事项{i}", due_on=D(2026, 4, 1))
    report = supervise(D(2026, 4, 2))
    assert (report.issued, report.notices) == (3, 2)  # two units told, one notice each, not one per sheet
    numbers = ["督〔2026〕1号", "督〔2026〕2号", "督〔2026〕3号"]
    assert listed(world) == {"lj-unit": numbers, "tf-unit": numbers}
    note = Notification.objects.filter(kind=Notice.SHEET_ISSUED).first()
    assert note.title.startswith("3 ") or note.title.startswith("3")
    assert note.url.startswith("/supervision/sheets/")
    # the e-mail queued in the outbox is the same one notice per person
    assert Delivery.objects.filter(kind=Notice.SHEET_ISSUED, channel="email").count() == 2
    # each item is logged as told (the guard of a rerun), beside each person's notice
    assert ReminderLog.objects.filter(kind=Notice.SHEET_ISSUED, recipient=None).count() == 3


def test_the_same_run_repeated_sends_nothing_twice(world):
    for i in range(3):
        make_case(world, title=f"事项{i}", due_on=D(2026, 4, 1))
    first = supervise(D(2026, 4, 2))
    assert (first.issued, first.notices) == (3, 2)
    messages = Notification.objects.count()
    deliveries = Delivery.objects.count()
    again = supervise(D(2026, 4, 2))
    assert (again.issued, again.raised, again.escalated, again.notices, again.reminders) == (0, 0, 0, 0, 0)
    assert Notification.objects.count() == messages
    assert Delivery.objects.count() == deliveries
    assert SheetStep.objects.count() == 3


def test_a_sheet_issued_later_the_same_day_is_told_alone(world):
    make_case(world, title="事项甲", due_on=D(2026, 4, 1))
    supervise(D(2026, 4, 2))
    make_case(world, title="事项乙", due_on=D(2026, 4, 1))
    report = supervise(D(2026, 4, 2))  # a second run the same day: only the new sheet, in a new notice
    assert (report.issued, report.notices) == (1, 2)
    assert listed(world) == {
        "lj-unit": ["督〔2026〕1号", "督〔2026〕2号"],
        "tf-unit": ["督〔2026〕1号", "督〔2026〕2号"],
    }
    assert Notification.objects.filter(kind=Notice.SHEET_ISSUED).count() == 4


def test_a_run_interrupted_half_way_and_rerun_sends_exactly_what_was_missing(world):
    cases = [make_case(world, title=f"事项{i}", due_on=D(2026, 4, 1)) for i in range(5)]

    def stop(batch):
        if batch == 2:
            raise RuntimeError("the machine went down")

    with pytest.raises(RuntimeError):
        supervise(D(2026, 4, 2), batch_size=2, after_batch=stop)
    assert Sheet.objects.count() == 2  # the first batch committed; the second rolled back whole
    assert Notification.objects.count() == 0  # people are told at the end of the run, which never came
    report = supervise(D(2026, 4, 2), batch_size=2)
    assert (report.issued, report.notices) == (3, 2)
    # the two sheets of the committed batch and the three of the rerun, each told once to each unit
    numbers = [f"督〔2026〕{n}号" for n in range(1, 6)]
    assert listed(world) == {"lj-unit": numbers, "tf-unit": numbers}
    assert ReminderLog.objects.values("key").distinct().count() == ReminderLog.objects.count() == 5 + 2
    assert supervise(D(2026, 4, 2), batch_size=2).notices == 0
    assert Notification.objects.count() == 2
    assert sorted(Sheet.objects.values_list("number", flat=True)) == [1, 2, 3, 4, 5]
    assert {s.case_id for s in Sheet.objects.all()} == {c.pk for c in cases}


def test_a_run_interrupted_while_telling_tells_everything_when_rerun(world):
    for i in range(3):
        make_case(world, title=f"事项{i}", due_on=D(2026, 4, 1))
    with pytest.raises(RuntimeError), _failing(supervision_run, "announce_digests"):
        supervise(D(2026, 4, 2))
    assert (Sheet.objects.count(), Notification.objects.count(), ReminderLog.objects.count()) == (3, 0, 0)
    report = supervise(D(2026, 4, 2))
    assert (report.issued, report.notices) == (0, 2)
    numbers = ["督〔2026〕1号", "督〔2026〕2号", "督〔2026〕3号"]
    assert listed(world) == {"lj-unit": numbers, "tf-unit": numbers}


def test_a_sheet_closes_with_its_case(world):
    first = make_case(world, due_on=D(2026, 4, 1))
    second = make_case(world, due_on=D(2026, 4, 1))
    supervise(D(2026, 4, 2))
    first.state = CaseState.CLOSED
    first.save()
    report = supervise(D(2026, 4, 5))
    assert report.closed == 1
    closed = Sheet.objects.get(case=first)
    assert closed.closed_at is not None
    assert closed.steps.last().kind == SheetStepKind.CLOSED
    assert supervise(D(2026, 4, 6)).closed == 0

    second.state = CaseState.CANCELLED
    second.save()
    assert close_sheet(second).closed_at is not None  # as the lifecycle services call it
    assert close_sheet(second) is None
    assert supervise(D(2026, 4, 6)).closed == 0


def test_a_case_completed_by_every_side_is_not_raised(world):
    case = make_case(world, due_on=D(2026, 4, 1))
    supervise(D(2026, 3, 30))
    case.state = CaseState.COMPLETED
    case.save()
    supervise(D(2026, 4, 5))
    sheet = Sheet.objects.get(case=case)
    assert (sheet.level, sheet.closed_at) == (SheetLevel.BLUE, None)


def test_numbers_run_per_partnership_and_year(world):
    make_case(world, due_on=D(2026, 12, 31))
    supervise(D(2026, 12, 30))
    make_case(world, due_on=D(2027, 1, 2))
    supervise(D(2027, 1, 1))
    assert sorted(str(s) for s in Sheet.objects.all()) == ["督〔2026〕1号", "督〔2027〕1号"]


def test_one_partnership_only(world):
    from twincity.testing import build_world  # noqa: PLC0415 - a second world only here

    other = build_world(code_prefix="B")
    make_case(world, due_on=D(2026, 4, 1))
    make_case(other, due_on=D(2026, 4, 1))
    assert supervise(D(2026, 4, 2), partnership=other.partnership).issued == 1
    assert Sheet.objects.get().partnership == other.partnership


@pytest.mark.django_db(transaction=True)
def test_numbering_is_unique_under_two_concurrent_runs(world):
    for i in range(40):
        make_case(world, title=f"事项{i}", due_on=D(2026, 4, 1))
    errors = race(lambda: supervise(D(2026, 4, 2), batch_size=7), lambda: supervise(D(2026, 4, 2), batch_size=5))
    assert errors == []
    assert sorted(Sheet.objects.values_list("number", flat=True)) == list(range(1, 41))
    numbers = sorted(f"督〔2026〕{n}号" for n in range(1, 41))
    assert {name: sorted(found) for name, found in listed(world).items()} == {"lj-unit": numbers, "tf-unit": numbers}
    assert ReminderLog.objects.filter(kind=Notice.SHEET_ISSUED, recipient=None).count() == 40


def test_the_command_and_the_task_run_the_day(world):
    make_case(world, due_on=D(2026, 4, 1))
    out = io.StringIO()
    call_command("supervise", "--date", "2026-04-02", f"--partnership={world.partnership.pk}", stdout=out)
    assert "issued: 1" in out.getvalue()
    assert Sheet.objects.get().level == SheetLevel.RED
    with pytest.raises(CommandError, match="--date"):
        call_command("supervise", "--date", "2 April")
    with pytest.raises(CommandError, match="no partnership"):
        call_command("supervise", "--partnership", "999999")
    assert Sheet.objects.count() == 1

    make_case(world, due_on=D(2026, 4, 1))
    result = supervise_daily.call("2026-04-02", world.partnership.pk)  # the task's own function, run here
    assert (result["issued"], result["notices"]) == (1, 2)


def test_a_batch_costs_the_same_few_queries_however_many_cases_it_holds(world):
    def queries_for(count, start):
        for i in range(count):
            make_case(world, title=f"批{start}-{i}", due_on=D(2026, 4, 1), next_feedback_on=D(2026, 4, 3))
        with CaptureQueriesContext(connection) as captured:
            report = supervise(D(2026, 4, 2), batch_size=1000)
        assert report.issued == count
        return len(captured)

    few = queries_for(3, 1)
    many = queries_for(60, 2)  # the first 3 are quiet now: same batches, twenty times the sheets
    assert many <= few
    assert few <= 50  # a batch's ~20, the closing pass, and telling: ~15 once per run (one notice per person)

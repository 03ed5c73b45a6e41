"""The supervision lifecycle 立项 → 交办 → 签收 → 反馈 → 办结销号, driven through a frozen clock."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from twincity.agreements import services as agreements
from twincity.agreements.models import Agreement
from twincity.audit.context import acting
from twincity.audit.models import AuditEvent
from twincity.matters import services as matters
from twincity.matters.choices import MatterStatus
from twincity.meetings import services as meetings
from twincity.meetings.choices import ActionStatus
from twincity.notifications.models import Notification
from twincity.supervision import services
from twincity.supervision.choices import CaseState, EvidenceKind, Notice
from twincity.supervision.models import Case, CaseSide, Evidence, Feedback
from twincity.supervision.tests.casekit import Clock, joint_action
from twincity.testing import make_matter

D0 = dt.date(2026, 3, 2)


def day(n: int) -> dt.date:
    return D0 + dt.timedelta(days=n)


@pytest.fixture
def clock(monkeypatch):
    c = Clock(monkeypatch, dt.datetime(2026, 3, 2, 1, tzinfo=dt.UTC))
    c.set(D0)
    return c


def told(user, kind) -> int:
    return Notification.objects.filter(user=user, kind=kind).count()


def side(case, region) -> CaseSide:
    return CaseSide.objects.get(case=case, side=region)


# ---------------------------------------------------------------------------------------- a joint action


def test_a_joint_actions_life_sign_off_late_feedback_late_per_side_completion_and_rated_closure(world, clock):
    w, u = world, world.users
    action = joint_action(w, D0)
    case = services.case_of(action)
    # 交办: one case, one side per owning side, with its sign-off and first feedback days.
    assert case.kind == "action"
    assert case.state == CaseState.OPEN
    assert case.due_on == day(30)
    assert {s.side_id for s in case.sides.all()} == {w.tf.pk, w.lj.pk}
    assert side(case, w.tf).signoff_due_on == day(2)
    assert side(case, w.tf).next_feedback_on == day(1)
    assert case.next_feedback_on == day(1)
    for persona in ("tf-unit", "lj-unit", "tf-coord", "lj-coord"):
        assert told(u[persona], Notice.CASE_ASSIGNED) == 1, persona
    assert told(u["leader"], Notice.CASE_ASSIGNED) == 0

    # 签收: Tianfu acknowledges on time, Liangjiang two days late; each is its side's sign-off.
    clock.set(day(1))
    with acting(u["tf-unit"]):
        meetings.acknowledge_action(action, user=u["tf-unit"])
    clock.set(day(4))
    with acting(u["lj-unit"]):
        meetings.acknowledge_action(action, user=u["lj-unit"])
    assert side(case, w.tf).signed_late is False
    assert side(case, w.lj).signed_late is True
    with pytest.raises(ValidationError):  # Liangjiang has signed off: nothing more to acknowledge
        meetings.acknowledge_action(action, user=u["lj-unit"])

    # 反馈: due on day 1, given on day 4: late, counted on the side; the next is due on day 7.
    with acting(u["tf-unit"]):
        meetings.feed_back(action, user=u["tf-unit"], text="已起草方案")
    tf = side(case, w.tf)
    assert (tf.feedback_count, tf.late_feedback_count, tf.next_feedback_on) == (1, 1, day(7))
    assert Feedback.objects.get(case=case, side=w.tf).late is True
    clock.set(day(6))
    services.give_feedback(case, w.tf, user=u["tf-coord"], text="已征求意见", percent=60)
    assert side(case, w.tf).late_feedback_count == 1  # day 6 is before day 7: on time
    case.refresh_from_db()
    assert case.next_feedback_on == day(1)  # Liangjiang still owes its first feedback

    # 完成: Tianfu reports with a file; the action is not done until Liangjiang has reported too.
    evidence = SimpleUploadedFile("印发文件.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")
    with acting(u["tf-unit"]):
        meetings.report_done(action, user=u["tf-unit"], text="方案已印发", files=[evidence])
    action.refresh_from_db()
    case.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS
    assert case.state == CaseState.OPEN
    assert side(case, w.tf).completed_at is not None
    assert Evidence.objects.get(case=case, side=w.tf).kind == EvidenceKind.FILE
    with pytest.raises(ValidationError):  # one side's report is not the action's: nothing to verify
        meetings.verify_action(action, user=u["office"], rating="good")
    with pytest.raises(ValidationError):  # Tianfu has reported its part
        meetings.report_done(action, user=u["tf-coord"], text="再报一次")

    clock.set(day(8))
    with acting(u["lj-unit"]):
        meetings.report_done(action, user=u["lj-unit"], text="两江已会签")
    action.refresh_from_db()
    case.refresh_from_db()
    assert action.status == ActionStatus.REPORTED_DONE
    assert case.state == CaseState.COMPLETED
    assert told(u["office"], Notice.CASE_COMPLETED) == 1

    # 办结销号: the office must rate it; a unit may not close it.
    with pytest.raises(PermissionDenied):
        meetings.verify_action(action, user=u["tf-unit"], rating="good")
    with pytest.raises(ValidationError, match="请选择评价"):
        meetings.verify_action(action, user=u["office"], note="已核实")
    clock.set(day(35))
    with acting(u["office"]):
        meetings.verify_action(action, user=u["office"], note="已核实", rating="excellent")
    case.refresh_from_db()
    assert (case.state, case.rating, case.review) == (CaseState.CLOSED, "excellent", "已核实")
    assert case.delay_days == 0  # completed on day 8, due on day 30
    assert told(u["tf-unit"], Notice.CASE_CLOSED) == 1
    verbs = list(
        AuditEvent.objects.filter(object_id=case.pk, verb__startswith="case.")
        .order_by("time", "pk")
        .values_list("verb", flat=True)
    )
    assert verbs.count("case.signed_off") == 2
    assert verbs.count("case.completion_reported") == 2
    assert verbs[0] == "case.opened"
    assert verbs[-1] == "case.closed"


def test_the_office_returns_a_joint_action_and_every_side_reports_again(world, clock):
    w, u = world, world.users
    action = joint_action(w, D0, due_in=5)
    for persona in ("tf-unit", "lj-unit"):
        with acting(u[persona]):
            meetings.report_done(action, user=u[persona], text="已完成")
    with pytest.raises(ValidationError):
        meetings.return_action(action, user=u["office"], reason="  ")
    with acting(u["office"]):
        meetings.return_action(action, user=u["office"], reason="缺少两江会签意见")
    case = services.case_of(action)
    action.refresh_from_db()
    assert action.status == ActionStatus.RETURNED
    assert case.state == CaseState.OPEN
    assert not case.sides.filter(completed_at__isnull=False).exists()
    assert told(u["lj-unit"], Notice.CASE_RETURNED) == 1
    # Reported again after the due date: closed with the days late counted.
    clock.set(day(9))
    for persona in ("tf-unit", "lj-unit"):
        with acting(u[persona]):
            meetings.report_done(action, user=u[persona], text="已补充会签")
    with acting(u["office"]):
        meetings.verify_action(action, user=u["office"], rating="pass")
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED
    assert case.delay_days == 4


def test_a_cancelled_action_cancels_its_case_and_an_edit_keeps_it_in_step(world, clock):
    w, u = world, world.users
    action = joint_action(w, D0)
    with acting(u["office"]):
        meetings.update_action(action, user=u["office"], version=action.version, due_date=day(40), owners=[w.tf_dept])
    case = services.case_of(action)
    assert case.due_on == day(40)
    assert [s.side_id for s in case.sides.all()] == [w.tf.pk]
    with acting(u["office"]):
        meetings.cancel_action(action, user=u["office"], reason="不再需要")
    case.refresh_from_db()
    assert case.state == CaseState.CANCELLED


# ----------------------------------------------------------------------------------- who may take a step


STEP_ALLOWED_FOR_TIANFU = {"office", "tf-coord", "tf-unit"}


@pytest.mark.parametrize(
    "persona", ["office", "tf-coord", "lj-coord", "tf-unit", "lj-unit", "leader", "auditor", "outsider"]
)
def test_each_persona_signs_off_only_for_its_own_side(world, clock, persona):
    w = world
    case = services.case_of(joint_action(w, D0))
    user = w.users[persona]
    if persona in STEP_ALLOWED_FOR_TIANFU:
        services.sign_off(case, w.tf, user=user)
        assert side(case, w.tf).signed_by == user
    else:
        with pytest.raises(PermissionDenied):
            services.sign_off(case, w.tf, user=user)
        assert side(case, w.tf).signed_at is None
    # Nobody but the office closes or returns.
    for step in (
        lambda: services.close_case(case, user=user, rating="good"),
        lambda: services.return_case(case, user=user, reason="退回"),
    ):
        if persona == "office":
            with pytest.raises(ValidationError):  # not completed yet
                step()
        else:
            with pytest.raises(PermissionDenied):
                step()


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("tf-unit", 200), ("lj-unit", 403), ("leader", 403), ("auditor", 403), ("outsider", 404)],
)
def test_the_api_takes_a_step_only_for_whoever_may(world, clock, api_as, persona, expected):
    case = services.case_of(joint_action(world, D0))
    url = f"/api/supervision-cases/{case.pk}/feedback/"
    response = api_as(persona).post(url, {"side": world.tf.pk, "text": "进展顺利", "percent": 30}, format="json")
    assert response.status_code == expected, response.content
    assert Feedback.objects.filter(case=case).count() == (1 if expected == 200 else 0)
    listed = api_as(persona).get("/api/supervision-cases/").json()["results"]
    assert [row["id"] for row in listed] == ([] if persona == "outsider" else [case.pk])


def test_hostile_input_is_refused_clearly_and_writes_nothing(world, clock, api_as):
    w, office = world, world.users["office"]
    case = services.case_of(joint_action(w, D0))
    api = api_as("office")
    url = f"/api/supervision-cases/{case.pk}/"
    assert api.post(url + "feedback/", {"side": w.tf.pk, "text": "x", "percent": 101}, format="json").status_code == 400
    assert api.post(url + "feedback/", {"side": 2**70, "text": "x"}, format="json").status_code == 400
    assert api.post(url + "feedback/", {"side": w.tf.pk, "text": ""}, format="json").status_code == 400
    bad_link = {"side": w.tf.pk, "note": "完成", "links": ["javascript:alert(1)"]}
    response = api.post(url + "report-completion/", bad_link, format="json")
    assert response.status_code == 400
    assert "不是有效的网址" in response.json()["links"][0]
    assert api.post(url + "close/", {"rating": "perfect"}, format="json").status_code == 400
    assert api.post(url + "return/", {"reason": ""}, format="json").status_code == 400
    assert (
        api.post(url + "sign-off/", {"side": w.xk.pk if hasattr(w, "xk") else 999999}, format="json").status_code == 400
    )
    with pytest.raises(ValidationError):
        services.give_feedback(case, w.tf, user=office, text="<b></b>   ")
    with pytest.raises(ValidationError):
        services.report_completion(case, w.tf, user=office, note="完成", links=["http://a b"])
    assert not Feedback.objects.filter(case=case).exists()
    assert not Evidence.objects.filter(case=case).exists()
    assert not case.sides.filter(completed_at__isnull=False).exists()


# --------------------------------------------------------------------------------------------- the pages


def test_the_case_pages_show_each_sides_step_and_take_the_steps(world, clock, client_as):
    w = world
    action = joint_action(w, D0)
    case = services.case_of(action)
    page = client_as("tf-unit")
    listed = page.get(reverse("supervision:case_list") + f"?partnership={w.partnership.pk}&kind=action&side={w.tf.pk}")
    assert listed.status_code == 200
    assert action.title in listed.content.decode()
    empty = page.get(reverse("supervision:case_list") + f"?partnership={w.partnership.pk}&state=closed")
    assert action.title not in empty.content.decode()
    response = page.post(reverse("supervision:case_sign_off", args=[case.pk]), {"side": w.tf.pk})
    assert response.status_code == 302
    assert side(case, w.tf).signed_at is not None
    page.post(
        reverse("supervision:case_complete", args=[case.pk]),
        {"side": w.tf.pk, "note": "已印发", "links": "https://example.org/notice\n"},
    )
    assert Evidence.objects.get(case=case).link == "https://example.org/notice"
    refused = page.post(reverse("supervision:case_feedback", args=[case.pk]), {"side": w.lj.pk, "text": "代报"})
    assert refused.status_code == 302
    assert not Feedback.objects.filter(side=w.lj).exists()
    detail = page.get(reverse("supervision:case_detail", args=[case.pk])).content.decode()
    assert "https://example.org/notice" in detail
    assert f'id="side-{w.lj.pk}"' in detail
    action_page = page.get(action.get_absolute_url()).content.decode()
    assert 'data-step="reported"' in action_page
    assert 'data-step="waiting"' in action_page
    export = client_as("office").get(reverse("supervision:case_export") + f"?partnership={w.partnership.pk}")
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert len(rows) == 3
    assert rows[1][0] == case.code
    assert client_as("outsider").get(reverse("supervision:case_detail", args=[case.pk])).status_code == 404


# --------------------------------------------------------------------------------- a matter's completion


def test_a_leader_confirms_a_matter_only_with_an_opinion_after_every_side_reported_and_reopens_it(world, clock, api_as):
    w, u = world, world.users
    matter = make_matter(w, year=2026, start_date=D0, due_date=day(60))
    case = services.case_of(matter)
    assert case.kind == "matter"
    assert case.sides.count() == 2
    leader = u["leader"]
    with pytest.raises(ValidationError) as refused:
        matters.change_status(matter, MatterStatus.COMPLETED, user=leader)
    assert refused.value.message_dict["reason"] == ["确认事项完成须填写意见。"]
    with pytest.raises(ValidationError, match="尚有责任方未报告完成"):
        matters.change_status(matter, MatterStatus.COMPLETED, user=leader, reason="同意")
    # Each side reports through the API; a coordinator only for its own side.
    api = api_as("tf-coord")
    url = f"/api/supervision-cases/{case.pk}/report-completion/"
    assert api.post(url, {"side": w.lj.pk, "note": "代报"}, format="json").status_code == 403
    assert api.post(url, {"side": w.tf.pk, "note": "天府已完成"}, format="json").status_code == 200
    services.report_completion(case, w.lj, user=u["lj-unit"], note="两江已完成")
    with acting(leader):
        matters.change_status(matter, MatterStatus.COMPLETED, user=leader, reason="同意办结")
    matter.refresh_from_db()
    assert matter.status == MatterStatus.COMPLETED
    # Reopened by a leader with a reason (a unit may not; no reason is refused).
    with pytest.raises(PermissionDenied):
        matters.reopen_matter(matter, user=u["tf-unit"], reason="重开")
    with pytest.raises(ValidationError):
        matters.reopen_matter(matter, user=leader, reason=" ")
    with acting(leader):
        matters.reopen_matter(matter, user=leader, reason="验收发现问题")
    matter.refresh_from_db()
    case.refresh_from_db()
    assert matter.status == MatterStatus.IN_PROGRESS
    assert matter.confirmed_by is None
    assert case.state == CaseState.OPEN
    assert not case.sides.filter(completed_at__isnull=False).exists()
    assert AuditEvent.objects.get(verb="matter.reopened", object_id=matter.pk).message == "验收发现问题"
    assert told(u["tf-unit"], Notice.CASE_REOPENED) == 1
    # The API: confirm refused without an opinion, reopen refused to a unit.
    for s in (w.tf, w.lj):
        services.report_completion(case, s, user=u["office"], note="完成")
    status_url = f"/api/matters/{matter.pk}/status/"
    body = {"status": "completed", "version": matter.version}
    assert api_as("leader").post(status_url, body, format="json").status_code == 400
    done = api_as("leader").post(status_url, {**body, "reason": "同意"}, format="json")
    assert done.status_code == 200
    reopen = {"reason": "重开", "version": done.json()["version"]}
    assert api_as("tf-unit").post(f"/api/matters/{matter.pk}/reopen/", reopen, format="json").status_code == 403
    assert api_as("leader").post(f"/api/matters/{matter.pk}/reopen/", reopen, format="json").status_code == 200


def test_a_milestone_closed_with_evidence_is_its_sides_completion(world, clock):
    w, office = world, world.users["office"]
    matter = make_matter(w, year=2026, start_date=D0, due_date=day(60))
    with acting(office):
        milestone = matters.add_milestone(matter, side_id=w.lj.pk, title="签署协议", due_date=day(20), user=office)
    case = services.case_of(milestone)
    assert case.kind == "milestone"
    assert [s.side_id for s in case.sides.all()] == [w.lj.pk]
    with acting(w.users["lj-unit"]):
        matters.close_milestone(milestone, user=w.users["lj-unit"], done_date=D0, evidence="协议文本")
    case.refresh_from_db()
    assert case.state == CaseState.COMPLETED


# ---------------------------------------------------------------------------------------- following all


def test_follow_all_opens_every_supervised_item_once(world, clock):
    w, office = world, world.users["office"]
    make_matter(w, year=2026, start_date=D0, due_date=day(60))
    make_matter(w, year=2026, title="尚在提议", status="proposed")
    agreement = Agreement.objects.filter(partnership=w.partnership).first()
    if agreement is not None:
        with acting(office):
            agreements.add_obligation(agreement, user=office, text="共建平台", side=w.tf, due_date=day(90))
    Case.objects.all().delete()  # as before supervision existed (a test's database only)
    out = io.StringIO()
    call_command("follow_all", stdout=out)
    first = sorted(Case.objects.values_list("kind", "object_id"))
    assert ("matter", 0) not in first
    assert len(first) >= 1
    assert all(kind in {"matter", "milestone", "action", "obligation"} for kind, _ in first)
    call_command("follow_all", stdout=io.StringIO())
    assert sorted(Case.objects.values_list("kind", "object_id")) == first
    assert Case.objects.filter(kind="matter").count() == 1  # the proposed matter is not supervised

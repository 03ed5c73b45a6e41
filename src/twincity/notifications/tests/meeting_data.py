"""Meetings built in code for the documents, calendar and reminder tests.

Written with the ORM rather than the meetings services so that these tests pin what the documents,
feeds and reminders do with a given state of the records, whatever path led there.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from twincity.audit.context import acting
from twincity.matters import services as matter_services
from twincity.meetings.choices import ActionStatus, ItemSource, ItemStatus, MinutesStatus, OutcomeKind, SessionStatus
from twincity.meetings.models import (
    ActionItem,
    ActionOwner,
    ActionUpdate,
    AgendaItem,
    Attendance,
    MeetingSeries,
    Outcome,
    Session,
)
from twincity.testing import make_matter

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The day the tests stand on: the second docking meeting of 19 June 2020 is nine days ahead.
TODAY = dt.date(2020, 6, 10)


def at(day: dt.date, hour: int = 9, minute: int = 30) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def make_series(w, *, name: str = "联席会议", name_en: str = "Joint meeting") -> MeetingSeries:
    return MeetingSeries.objects.create(partnership=w.partnership, name=name, name_en=name_en)


def make_session(w, series: MeetingSeries, *, number: int, day: dt.date, host=None, **kwargs) -> Session:
    defaults = {"venue": "两江新区互联网产业园会议室", "chair": "李主任", "secretariat": w.lj_dept}
    defaults.update(kwargs)
    return Session.objects.create(
        series=series,
        partnership=w.partnership,
        number=number,
        host=host or w.lj,
        starts_at=at(day),
        **defaults,
    )


def make_action(w, session: Session, *, code: str, title: str, due: dt.date, owners=None, **kwargs) -> ActionItem:
    action = ActionItem.objects.create(
        partnership=w.partnership, session=session, code=code, title=title, due_date=due, **kwargs
    )
    for unit in owners or [w.tf_dept]:
        ActionOwner.objects.create(action=action, organisation=unit, side=unit.region)
    return action


def build_meetings(w) -> SimpleNamespace:
    """Session 1 (held, 15 May 2020) and session 2 (19 June 2020, agenda published) of the joint meeting,
    with a matter gone red, actions decided at session 1 in several states, and the minutes of session 2."""
    m = SimpleNamespace()
    office = w.users["office"]
    m.red_matter = make_matter(w, title="共建西部陆海新通道物流枢纽", due_date=dt.date(2020, 12, 31))
    m.green_matter = make_matter(w, title="两地政务服务“一网通办”", due_date=dt.date(2020, 12, 31))
    with acting(office):
        matter_services.add_milestone(
            m.red_matter, side_id=w.tf.pk, title="完成枢纽选址论证", due_date=dt.date(2020, 5, 1), user=office
        )
        matter_services.file_progress(
            m.red_matter,
            user=office,
            side_id=w.lj.pk,
            period="2020-05",
            text="两江新区已完成物流园区规划初稿，正在征求各方意见。",
            percent_complete=40,
            organisation=w.lj_dept,
            reported_on=dt.date(2020, 5, 28),
        )
        m.series = make_series(w)
        m.s1 = make_session(
            w,
            m.series,
            number=1,
            day=dt.date(2020, 5, 15),
            host=w.tf,
            status=SessionStatus.HELD,
            venue="天府新区会议中心",
            chair="张主任",
            secretariat=w.office_unit,
            minutes_status=MinutesStatus.LOCKED,
        )
        m.s2 = make_session(
            w, m.series, number=2, day=dt.date(2020, 6, 19), agenda_published_at=at(dt.date(2020, 6, 8))
        )
        m.s3 = make_session(w, m.series, number=3, day=dt.date(2020, 7, 17), host=w.tf)
        m.d1 = Outcome.objects.create(session=m.s1, kind=OutcomeKind.ACTION, number=1, text="推进市场准入异地同标。")
        m.a_open = make_action(
            w,
            m.s1,
            code="2020-1-1",
            title="制定两地市场准入统一标准清单",
            due=dt.date(2020, 6, 30),
            outcome=m.d1,
            status=ActionStatus.IN_PROGRESS,
            matter=m.green_matter,
        )
        ActionUpdate.objects.create(
            action=m.a_open, kind="progress", text="已形成清单初稿", on=dt.date(2020, 6, 1), organisation=w.tf_dept
        )
        m.a_late = make_action(
            w,
            m.s1,
            code="2020-1-2",
            title="报送共建物流枢纽选址比选报告",
            due=dt.date(2020, 6, 5),
            outcome=m.d1,
            status=ActionStatus.ACKNOWLEDGED,
        )
        m.a_done = make_action(
            w,
            m.s1,
            code="2020-1-3",
            title="建立双城办联络员制度",
            due=dt.date(2020, 5, 31),
            outcome=m.d1,
            status=ActionStatus.VERIFIED,
            verified_at=at(dt.date(2020, 6, 1)),
            owners=[w.lj_dept],
        )
        m.items = [
            AgendaItem.objects.create(
                series=m.series,
                partnership=w.partnership,
                session=m.s2,
                status=ItemStatus.ON_AGENDA,
                order=1,
                title="审议共建西部陆海新通道物流枢纽推进情况",
                source=ItemSource.RED_MATTER,
                matter=m.red_matter,
                side=w.lj,
                organisation=w.lj_dept,
                presenter="王处长",
                duration_minutes=20,
            ),
            AgendaItem.objects.create(
                series=m.series,
                partnership=w.partnership,
                session=m.s2,
                status=ItemStatus.ON_AGENDA,
                order=2,
                title="通报上次会议督办事项办理情况",
                source=ItemSource.OPEN_ACTION,
                action=m.a_late,
                side=w.tf,
                organisation=w.tf_dept,
                duration_minutes=10,
            ),
            AgendaItem.objects.create(
                series=m.series,
                partnership=w.partnership,
                session=m.s2,
                status=ItemStatus.ON_AGENDA,
                order=3,
                title="研究两地政务服务一网通办工作方案",
                matter=m.green_matter,
                side=w.tf,
                duration_minutes=15,
            ),
        ]
        Attendance.objects.create(session=m.s2, side=w.lj, name="李主任", post="两江新区管委会副主任", is_leader=True)
        Attendance.objects.create(session=m.s2, side=w.tf, name="张主任", post="天府新区管委会副主任", is_leader=True)
        Attendance.objects.create(session=m.s2, side=w.tf, name="赵科长", organisation=w.tf_dept)
        m.decision = Outcome.objects.create(
            session=m.s2,
            item=m.items[0],
            kind=OutcomeKind.DECISION,
            number=1,
            text="同意由两江新区牵头编制物流枢纽共建方案，七月底前报领导小组审定。",
        )
        m.action_outcome = Outcome.objects.create(
            session=m.s2,
            item=m.items[2],
            kind=OutcomeKind.ACTION,
            number=2,
            text="天府新区市场监管局牵头梳理一网通办事项清单。",
        )
        m.new_action = make_action(
            w,
            m.s2,
            code="2020-2-1",
            title="梳理两地一网通办事项清单",
            due=dt.date(2020, 7, 10),
            outcome=m.action_outcome,
            matter=m.green_matter,
        )
    return m

"""Siting cases built in code for tests."""

from __future__ import annotations

import datetime as dt

from twincity.audit.context import acting
from twincity.meetings.choices import OutcomeKind
from twincity.meetings.services import record_outcome
from twincity.meetings.tests.helpers import add_session, make_series, publish
from twincity.siting import services
from twincity.siting.services import BidSpec


def make_case(w, *, title="大数据平台布局", bids=("TF", "LJ"), user=None, **fields):
    """A case with a bid from each side named in ``bids`` (by the office unless another user is given)."""
    user = user or w.users["office"]
    specs = {
        "TF": BidSpec(
            side=w.tf,
            candidate_site="成都科学城",
            need="科学城需要布局一个大数据平台",
            existing_capacity="尚无同类平台",
            policy_offer="场地租金前三年减免50%",
            unit=w.tf_dept,
        ),
        "LJ": BidSpec(
            side=w.lj,
            candidate_site="两江数字经济产业园",
            need="扩充算力",
            existing_capacity="已有多个类似平台",
            policy_offer="同等政策",
            unit=w.lj_dept,
        ),
    }
    fields.setdefault("industry", "大数据")
    fields.setdefault("field", w.field)
    with acting(user):
        return services.create_siting_case(
            partnership=w.partnership, user=user, title=title, bids=[specs[s] for s in bids], **fields
        )


def meeting_decision(w, *, day=dt.date(2020, 6, 19), text="会议议定：大数据平台布局于成都科学城", kind=None):
    """A decision recorded at a held joint meeting of the world's partnership."""
    office = w.users["office"]
    session = publish(w, add_session(w, make_series(w), day))
    with acting(office):
        return record_outcome(session, user=office, kind=kind or OutcomeKind.DECISION, text=text)

"""The demo's siting cases (项目布局协调), from the article (川报观察, 30 July 2020).

From the article: the big-data platform that Chengdu Science City needed while Liangjiang already had
several similar platforms; after negotiation among all parties it went to Chengdu Science City and
became the Chengdu Supercomputing Center ("你急需的，放在你那里，我急需的，放在我这里").

Not from the article, marked （示例）: Liangjiang's candidate site and the details of both bids, the dates,
and the second case, still under negotiation, which is linked to the demo's joint-meeting decisions on
"industrial cooperation and differentiated development" when the meetings were loaded first.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

from django.utils import timezone

from twincity.audit.context import acting
from twincity.matters.models import Matter
from twincity.meetings.choices import OutcomeKind
from twincity.meetings.models import Outcome
from twincity.registers.services import link_matter
from twincity.siting import services
from twincity.siting.services import BidSpec

# The sources and each side's bids (side, bidding unit, candidate site, need, existing capacity, policy offer)
# are data.
DATA = tomllib.loads(Path(__file__).with_name("demo.toml").read_text(encoding="utf-8"))
SOURCE, RATIONALE = DATA["source"], DATA["rationale"]
SUPERCOMPUTING_BIDS, TESTING_PLATFORM_BIDS = DATA["supercomputing_bids"], DATA["testing_platform_bids"]


def load(loader) -> None:
    office = loader.users["office"]
    with acting(office):
        supercomputing(loader, office)
        under_negotiation(loader, office)


def _bids(loader, rows) -> list[BidSpec]:
    return [
        BidSpec(
            side=loader.regions[side],
            unit=loader.units.get(unit),
            candidate_site=site,
            need=need,
            existing_capacity=capacity,
            policy_offer=offer,
        )
        for side, unit, site, need, capacity, offer in rows
    ]


def supercomputing(loader, office):
    """The article's case: Liangjiang gives way, the office records the decision for Chengdu Science City.
    Each step happens on its day (the demo's clock: ``loader.at``)."""
    with loader.at(dt.date(2020, 6, 12)):
        case = _supercomputing_case(loader, office)
    with loader.at(dt.date(2020, 6, 20)):
        services.withdraw_bid(
            case.bids.get(side=loader.regions["LJ"]),
            user=office,
            reason="两江新区已有多个类似平台，支持该平台落户成都科学城（据报道；撤回环节为示例）。",
            withdrawn_on=dt.date(2020, 6, 20),
        )
    with loader.at(dt.date(2020, 6, 30)):
        case = services.decide(
            case,
            user=office,
            side=loader.regions["TF"],
            site="成都科学城（成都超级计算中心）",
            rationale=RATIONALE,
            decided_on=dt.date(2020, 6, 30),
        )
    for matter in Matter.objects.filter(partnership=loader.partnership, title__contains="成都超级计算中心"):
        with loader.at(max(dt.date(2020, 6, 30), timezone.localdate(matter.created)) + dt.timedelta(days=3)):
            link_matter(case, matter, user=office, note="落实布局决定")
    return case


def _supercomputing_case(loader, office):
    return services.create_siting_case(
        partnership=loader.partnership,
        user=office,
        code="布局2020-01",
        title="大数据平台布局（成都超级计算中心）",
        industry="大数据 / 超级计算",
        field=loader.fields.get("创新"),
        description=(
            "两地产业存在一定同质性，遇到双方都想要的项目难免竞争。天府新区的成都科学城需要布局一个大数据平台，"
            "两江新区已经有多个类似平台。"
        ),
        note=SOURCE + "两江新区的候选地点、双方诉求的细节和各环节日期为示例。",
        bids=_bids(loader, SUPERCOMPUTING_BIDS),
    )


def under_negotiation(loader, office):
    """An illustrative contested case, still open, negotiated at the demo's latest joint meetings on siting: opened
    at the start of the year (or the day before the demo's today, early in January), each meeting linked on its day."""
    today = loader.today
    with loader.at(min(dt.date(today.year, 1, 10), today - dt.timedelta(days=1))):
        case = _contested_case(loader, office)
    for outcome in _meeting_decisions(loader, "错位发展")[-2:]:  # the latest two
        with loader.at(max(outcome.session.local_date, timezone.localdate(case.created))):
            services.link_negotiation(case, outcome, user=office, note="联席会议研究产业协作与错位发展（示例）")
    return case


def _contested_case(loader, office):
    return services.create_siting_case(
        partnership=loader.partnership,
        user=office,
        code=f"布局{loader.today.year}-01",
        title="智能网联新能源汽车检测认证平台布局（示例）",
        industry="智能网联新能源汽车",
        field=loader.fields.get("产业"),
        description="（示例）一个检测认证平台项目，两地均有意承接，正按错位发展的原则协商布局。",
        note="整条记录为示例，并非真实项目。",
        bids=_bids(loader, TESTING_PLATFORM_BIDS),
    )


def _meeting_decisions(loader, words: str) -> list:
    """The demo's joint-meeting decisions on ``words``, oldest first (none when the meetings are not loaded)."""
    return list(
        Outcome.objects.filter(
            session__partnership=loader.partnership,
            kind=OutcomeKind.DECISION,
            archived_at__isnull=True,
            text__contains=words,
        ).order_by("session__starts_at", "number")
    )

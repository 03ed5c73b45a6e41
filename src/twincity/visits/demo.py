"""The visits, lessons and gaps of the demo, from the article (川报观察, 30 July 2020).

From the article: the exchanges that began when Tianfu was approved in October 2014; the memorandum
of 21 May 2015; the Chongqing party and government delegation to Sichuan of 9–10 July 2019, from
which Liangjiang drew its ten lessons 十条真经 (listed here word for word) and its ten gaps 十条差距
(the article names only their areas: seizing opportunities, industry level, city brand, talent
system); the Tianfu party and government delegation to Liangjiang of 23 April 2020 and the four areas
Tianfu learned from (word for word). Not from the article, and marked "（示例）": the direction and day
of the 2014 and 2015 exchanges, and the follow-up matters with their units, dates and progress.

``load`` runs after the matter lists exist: it adds two follow-up matters to the 2020 list (completed
that year) and one to the current year's, and links a matter of the 2020 list that serves a lesson.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

from twincity.audit.context import acting
from twincity.matters import services as matters
from twincity.matters.choices import MatterStatus, OwnerRole
from twincity.matters.models import Matter
from twincity.matters.services import OwnerSpec
from twincity.visits import services
from twincity.visits.choices import Topic, VisitLevel
from twincity.visits.models import Lesson

D = dt.date
# The office put the earlier visits, their lessons and gaps on record once the partnership's register existed,
# after the docking meeting of 19 June 2020 (the demo's clock dates each step: ``loader.at``).
RECORDED_ON = D(2020, 6, 29)
# The article's ten lessons, four areas of learning and the areas of the ten gaps are data.
DATA = tomllib.loads(Path(__file__).with_name("demo.toml").read_text(encoding="utf-8"))
SOURCE, GAP_TEXT = DATA["source"], DATA["gap_text"]
TEN_LESSONS, FOUR_AREAS, GAP_AREAS = DATA["ten_lessons"], DATA["four_areas"], DATA["gap_areas"]


def load(loader) -> None:
    """Fill the registers of visits, lessons and gaps, and follow three lessons up with matters."""
    office = loader.users["office"]
    tf, lj = loader.regions["TF"], loader.regions["LJ"]
    fields = loader.fields
    p = loader.partnership

    with acting(office), loader.at(RECORDED_ON):
        visits = {}
        for row in DATA["visit"]:  # the key names the two visits the lessons and gaps come from
            values = dict(row)
            key = values.pop("key", None)
            values.update(
                visiting_region=loader.regions[values["visiting_region"]],
                host_region=loader.regions[values["host_region"]],
                level=VisitLevel(values["level"]),
                topics=[Topic(topic) for topic in values["topics"]],
                note=SOURCE + values.get("note", ""),
            )
            visits[key] = services.create_visit(partnership=p, user=office, **values)
        chongqing, tianfu = visits["chongqing"], visits["tianfu"]

        lessons = [
            services.create_lesson(
                partnership=p, user=office, title=title, side=lj, visit=chongqing, number=n, field=fields[field]
            )
            for n, (title, field) in enumerate(TEN_LESSONS, start=1)
        ]
        areas = [
            services.create_lesson(
                partnership=p, user=office, title=title, text=text, side=tf, visit=tianfu, number=n, field=fields[field]
            )
            for n, (title, field, text) in enumerate(FOUR_AREAS, start=1)
        ]
        for n, (area, field) in enumerate(GAP_AREAS, start=1):
            services.create_gap(
                partnership=p,
                user=office,
                title=f"{area}方面的差距",
                text=GAP_TEXT,
                side=lj,
                visit=chongqing,
                number=n,
                field=fields[field],
            )

    _follow_ups(loader, lessons, areas)


def _leaders(loader, lead: str, support: str) -> dict:
    """Responsible leaders as posts (never names), as the rest of the demo gives them."""
    units = loader.units
    return {units[key].side_for(loader.partnership).pk: f"{units[key].name}负责同志" for key in (lead, support)}


def _report(loader, matter, key: str, *, on: dt.date, percent: int, text: str) -> None:
    unit = loader.units[key]
    matters.file_progress(
        matter,
        user=loader.users["office"],
        side_id=unit.side_for(loader.partnership).pk,
        period=f"{on:%Y-%m}",
        text=f"{unit.short_name or unit.name}：{text}（示例）。",
        percent_complete=percent,
        organisation=unit,
        reported_on=on,
    )


def _follow_ups(loader, lessons: list[Lesson], areas: list[Lesson]) -> None:
    """Three lessons turned into matters (示例): two on the 2020 list, completed that year; Tianfu's lesson
    on innovation on this year's list, under way. A matter of the demo's lists that serves a lesson is linked."""
    office, leader, units = loader.users["office"], loader.users["leader"], loader.units
    done = [
        (
            lessons[6],
            "借鉴“对内对外融合开放”经验，共建内陆开放门户交流机制",
            "开放",
            "lj-opening",
            "tf-opening",
        ),
        (lessons[4], "借鉴“政府引导市场主导”经验，联合举办双城新区投资推介活动", "产业", "lj-invest", "tf-invest"),
    ]
    for lesson, title, field, lead, support in done:
        with acting(office), loader.at(D(2020, 7, 1)):
            matter = services.follow_up_learning(
                lesson,
                user=office,
                title=title,
                year=2020,
                owners=[OwnerSpec(units[lead]), OwnerSpec(units[support], OwnerRole.SUPPORT)],
                leaders=_leaders(loader, lead, support),
                status=MatterStatus.APPROVED,
                field=loader.fields[field],
                start_date=D(2020, 7, 1),
                due_date=D(2020, 12, 31),
                entered_on=D(2020, 7, 1),
                description="由经验借鉴转化的后续事项。（示例数据）",
            )
        with acting(office), loader.at(D(2020, 11, 30)):
            for key in (lead, support):
                _report(loader, matter, key, on=D(2020, 11, 30), percent=100, text="已完成")
        with acting(leader), loader.at(D(2020, 12, 15)):
            matters.change_status(
                matter, MatterStatus.COMPLETED, user=leader, reason="经联席会议确认完成（示例）", on=D(2020, 12, 15)
            )

    # Tianfu's fourth area of learning (innovation), on this year's list: a light that means something today.
    today = loader.today
    start, due = D(today.year, 1, 1), D(today.year, 12, 31)
    entered = min(today, D(today.year, 1, 20))
    with acting(office), loader.at(entered):
        matter = services.follow_up_learning(
            areas[3],
            user=office,
            title="借鉴两江新区双创示范基地经验，共建创新生态链",
            year=today.year,
            owners=[OwnerSpec(units["tf-tech"]), OwnerSpec(units["lj-tech"], OwnerRole.SUPPORT)],
            leaders=_leaders(loader, "tf-tech", "lj-tech"),
            status=MatterStatus.APPROVED,
            field=loader.fields["创新"],
            start_date=start,
            due_date=due,
            entered_on=entered,
            description="由经验借鉴转化的后续事项。（示例数据）",
        )
    # The latest reports came in yesterday (nothing in the demo's story happens on the day it is loaded).
    reported = max(entered, today - dt.timedelta(days=1))
    with acting(office), loader.at(reported):
        elapsed = (reported - start).days / (due - start).days
        for key, ahead in (("tf-tech", 10), ("lj-tech", 5)):
            _report(loader, matter, key, on=reported, percent=min(95, round(elapsed * 100) + ahead), text="按计划推进")
        # The demo's 2020 list has a matter on the city brand: it serves the lesson "tell the story well".
        brand = Matter.objects.filter(partnership=loader.partnership, title__contains="城市品牌推介").first()
        if brand is not None:
            services.link_follow_up(lessons[8], brand, user=office, note="城市品牌宣传推介（示例）")

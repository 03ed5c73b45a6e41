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

from twincity.audit.context import acting
from twincity.matters import services as matters
from twincity.matters.choices import MatterStatus, OwnerRole
from twincity.matters.models import Matter
from twincity.matters.services import OwnerSpec
from twincity.visits import services
from twincity.visits.choices import Topic, VisitLevel
from twincity.visits.models import Lesson

D = dt.date
SOURCE = "据川报观察2020年7月30日报道《从口水仗到龙门阵｜“向对方学什么”成必答题 川渝两地新区这样作答》。"

# The ten lessons 十条真经 Liangjiang drew from its visit to Chengdu, verbatim, each with a field.
TEN_LESSONS = [
    ("坚持顶层设计战略谋划", "规划"),
    ("坚持抢抓机遇借势借力", "改革"),
    ("坚持全球视野对标一流", "开放"),
    ("坚持谋定后动久久为功", "规划"),
    ("坚持政府引导市场主导", "改革"),
    ("坚持创新驱动转型发展", "创新"),
    ("坚持对内对外融合开放", "开放"),
    ("坚持先行先试释放活力", "改革"),
    ("坚持讲好故事保持热度", "建设"),
    ("坚持文化内涵软硬结合", "建设"),
]

# The four areas in which Tianfu learned from Liangjiang in April 2020: a headline and the article's paragraph.
FOUR_AREAS = [
    (
        "以“国家战略赋能高质量发展”的战略眼界集成发展优势",
        "规划",
        "两江新区坚持以“国家战略赋能高质量发展”的战略眼界集成发展优势，将战略机遇转化为战略机制、战略规划、"
        "支持政策、合作项目、具体事项，切实集成战略优势，实现重大战略布局精准落地、有效转化。",
    ),
    (
        "以“领跑西部”的战略担当辐射带动区域发展",
        "产业",
        "坚持以“领跑西部”的战略担当辐射带动区域发展，不断提升辐射带动引领区域发展的水平，加快形成“服务四川带动"
        "成都的能力”，在建设成渝地区双城经济圈中发挥战略引擎作用。",
    ),
    (
        "以“跳出两江促开放”的战略格局赋能开放合作",
        "开放",
        "坚持以“跳出两江促开放”的战略格局赋能开放合作，聚焦“打造内陆开放门户”探索内陆开放新路径，面向全球配置"
        "高端资源，加快形成立体全面开放态势。",
    ),
    (
        "以“创新作为第一动力”的战略定力凝聚发展活力",
        "创新",
        "坚持以“创新作为第一动力”的战略定力凝聚发展活力，用好用活全面创新改革试验区、双创示范基地等“金字招牌”，"
        "构建创新生态链整合国内外先进要素和资源，汇聚推动高质量发展的强大动力。",
    ),
]

# The areas of the ten gaps 十条差距 the article names (the ten themselves are not published).
GAP_AREAS = [("抢抓机遇", "改革"), ("产业能级", "产业"), ("城市品牌", "建设"), ("人才体制", "人才")]
GAP_TEXT = (
    "两江新区按照“学先进、找差距”的工作思路，对比查找在抢抓机遇、产业能级、城市品牌、人才体制等方面的"
    "“十条差距”。报道只列出差距所在的方面，未载十条的具体表述，此处按方面记录。"
)


def load(loader) -> None:
    """Fill the registers of visits, lessons and gaps, and follow three lessons up with matters."""
    office = loader.users["office"]
    tf, lj = loader.regions["TF"], loader.regions["LJ"]
    fields = loader.fields
    p = loader.partnership

    with acting(office):

        def visit(**values):
            return services.create_visit(partnership=p, user=office, **values)

        visit(
            title="天府新区获批成立，两家新区开始互访",
            visiting_region=tf,
            host_region=lj,
            start_date=D(2014, 10, 20),
            level=VisitLevel.PARTY_GOVERNMENT,
            topics=[Topic.CITY, Topic.INDUSTRY],
            outcomes="两江新区成立于2010年，先是天府新区借鉴两江新区的经验做法；2014年10月天府新区获批成立，两家新区开始互访。",
            note=SOURCE + "报道只说“2014年10月”开始互访：来访方向与具体日期为示例（示例）。",
        )
        visit(
            title="签署《关于加强两省市合作共筑成渝城市群工作备忘录》",
            visiting_region=lj,
            host_region=tf,
            start_date=D(2015, 5, 21),
            level=VisitLevel.PARTY_GOVERNMENT,
            topics=[Topic.CITY, Topic.PLANNING],
            outcomes="2015年5月21日重庆和四川签署《关于加强两省市合作共筑成渝城市群工作备忘录》，这是两个新区签署的"
            "第一个文件，显示了两个国家级新区在两省市合作中被寄予厚望、赋予重托。",
            note=SOURCE + "报道未载签署地点：来访方向为示例（示例）。",
        )
        chongqing = visit(
            title="重庆市党政代表团来川考察",
            visiting_region=lj,
            host_region=tf,
            start_date=D(2019, 7, 9),
            end_date=D(2019, 7, 10),
            level=VisitLevel.PARTY_GOVERNMENT,
            head_of_delegation="重庆市党政代表团",
            topics=[Topic.CITY, Topic.INDUSTRY, Topic.TALENT, Topic.OPENING_UP, Topic.INNOVATION, Topic.GOVERNANCE],
            programme="赴成都考察学习",
            outcomes="两江新区按照“学先进、找差距”的工作思路，将赴成都考察学习的成果，提炼形成“十条真经”；同时，"
            "还对比查找在抢抓机遇、产业能级、城市品牌、人才体制等方面的“十条差距”。",
            note=SOURCE,
        )
        tianfu = visit(
            title="天府新区党政代表团赴两江新区实地考察学习",
            visiting_region=tf,
            host_region=lj,
            start_date=D(2020, 4, 23),
            level=VisitLevel.PARTY_GOVERNMENT,
            head_of_delegation="天府新区党政代表团",
            topics=[Topic.OPENING_UP, Topic.INNOVATION, Topic.INDUSTRY, Topic.GOVERNANCE],
            programme="赴两江新区实地考察学习",
            outcomes="按照成都市主要领导“虚心向两江新区学习，借鉴先进理念、科学政策、有效措施，助力天府新区建设践行"
            "新发展理念的公园城市示范区再上新台阶”的重要批示精神，代表团一行用心看、用心学、用心悟，既深刻感受两江"
            "新区的高位发展格局、高质发展水平、高速发展态势，又在发展理念、发展方式、发展路径上等“四个方面”，为天府"
            "新区的高质量发展提供了经验借鉴。",
            note=SOURCE,
        )

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
        with acting(office):
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
            for key in (lead, support):
                _report(loader, matter, key, on=D(2020, 11, 30), percent=100, text="已完成")
        with acting(leader):
            matters.change_status(
                matter, MatterStatus.COMPLETED, user=leader, reason="经联席会议确认完成（示例）", on=D(2020, 12, 15)
            )

    # Tianfu's fourth area of learning (innovation), on this year's list: a light that means something today.
    today = loader.today
    start, due = D(today.year, 1, 1), D(today.year, 12, 31)
    with acting(office):
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
            entered_on=min(today, D(today.year, 1, 20)),
            description="由经验借鉴转化的后续事项。（示例数据）",
        )
        elapsed = (today - start).days / (due - start).days
        for key, ahead in (("tf-tech", 10), ("lj-tech", 5)):
            _report(loader, matter, key, on=today, percent=min(95, round(elapsed * 100) + ahead), text="按计划推进")
        # The demo's 2020 list has a matter on the city brand: it serves the lesson "tell the story well".
        brand = Matter.objects.filter(partnership=loader.partnership, title__contains="城市品牌推介").first()
        if brand is not None:
            services.link_follow_up(lessons[8], brand, user=office, note="城市品牌宣传推介（示例）")

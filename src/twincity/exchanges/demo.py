"""The demo's secondments (干部互派), from the article and clearly marked where invented.

The article (川报观察, 30 July 2020): "在“双城办”的基础上，两地新区将在近期互派干部" and "党工委计划
互派处级实职领导干部交流任职……在工作中相互学习、相互借鉴". It names no person, unit or date: every
cadre below is invented and marked （示例）, and so are the units, terms, reports and ratings.

The first exchange (2020–2021) is history, evaluated by the hosts; a term of 2021 was cut short; the
current exchange is dated relative to the demo's today, so that one term always ends within the
dashboard's 60 days, two are serving (with their quarterly reports) and one is about to start.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from twincity.audit.context import acting
from twincity.exchanges import services
from twincity.exchanges.choices import Rank, Rating

SOURCE = (
    "来源：报道称两地新区党工委计划“互派处级实职领导干部交流任职”，在工作中相互学习、相互借鉴。"
    "人员、单位、任期、报告与考核结果均为示例。"
)


@dataclass(frozen=True)
class Spec:
    code: str
    person: str
    post: str
    host_post: str
    home: str  # unit key of the demo loader
    host: str
    objectives: str
    rank: str = Rank.DIVISION
    # Fixed dates for history; for the current exchange, days from the demo's today.
    start: dt.date | int = 0
    end: dt.date | int = 0
    cut_short: tuple[dt.date, str] | None = None
    rating: tuple[str, str] | None = None  # (rating, evaluation), given a fortnight after the last day
    reporter: str = "office"  # the demo user who files the quarterly reports


SPECS = [
    Spec(
        "HP2020-01",
        "赵某（示例）",
        "两江新区开放合作局副局长",
        "天府新区双城办副主任（挂职）",
        "lj-opening",
        "tf-office",
        "参与双城办日常运行，梳理共同对上争取事项清单，学习天府新区公园城市建设经验。",
        start=dt.date(2020, 9, 1),
        end=dt.date(2021, 8, 31),
        rating=(
            Rating.EXCELLENT,
            "挂职期间牵头梳理共同对上争取事项，推动两地联席会议机制常态化，工作成效明显。（示例）",
        ),
    ),
    Spec(
        "HP2020-02",
        "钱某（示例）",
        "天府新区战略研究局综合处处长",
        "两江新区双城办副主任（挂职）",
        "tf-strategy",
        "lj-office",
        "学习两江新区开放平台建设和招商引资经验，协助建立两地领导定期互访机制。",
        start=dt.date(2020, 9, 1),
        end=dt.date(2021, 8, 31),
        rating=(Rating.COMPETENT, "较好完成挂职任务，协助筹办两地考察互访三次。（示例）"),
    ),
    Spec(
        "HP2021-01",
        "孙某（示例）",
        "两江新区教育局基础教育处处长",
        "天府新区教育局局长助理（挂职）",
        "lj-education",
        "tf-education",
        "参与共建教育高地合作协议的落实，学习天府新区集团化办学经验。",
        start=dt.date(2021, 3, 1),
        end=dt.date(2022, 2, 28),
        cut_short=(dt.date(2021, 10, 15), "因派出单位工作需要提前召回。（示例）"),
        rating=(Rating.COMPETENT, "挂职期间完成两地教育合作项目对接，因工作需要提前结束。（示例）"),
    ),
    Spec(
        "HP-01",
        "李某（示例）",
        "两江新区市场监管局登记注册处处长",
        "天府新区市场监管局局长助理（挂职）",
        "lj-market",
        "tf-market",
        "推动国家级新区市场监管一体化合作，统一两地企业登记和信用监管规则。",
        start=-320,
        end=45,
        reporter="lj-unit",
    ),
    Spec(
        "HP-02",
        "周某（示例）",
        "天府新区科技创新局产业促进处处长",
        "两江新区科技创新局局长助理（挂职）",
        "tf-tech",
        "lj-tech",
        "学习两江新区协同创新区建设经验，对接两地科技创新平台共建共享。",
        start=-150,
        end=215,
    ),
    Spec(
        "HP-03",
        "吴某（示例）",
        "天府新区人力资源和社会保障局人才处副处长",
        "两江新区人力资源和社会保障局人才处副处长（挂职）",
        "tf-hr",
        "lj-hr",
        "对接两地人才政策，推动人力资源合作协议中的人才互认事项。",
        rank=Rank.SECTION,
        start=30,
        end=395,
    ),
]

REPORT_TEXT = "{person}本季度在{host}挂职，围绕“{objective}”开展工作，按月参加双城办例会。（示例）"


def _day(value: dt.date | int, today: dt.date) -> dt.date:
    return value if isinstance(value, dt.date) else today + dt.timedelta(days=value)


def quarter_reports(start: dt.date, last: dt.date, today: dt.date) -> list[tuple[str, dt.date]]:
    """(period, filing day) for every quarter of the term that ended by ``last`` and was reported by ``today``."""
    periods = []
    year, quarter = start.year, (start.month - 1) // 3 + 1
    while True:
        next_start = dt.date(year + quarter // 4, (quarter % 4) * 3 + 1, 1)
        quarter_end = next_start - dt.timedelta(days=1)
        filed = quarter_end + dt.timedelta(days=5)
        if quarter_end > last or filed > today:
            return periods
        periods.append((f"{year}-Q{quarter}", filed))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)


def load(loader) -> None:
    """Fill the register of secondments of the demo partnership (see the module docstring)."""
    office = loader.users["office"]
    today = loader.today
    for spec in SPECS:
        home, host = loader.units[spec.home], loader.units[spec.host]
        start, end = _day(spec.start, today), _day(spec.end, today)
        with acting(office):
            secondment = services.create_secondment(
                partnership=loader.partnership,
                user=office,
                code=spec.code,
                title=f"{home.name}派驻{host.name}",
                person_name=spec.person,
                post=spec.post,
                host_post=spec.host_post,
                rank=spec.rank,
                home_organisation=home,
                host_organisation=host,
                start_date=start,
                end_date=end,
                field=loader.fields["人才"],
                objectives=spec.objectives,
                note=SOURCE,
            )
        last = spec.cut_short[0] if spec.cut_short else end
        reporter = loader.users[spec.reporter]
        for period, filed in quarter_reports(start, last, today):
            with acting(reporter):
                services.file_report(
                    secondment,
                    user=reporter,
                    period=period,
                    reported_on=filed,
                    text=REPORT_TEXT.format(
                        person=spec.person, host=host.name, objective=spec.objectives.split("，")[0].rstrip("。")
                    ),
                )
        if spec.cut_short:
            with acting(office):
                services.cut_short(secondment, user=office, on=spec.cut_short[0], reason=spec.cut_short[1])
        if spec.rating:
            # The host evaluates: the coordinator of the host side.
            evaluator = loader.users["tf-coord" if secondment.host_side_id == loader.regions["TF"].pk else "lj-coord"]
            with acting(evaluator):
                services.evaluate(
                    secondment,
                    user=evaluator,
                    rating=spec.rating[0],
                    evaluation=spec.rating[1],
                    evaluated_on=last + dt.timedelta(days=14),
                )

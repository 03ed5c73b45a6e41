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
import tomllib
from dataclasses import dataclass
from pathlib import Path

from twincity.audit.context import acting
from twincity.exchanges import services
from twincity.exchanges.choices import Rank, Rating

# The secondments themselves (people, units, terms, ratings) are data.
DATA = tomllib.loads(Path(__file__).with_name("demo.toml").read_text(encoding="utf-8"))
SOURCE = DATA["source"]


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


def _spec(row: dict) -> Spec:
    values = dict(row)
    if "rank" in values:
        values["rank"] = Rank(values["rank"])
    if "cut_short" in values:
        values["cut_short"] = tuple(values["cut_short"])
    if "rating" in values:
        rating, evaluation = values["rating"]
        values["rating"] = (Rating(rating), evaluation)
    return Spec(**values)


SPECS = tuple(_spec(row) for row in DATA["secondment"])
REPORT_TEXT = DATA["report_text"]


def _day(value: dt.date | int, today: dt.date) -> dt.date:
    return value if isinstance(value, dt.date) else today + dt.timedelta(days=value)


def quarter_reports(start: dt.date, last: dt.date, today: dt.date) -> list[tuple[str, dt.date]]:
    """(period, filing day) for every quarter of the term that ended by ``last`` and was reported before ``today``
    (the demo's story stops the day before it is loaded)."""
    periods = []
    year, quarter = start.year, (start.month - 1) // 3 + 1
    while True:
        next_start = dt.date(year + quarter // 4, (quarter % 4) * 3 + 1, 1)
        quarter_end = next_start - dt.timedelta(days=1)
        filed = quarter_end + dt.timedelta(days=5)
        if quarter_end > last or filed >= today:
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
        # Registered a fortnight before the term began (the demo's clock dates each step: ``loader.at``).
        with acting(office), loader.at(min(start - dt.timedelta(days=14), today - dt.timedelta(days=1))):
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
            with acting(reporter), loader.at(filed):
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
            with acting(office), loader.at(spec.cut_short[0]):
                services.cut_short(secondment, user=office, on=spec.cut_short[0], reason=spec.cut_short[1])
        if spec.rating:
            # The host evaluates: the coordinator of the host side.
            evaluator = loader.users["tf-coord" if secondment.host_side_id == loader.regions["TF"].pk else "lj-coord"]
            with acting(evaluator), loader.at(min(last + dt.timedelta(days=14), today - dt.timedelta(days=1))):
                services.evaluate(
                    secondment,
                    user=evaluator,
                    rating=spec.rating[0],
                    evaluation=spec.rating[1],
                    evaluated_on=last + dt.timedelta(days=14),
                )

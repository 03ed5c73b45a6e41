"""The demo's register of joint requests: the list of 20 for 2020 (川报观察, 30 July 2020).

The article names six of the twenty requests the two areas agreed to pursue together after the
second docking meeting of 19 June 2020; the other fourteen are illustrative and say so. What
happened to them afterwards (submission, answers) is illustrative too.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

from twincity.audit.context import acting
from twincity.matters.models import Matter
from twincity.petitions import services
from twincity.petitions.models import Petition
from twincity.registers import services as registers

D = dt.date
# The twenty requests (title, field, target authority, drafting units, fate) and their notes are data.
DATA = tomllib.loads(Path(__file__).with_name("demo.toml").read_text(encoding="utf-8"))
ILLUSTRATIVE, FROM_ARTICLE, INVENTED = DATA["illustrative"], DATA["from_article"], DATA["invented"]
NAMED, OTHERS = DATA["named"], DATA["others"]


def _text(title: str, authority: str) -> str:
    return (
        f"四川天府新区、重庆两江新区联合恳请{authority}支持“{title}”。两区将共同编制实施方案，"
        "建立联合工作专班，定期向上级报告进展。"
    )


# When each step happened (the demo's clock dates it: ``loader.at``): the list was drawn up after the docking
# meeting of 19 June 2020 and published on 30 July; each side endorsed, the office submitted on 15 September.
DRAFTED_ON = D(2020, 6, 24)
ENDORSED_ON = {"TF": D(2020, 7, 6), "LJ": D(2020, 7, 8)}
WITHDRAWN_ON = D(2020, 8, 26)
SUBMITTED_ON = D(2020, 9, 15)
CONSIDERED_ON = D(2020, 10, 20)
ANSWERED_ON = D(2021, 3, 20)
LINKED_ON = D(2020, 7, 30)


def load(loader) -> None:
    office = loader.users["office"]
    tf, lj = loader.regions["TF"], loader.regions["LJ"]
    rows = [(*row, True) for row in NAMED] + [(*row, False) for row in OTHERS]
    with acting(office):
        for number, (title, field, authority, unit, fate, named) in enumerate(rows, 1):
            with loader.at(DRAFTED_ON):
                petition = services.create_petition(
                    partnership=loader.partnership,
                    user=office,
                    code=f"2020-{number:02d}",
                    year=2020,
                    title=title if named else f"{title}{ILLUSTRATIVE}",
                    field=loader.fields[field],
                    target_authority=authority,
                    drafting_units=[loader.units[f"tf-{unit}"], loader.units[f"lj-{unit}"]],
                    text=_text(title, authority),
                    note=FROM_ARTICLE if named else INVENTED,
                )
            _advance(
                petition,
                fate,
                office=office,
                tf=tf,
                lj=lj,
                coords=(loader.users["tf-coord"], loader.users["lj-coord"]),
                at=loader.at,
            )
        with loader.at(LINKED_ON):
            _link_gateway_matter(loader, office)


def _advance(petition, fate: str, *, office, tf, lj, coords, at) -> None:
    if fate == "drafting":
        return
    with at(ENDORSED_ON["TF"]):
        services.endorse(petition, user=coords[0], side=tf)
    if fate == "drafting_one":
        return
    with at(ENDORSED_ON["LJ"]):
        services.endorse(petition, user=coords[1], side=lj)
    if fate == "endorsed":
        return
    if fate == "withdrawn":
        with at(WITHDRAWN_ON):
            services.withdraw(petition, user=office, reason="经联席会议研究，改由两省市层面统一争取（示例）")
        return
    with at(SUBMITTED_ON):
        services.submit(petition, user=office, submitted_on=SUBMITTED_ON, channel="joint_letter")
    if fate == "submitted":
        return
    with at(CONSIDERED_ON):
        services.mark_under_consideration(petition, user=office)
    if fate == "considering":
        return
    answers = {
        "granted": "同意纳入试点范围，请按程序报送实施方案（示例）。",
        "partly": "原则同意部分事项，其余事项待条件成熟后研究（示例）。",
        "declined": "暂不具备设立条件，建议结合区域规划统筹考虑（示例）。",
    }
    with at(ANSWERED_ON):
        services.record_response(petition, user=office, outcome=fate, response=answers[fate], response_on=ANSWERED_ON)


def _link_gateway_matter(loader, office) -> None:
    """The gateway plan serves the 2020 matter on the inland opening gateway, if the demo list has it."""
    matter = (
        Matter.objects.filter(partnership=loader.partnership, title__contains="开放门户")
        .order_by("year", "code")
        .first()
    )
    if matter is not None:
        petition = Petition.objects.get(partnership=loader.partnership, code="2020-01")
        registers.link_matter(petition, matter, user=office, note="指导规划为该事项提供政策依据")

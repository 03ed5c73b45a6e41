"""The agreements of the demo: the seven areas in which, the article says, the departments of the two
new areas signed strategic cooperation agreements (战略合作协议):

    “在强化警务合作、川渝自贸区法院合作共建、检察协作、深化国家级新区市场监管一体化合作、人力资源合作、
    政务服务一体化发展合作、打造教育高地等多个方面签订了战略合作协议。”

What comes from the article: the seven areas and that the counterpart departments signed them. What
does not: the titles' exact wording, the numbers, signing dates, terms, signatories' posts, the
obligations, the renewal and expiry story (dated relative to ``loader.today`` so that the dashboard
always has an agreement expiring within 90 days and one past its date still marked in force), and the
follow-up matters. Each agreement's note, each obligation and each follow-up matter says so (示例).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

from django.utils import timezone

from twincity.agreements import services
from twincity.agreements.services import PartySpec
from twincity.audit.context import acting
from twincity.matters import services as matters
from twincity.matters.choices import MatterStatus
from twincity.matters.models import Matter
from twincity.registers import services as registers

D = dt.date
# The agreements themselves (code, area, title, topic, field, unit, post, signed_on, obligations) are data.
DATA = tomllib.loads(Path(__file__).with_name("demo.toml").read_text(encoding="utf-8"))
SOURCE = DATA["source"]
AGREEMENTS = DATA["agreement"]


def _terms(today: dt.date) -> dict[str, dict]:
    """Expiry of each agreement, relative to today (all illustrative)."""
    return {
        "police": {"expires_on": None},  # open-ended
        "court": {"expires_on": None},
        "procuratorate": {"expires_on": None},
        # Three years, then extended so that it now expires within the dashboard's 90 days.
        "market": {"expires_on": D(2023, 5, 14), "extend_to": today + dt.timedelta(days=45)},
        # Three years, then replaced by a renewed agreement.
        "hr": {"expires_on": D(2023, 5, 19), "successor": True},
        # Past its date and nobody has recorded the lapse or renewed it: the dashboard says so.
        "govsvc": {"expires_on": today - dt.timedelta(days=20)},
        "education": {"expires_on": today + dt.timedelta(days=300)},
    }


def load(loader) -> None:
    """Fill the register of agreements from the article (see the module docstring)."""
    office = loader.users["office"]
    today = loader.today
    terms = _terms(today)
    with acting(office):
        for row in AGREEMENTS:
            key, post, signed_on = row["unit"], row["post"], row["signed_on"]
            term = terms[key]
            expires_on = term["expires_on"]
            extend_to = term.get("extend_to")
            if extend_to and expires_on and extend_to <= expires_on:
                expires_on, extend_to = extend_to, None  # a demo dated before the first term ended
            # Registered on the day it was signed (the demo's clock dates each step: ``loader.at``).
            with loader.at(signed_on):
                agreement = services.create_agreement(
                    partnership=loader.partnership,
                    user=office,
                    code=row["code"],
                    title=row["title"],
                    topic=row["topic"],
                    field=loader.fields[row["field"]],
                    signed_on=signed_on,
                    starts_on=signed_on,
                    expires_on=expires_on,
                    note=SOURCE.format(item=row["area"]),
                    parties=_parties(loader, key, post),
                )
            if extend_to:
                with loader.at(expires_on - dt.timedelta(days=30)):  # a month before the first term ended
                    services.renew(agreement, user=office, new_expires_on=extend_to, note="经双方协商续期（示例）")
            if term.get("successor") and expires_on and expires_on < today:
                _renew_by_successor(loader, agreement, key=key, post=post)
            _link_the_articles_matter(loader, agreement, row["area"])
            for side, text, follow in row["obligations"]:
                with loader.at(signed_on):
                    obligation = services.add_obligation(
                        agreement,
                        user=office,
                        text=text,
                        organisation=loader.units[f"{side.lower()}-{key}"],
                        due_date=_due(today, follow),
                    )
                if follow:
                    _follow_up(loader, obligation)


def _parties(loader, key: str, post: str) -> list[PartySpec]:
    """The counterpart units of both sides (``tf-<key>``, ``lj-<key>``), signed by the same post."""
    return [PartySpec(loader.units[f"{side}-{key}"], signatory_post=post) for side in ("tf", "lj")]


def _due(today: dt.date, follow: bool) -> dt.date | None:
    return today + dt.timedelta(days=120) if follow else None


def _renew_by_successor(loader, old, *, key: str, post: str) -> None:
    office = loader.users["office"]
    signed_on = old.expires_on - dt.timedelta(days=9)
    with loader.at(signed_on):
        successor = _create_successor(loader, old, signed_on=signed_on, key=key, post=post)
        services.renew(old, user=office, successor=successor, note="期满续签（示例）")


def _create_successor(loader, old, *, signed_on, key: str, post: str):
    office = loader.users["office"]
    return services.create_agreement(
        partnership=loader.partnership,
        user=office,
        code=f"XY{signed_on.year}-01",
        title=f"{old.title}（续签）",
        topic=old.topic,
        field=old.field,
        signed_on=signed_on,
        starts_on=old.expires_on + dt.timedelta(days=1),
        expires_on=max(old.expires_on.replace(year=old.expires_on.year + 5), loader.today + dt.timedelta(days=400)),
        note="原协议期满续签（示例）。协议名称、签署日期和期限为示例。",
        parties=_parties(loader, key, post),
    )


def _link_the_articles_matter(loader, agreement, area: str) -> None:
    """The 2020 matter that carried the agreement out (when the matters demo made it) serves the agreement."""
    matter = Matter.objects.filter(partnership=loader.partnership, title=area).order_by("year").first()
    if matter is not None:
        # Once both the agreement and the matter were on record.
        with loader.at(max(agreement.signed_on, timezone.localdate(matter.created)) + dt.timedelta(days=3)):
            registers.link_matter(agreement, matter, user=loader.users["office"], note="落实协议的年度重点合作事项")


def _follow_up(loader, obligation) -> None:
    """The obligation becomes one of this year's matters, under way, with a first report (示例)."""
    office, today = loader.users["office"], loader.today
    sides = {side.pk: side for side in loader.partnership.sides()}
    with loader.at(today - dt.timedelta(days=60)):
        matter = _follow_up_matter(loader, obligation, sides)
    unit = obligation.organisation
    with loader.at(today - dt.timedelta(days=5)):
        matters.file_progress(
            matter,
            user=office,
            side_id=obligation.side_id,
            period=f"{today:%Y-%m}",
            text=f"{unit.short_name or unit.name}：方案已形成，正在推进（示例）。",
            percent_complete=40,
            organisation=unit,
            reported_on=today - dt.timedelta(days=5),
        )


def _follow_up_matter(loader, obligation, sides):
    office, today = loader.users["office"], loader.today
    return services.follow_up_obligation(
        obligation,
        user=office,
        year=today.year,
        status=MatterStatus.IN_PROGRESS,
        start_date=today - dt.timedelta(days=60),
        entered_on=today - dt.timedelta(days=60),
        leaders=dict.fromkeys(sides, "分管负责同志"),
        description=f"由合作协议“{obligation.agreement.title}”的协议任务转化。（示例数据）",
    )

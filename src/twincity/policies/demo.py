"""The demo's policy alignment (政策融通), from the article and, where it is silent, illustrative.

From the article (川报观察, 30 July 2020): when both new areas want the same project they used to
undercut each other (互相“杀价”); after thorough consultation they now adopt the same policy and
leave the choice to the investor — “we call this policy alignment” (政策融通). Tianfu also speaks of
strengthening strategic coordination and policy linkage (政策衔接) with Liangjiang.

Illustrative (marked “（示例）”): every policy, document number, clause and figure below. The article
names no policy document and no figure. The three groups show the three situations the office meets:
rent subsidies on the same terms (aligned, as the article describes), a land-price discount where
one side undercuts the other (flagged beyond the tolerance), and a talent-housing subsidy under
negotiation.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from twincity.audit.context import acting
from twincity.policies import services
from twincity.policies.choices import AlignmentStatus, ToleranceKind

# The policies, their clauses and the alignment groups that compare them are data.
DATA = tomllib.loads(Path(__file__).with_name("demo.toml").read_text(encoding="utf-8"))
# When the office opened the register and put the policies then in force on it; a later policy is recorded when
# it takes effect, a group once its clauses are there, the revision a few weeks before the demo's today.
REGISTER_OPENED = dt.date(2020, 9, 1)
REVISED_DAYS_AGO = 21


def _recorded_on(row: dict) -> dt.date:
    return max(row["effective_on"], REGISTER_OPENED)


def load(loader) -> None:
    """Fill the policy-alignment register of the demo partnership (see the module docstring)."""
    office = loader.users["office"]
    partnership = loader.partnership
    policies, clauses, groups = {}, {}, {}
    recorded = {row["key"]: _recorded_on(row) for row in DATA["policy"]}
    revised_on = (loader.today or timezone.localdate()) - dt.timedelta(days=REVISED_DAYS_AGO)
    with acting(office):
        for row in DATA["policy"]:
            with loader.at(recorded[row["key"]]):
                policies[row["key"]] = services.create_policy(
                    partnership=partnership,
                    user=office,
                    code=row["code"],
                    side=loader.regions[row["side"]],
                    title=row["title"],
                    field=loader.fields[row["field"]],
                    issuing_body=row["issuing_body"],
                    document_number=row["document_number"],
                    effective_on=row["effective_on"],
                    expires_on=row.get("expires_on"),
                    note="政策文件、文号和条款数值均为示例，并非官方文件。（示例）",
                )
        for row in DATA["clause"]:
            with loader.at(recorded[row["policy"]]):
                clauses[row["key"]] = services.add_clause(
                    policies[row["policy"]],
                    user=office,
                    reference=row["reference"],
                    term_name=row["term_name"],
                    value=Decimal(row["value"]),
                    unit=row["unit"],
                    qualifier=row["qualifier"],
                    text=row["text"],
                )
        clause_policy = {row["key"]: row["policy"] for row in DATA["clause"]}
        for row in DATA["group"]:
            grouped_on = max(recorded[clause_policy[key]] for key in row["clauses"]) + dt.timedelta(days=7)
            with loader.at(min(grouped_on, revised_on - dt.timedelta(days=1))):
                groups[row["code"]] = _group(loader, row, clauses)
        housing = groups["ZC-03"]

    # A later revision deepens one side's discount: the office sees the undercutting before investors do.
    lj_coord = loader.users["lj-coord"]
    land_clause = clauses["lj-land"]
    with acting(lj_coord), loader.at(revised_on):
        services.update_clause(
            land_clause,
            user=lj_coord,
            version=land_clause.version,
            value=Decimal("45"),
            text="重大产业化项目用地，出让价格按基准地价下浮45%执行。（示例：修订后下浮幅度扩大）",
        )
        housing.refresh_from_db()
        services.set_status(
            housing,
            user=lj_coord,
            status=AlignmentStatus.NEGOTIATING,
            reason="两地组织部门正在协商统一安居补贴标准，拟提交下次联席会议。（示例）",
            version=housing.version,
        )


def _group(loader, row: dict, clauses: dict):
    return services.create_group(
        partnership=loader.partnership,
        user=loader.users["office"],
        code=row["code"],
        title=row["title"],
        field=loader.fields[row["field"]],
        term_name=row["term_name"],
        unit=row["unit"],
        tolerance=Decimal(row["tolerance"]),
        tolerance_kind=ToleranceKind(row["tolerance_kind"]),
        clauses=[clauses[key] for key in row["clauses"]],
        note=row["note"],
    )

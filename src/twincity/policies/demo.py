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
from decimal import Decimal

from twincity.audit.context import acting
from twincity.policies import services
from twincity.policies.choices import AlignmentStatus, ToleranceKind

ILLUSTRATIVE = "（示例）"
ARTICLE_QUOTE = (
    "遇到双方都想要的项目，难免会有竞争，但现在双方经过充分沟通，制定了同样的政策，改变原来互相“杀价”的模式，"
    "将选择权交给市场主体，“我们将此举称之为政策融通。”（川报观察2020年7月30日，天府新区战略研究局局长高重奎）"
)

# key, side, field, title, issuing body, document number, effective, expires
POLICIES = [
    (
        "tf-industry",
        "TF",
        "产业",
        "天府新区支持产业高质量发展若干政策（示例）",
        "四川天府新区管理委员会",
        "天府新区管发〔2020〕8号（示例）",
        dt.date(2020, 7, 1),
        dt.date(2023, 6, 30),
    ),
    (
        "lj-industry",
        "LJ",
        "产业",
        "两江新区支持产业高质量发展若干政策（示例）",
        "重庆两江新区管理委员会",
        "渝两江管发〔2020〕12号（示例）",
        dt.date(2020, 7, 1),
        dt.date(2023, 6, 30),
    ),
    (
        "tf-talent",
        "TF",
        "人才",
        "天府新区高层次人才安居保障实施办法（示例）",
        "四川天府新区党工委组织部",
        "天府新区组发〔2020〕3号（示例）",
        dt.date(2020, 5, 1),
        None,
    ),
    (
        "lj-talent",
        "LJ",
        "人才",
        "两江新区高层次人才安居保障实施办法（示例）",
        "重庆两江新区党工委组织部",
        "两江组发〔2020〕5号（示例）",
        dt.date(2020, 4, 1),
        None,
    ),
]

CODES = {"tf-industry": "TF-01", "tf-talent": "TF-02", "lj-industry": "LJ-01", "lj-talent": "LJ-02"}

# key, policy key, reference, term, value, unit, qualifier, text
CLAUSES = [
    (
        "tf-rent",
        "tf-industry",
        "第五条",
        "厂房租金补贴",
        "50",
        "%",
        "前三年",
        "对新落户的制造业企业租用标准厂房的，前三年按租金的50%给予补贴。（示例）",
    ),
    (
        "lj-rent",
        "lj-industry",
        "第四条",
        "厂房租金补贴",
        "50",
        "%",
        "前三年",
        "新引进制造业企业租用标准厂房的，前三年给予租金50%的补贴。（示例）",
    ),
    (
        "tf-land",
        "tf-industry",
        "第八条",
        "工业用地出让价格优惠",
        "30",
        "%",
        "按工业用地基准地价",
        "重大产业化项目用地，出让价格可按基准地价下浮30%。（示例）",
    ),
    (
        "lj-land",
        "lj-industry",
        "第七条",
        "工业用地出让价格优惠",
        "30",
        "%",
        "按工业用地基准地价",
        "重大产业化项目用地，出让价格按基准地价下浮30%执行。（示例）",
    ),
    (
        "tf-housing",
        "tf-talent",
        "第六条",
        "人才安居补贴",
        "10",
        "万元/人",
        "博士及以上，分三年发放",
        "给予每人10万元安居补贴，分三年发放。（示例）",
    ),
    (
        "lj-housing",
        "lj-talent",
        "第五条",
        "人才安居补贴",
        "8",
        "万元/人",
        "博士及以上，分三年发放",
        "给予每人8万元安居补贴，分三年发放。（示例）",
    ),
]


def load(loader) -> None:
    """Fill the policy-alignment register of the demo partnership (see the module docstring)."""
    office = loader.users["office"]
    partnership = loader.partnership
    policies, clauses = {}, {}
    with acting(office):
        for key, side, field, title, body, number, effective, expires in POLICIES:
            policies[key] = services.create_policy(
                partnership=partnership,
                user=office,
                code=CODES[key],
                side=loader.regions[side],
                title=title,
                field=loader.fields[field],
                issuing_body=body,
                document_number=number,
                effective_on=effective,
                expires_on=expires,
                note="政策文件、文号和条款数值均为示例，并非官方文件。（示例）",
            )
        for key, policy_key, reference, term, value, unit, qualifier, text in CLAUSES:
            clauses[key] = services.add_clause(
                policies[policy_key],
                user=office,
                reference=reference,
                term_name=term,
                value=Decimal(value),
                unit=unit,
                qualifier=qualifier,
                text=text,
            )

        services.create_group(
            partnership=partnership,
            user=office,
            code="ZC-01",
            title="厂房租金补贴（前三年）",
            field=loader.fields["产业"],
            term_name="厂房租金补贴",
            unit="%",
            tolerance=Decimal("10"),
            tolerance_kind=ToleranceKind.RELATIVE,
            clauses=[clauses["tf-rent"], clauses["lj-rent"]],
            note="两地执行同样的租金补贴标准，由企业自主选择落户地。" + ARTICLE_QUOTE,
        )
        services.create_group(
            partnership=partnership,
            user=office,
            code="ZC-02",
            title="工业用地出让价格优惠",
            field=loader.fields["产业"],
            term_name="工业用地出让价格优惠",
            unit="%",
            tolerance=Decimal("5"),
            tolerance_kind=ToleranceKind.ABSOLUTE,
            clauses=[clauses["tf-land"], clauses["lj-land"]],
            note="容差为5个百分点。（示例）",
        )
        housing = services.create_group(
            partnership=partnership,
            user=office,
            code="ZC-03",
            title="高层次人才安居补贴",
            field=loader.fields["人才"],
            term_name="人才安居补贴",
            unit="万元/人",
            tolerance=Decimal("1"),
            tolerance_kind=ToleranceKind.ABSOLUTE,
            clauses=[clauses["tf-housing"], clauses["lj-housing"]],
            note="两地标准相差2万元/人，超出1万元/人的容差。（示例）",
        )

    # A later revision deepens one side's discount: the office sees the undercutting before investors do.
    lj_coord = loader.users["lj-coord"]
    land_clause = clauses["lj-land"]
    with acting(lj_coord):
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

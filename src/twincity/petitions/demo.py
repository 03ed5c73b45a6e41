"""The demo's register of joint requests: the list of 20 for 2020 (川报观察, 30 July 2020).

The article names six of the twenty requests the two areas agreed to pursue together after the
second docking meeting of 19 June 2020; the other fourteen are illustrative and say so. What
happened to them afterwards (submission, answers) is illustrative too.
"""

from __future__ import annotations

import datetime as dt

from twincity.audit.context import acting
from twincity.petitions import services
from twincity.registers import services as registers

D = dt.date
ILLUSTRATIVE = "（示例）"
FROM_ARTICLE = "出自《川报观察》2020年7月30日报道所列20项共同对上争取事项。后续报送与答复情况为示例。"
INVENTED = "示例条目：报道只提到共20项，未列出此项名称。"

# title, field, target authority, drafting units (keys without side), fate, from the article?
NAMED = [
    ("出台打造内陆开放门户指导规划", "开放", "国家发展改革委", "opening", "submitted"),
    ("开展现代服务业开放试点", "开放", "商务部", "opening", "partly"),
    ("开展经济区和行政区适度分离专项试点", "改革", "国家发展改革委", "economy", "considering"),
    ("搭建成渝地区双城经济圈精准对接东部产业转移平台", "产业", "国家发展改革委、工业和信息化部", "invest", "endorsed"),
    ("参与全国一体化大数据中心建设试点", "创新", "国家发展改革委、中央网信办", "tech", "granted"),
    (
        "布局国家重大战备能源和应急物资调度基地",
        "基础设施",
        "国家发展改革委、国家粮食和物资储备局",
        "economy",
        "endorsed",
    ),
]
OTHERS = [
    ("共建西部陆海新通道重要节点", "开放", "国家发展改革委", "opening", "endorsed"),
    ("联合申报国家级人力资源服务产业园", "人才", "人力资源社会保障部", "hr", "declined"),
    ("共建成渝科技创新走廊重大平台", "创新", "科技部", "tech", "endorsed"),
    ("争取设立跨区域知识产权保护中心", "创新", "国家知识产权局", "market", "drafting_one"),
    ("争取综合保税区政策叠加", "开放", "海关总署", "opening", "drafting_one"),
    ("共建国家级新区高质量发展示范", "改革", "国家发展改革委", "economy", "endorsed"),
    ("联合开展营商环境创新试点", "改革", "国务院办公厅", "govsvc", "endorsed"),
    ("争取区域性国际会展中心布局", "开放", "商务部", "invest", "withdrawn"),
    ("共建双城经济圈人才发展示范区", "人才", "中央组织部人才工作局", "organisation", "drafting"),
    ("争取跨省域政务服务通办试点", "公共服务", "国务院办公厅电子政务办公室", "govsvc", "endorsed"),
    ("联合申报国家教育综合改革试验区", "公共服务", "教育部", "education", "drafting"),
    ("争取国土空间规划协同编制试点", "规划", "自然资源部", "planning", "endorsed"),
    ("共同争取重大交通基础设施项目纳入国家规划", "基础设施", "国家发展改革委、交通运输部", "planning", "endorsed"),
    ("争取金融开放创新试点", "开放", "中国人民银行", "economy", "drafting"),
]


def _text(title: str, authority: str) -> str:
    return (
        f"四川天府新区、重庆两江新区联合恳请{authority}支持“{title}”。两区将共同编制实施方案，"
        "建立联合工作专班，定期向上级报告进展。"
    )


def load(loader) -> None:
    office = loader.users["office"]
    tf, lj = loader.regions["TF"], loader.regions["LJ"]
    rows = [(*row, True) for row in NAMED] + [(*row, False) for row in OTHERS]
    with acting(office):
        for number, (title, field, authority, unit, fate, named) in enumerate(rows, 1):
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
                petition, fate, office=office, tf=tf, lj=lj, coords=(loader.users["tf-coord"], loader.users["lj-coord"])
            )
        _link_gateway_matter(loader, office)


def _advance(petition, fate: str, *, office, tf, lj, coords) -> None:
    if fate == "drafting":
        return
    services.endorse(petition, user=coords[0], side=tf)
    if fate == "drafting_one":
        return
    services.endorse(petition, user=coords[1], side=lj)
    if fate == "endorsed":
        return
    if fate == "withdrawn":
        services.withdraw(petition, user=office, reason="经联席会议研究，改由两省市层面统一争取（示例）")
        return
    services.submit(petition, user=office, submitted_on=D(2020, 9, 15), channel="joint_letter")
    if fate == "submitted":
        return
    services.mark_under_consideration(petition, user=office)
    if fate == "considering":
        return
    answers = {
        "granted": "同意纳入试点范围，请按程序报送实施方案（示例）。",
        "partly": "原则同意部分事项，其余事项待条件成熟后研究（示例）。",
        "declined": "暂不具备设立条件，建议结合区域规划统筹考虑（示例）。",
    }
    services.record_response(petition, user=office, outcome=fate, response=answers[fate], response_on=D(2021, 3, 20))


def _link_gateway_matter(loader, office) -> None:
    """The gateway plan serves the 2020 matter on the inland opening gateway, if the demo list has it."""
    from twincity.matters.models import Matter
    from twincity.petitions.models import Petition

    matter = (
        Matter.objects.filter(partnership=loader.partnership, title__contains="开放门户")
        .order_by("year", "code")
        .first()
    )
    if matter is not None:
        petition = Petition.objects.get(partnership=loader.partnership, code="2020-01")
        registers.link_matter(petition, matter, user=office, note="指导规划为该事项提供政策依据")

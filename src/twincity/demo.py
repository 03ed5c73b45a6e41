"""The demo that ships with the product: the Tianfu–Liangjiang partnership described in the article
the product is built from (川报观察 / Sichuan Daily, 30 July 2020, kept beside the domain brief).

What comes from the article: the two new areas, the leading groups and their joint office (双城办 /
开放门户办), the strategic research bureau and its director 高重奎, the departments that signed
cooperation agreements (police, free-trade-zone courts, procuratorates, market supervision, human
resources, government services, education), Chengdu Science City and the Chengdu Supercomputing Center,
the six named joint requests, the cadre exchange, the leadership visits, the monthly joint meetings,
policy alignment (政策融通) and differentiated siting (错位发展).

What does not: lead units beyond those, responsible leaders (given as posts, never as names), dates,
milestones, percentages and statuses. Every matter says so in its description (``（示例数据）``) and the
invented enterprises carry ``示例企业`` in their names. Nothing here is an official statistic.

Everything is written through the services (``matters.services``, ``accounts.services``) inside
``audit.context.acting`` so that the audit log reads like the office's history. The 2020 and 2021 lists
are history (finished or rolled over); the current year's list is dated relative to today so that the
dashboard always shows a mix of green, yellow and red lights and work due in the coming weeks.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from twincity.accounts.choices import Role
from twincity.accounts.services import add_membership
from twincity.audit.context import acting
from twincity.matters import services
from twincity.matters.choices import MatterStatus, OwnerRole
from twincity.matters.models import Matter
from twincity.matters.services import OwnerSpec
from twincity.regions.choices import DEFAULT_FIELDS, MeetingCadence, OrganisationKind
from twincity.regions.models import CounterpartPair, Field, Organisation, Partnership, PartnershipRegion, Region

DEMO_PASSWORD = "tianfu-liangjiang-2020"  # demo only: printed by the command and written in the README
PARTNERSHIP_NAME = "天府新区—两江新区合作机制"
ILLUSTRATIVE = "（示例数据：牵头单位、负责人、时间节点、进度和状态为演示而设，并非官方统计。）"

D = dt.date

# --------------------------------------------------------------------------------------------------
# The partnership, its two sides and its units
# --------------------------------------------------------------------------------------------------

PARTNERSHIP = {
    "name": PARTNERSHIP_NAME,
    "name_en": "Tianfu–Liangjiang New Area Partnership",
    "short_name": "天府—两江",
    # The article says only that the office was "newly set up this year" (2020); the day is illustrative.
    "established_on": D(2020, 3, 1),
    "meeting_cadence": MeetingCadence.MONTHLY,
    "description": (
        "2020年1月3日召开的中央财经委员会第六次会议明确提出，推动成渝地区双城经济圈建设。此后，四川天府新区"
        "和重庆两江新区分别成立“打造内陆开放门户，助力成渝地区双城经济圈建设”领导小组，由新区党工委书记担任"
        "组长，定期召开联席会议。领导小组下设办公室（简称“双城办”或“开放门户办”），从各部门抽调10多人专人"
        "专班推进日常工作，每月在两地轮开一次联席会议。2020年6月19日，两地“双城办”召开第二次对接会议。\n"
        "办公室的主要职责：建立两地领导定期互访机制；推动部门、街道、产业功能区和市场主体间的全方位合作对接"
        "机制；滚动推进年度重点合作事项，推动合作制度化长效化。\n"
        "（以上据川报观察2020年7月30日报道；成立日期为示例，报道仅称“今年新成立”。）"
    ),
}

REGIONS = [
    # code, name, name_en, short name, rotation order
    ("TF", "四川天府新区", "Sichuan Tianfu New Area", "天府", 1),
    ("LJ", "重庆两江新区", "Chongqing Liangjiang New Area", "两江", 2),
]

REGISTER_APPS = ("petitions", "agreements", "visits", "exchanges", "policies", "siting")

GROUP_NAME = "“打造内陆开放门户，助力成渝地区双城经济圈建设”领导小组"

# Units that exist on both sides and work as counterparts (对口单位):
# key, kind, Chinese name after the area's name, English name, short name.
PAIRED_UNITS = [
    ("group", OrganisationKind.LEADERSHIP_GROUP, GROUP_NAME, "Leading Group", "领导小组"),
    ("office", OrganisationKind.JOINT_OFFICE, "双城办（开放门户办）", "Twin-City Office", "双城办"),
    ("police", OrganisationKind.DEPARTMENT, "公安分局", "Public Security Sub-bureau", "公安分局"),
    ("procuratorate", OrganisationKind.DEPARTMENT, "检察院", "Procuratorate", "检察院"),
    ("market", OrganisationKind.DEPARTMENT, "市场监管局", "Market Supervision Bureau", "市场监管局"),
    ("hr", OrganisationKind.DEPARTMENT, "人力资源和社会保障局", "Human Resources and Social Security Bureau", "人社局"),
    ("govsvc", OrganisationKind.DEPARTMENT, "政务服务中心", "Government Services Centre", "政务服务中心"),
    ("education", OrganisationKind.DEPARTMENT, "教育局", "Education Bureau", "教育局"),
    ("organisation", OrganisationKind.DEPARTMENT, "党工委组织部", "Organisation Department", "组织部"),
    ("invest", OrganisationKind.DEPARTMENT, "投资促进局", "Investment Promotion Bureau", "投资促进局"),
    ("economy", OrganisationKind.DEPARTMENT, "经济运行局", "Economic Affairs Bureau", "经济运行局"),
    ("tech", OrganisationKind.DEPARTMENT, "科技创新局", "Science and Innovation Bureau", "科技创新局"),
    ("opening", OrganisationKind.DEPARTMENT, "开放合作局", "Opening-up and Cooperation Bureau", "开放合作局"),
    ("planning", OrganisationKind.DEPARTMENT, "规划建设局", "Planning and Construction Bureau", "规划建设局"),
]
AREA_PREFIX = {"TF": "天府新区", "LJ": "两江新区"}
AREA_PREFIX_EN = {"TF": "Tianfu New Area", "LJ": "Liangjiang New Area"}

# Units on one side only, or whose names are not built from the area's name:
# key, side, kind, name, English name, short name, contact person, parent key.
OTHER_UNITS = [
    (
        "tf-court",
        "TF",
        OrganisationKind.DEPARTMENT,
        "四川自贸区法院",
        "Sichuan Free Trade Zone Court",
        "川自贸区法院",
        "",
        "",
    ),
    (
        "lj-court",
        "LJ",
        OrganisationKind.DEPARTMENT,
        "重庆自贸区法院",
        "Chongqing Free Trade Zone Court",
        "渝自贸区法院",
        "",
        "",
    ),
    # 高重奎 is named in the article as director of the bureau.
    (
        "tf-strategy",
        "TF",
        OrganisationKind.DEPARTMENT,
        "天府新区战略研究局",
        "Tianfu New Area Strategic Research Bureau",
        "战略研究局",
        "高重奎（局长）",
        "",
    ),
    ("tf-science-city", "TF", OrganisationKind.FUNCTION_ZONE, "成都科学城", "Chengdu Science City", "科学城", "", ""),
    (
        "tf-supercomputing",
        "TF",
        OrganisationKind.MARKET_ENTITY,
        "成都超级计算中心",
        "Chengdu Supercomputing Center",
        "成都超算中心",
        "",
        "tf-science-city",
    ),
    (
        "lj-innovation-zone",
        "LJ",
        OrganisationKind.FUNCTION_ZONE,
        "两江协同创新区",
        "Liangjiang Collaborative Innovation Zone",
        "协同创新区",
        "",
        "",
    ),
    ("tf-huayang", "TF", OrganisationKind.SUBDISTRICT, "华阳街道", "Huayang Subdistrict", "华阳街道", "", ""),
    ("lj-lijia", "LJ", OrganisationKind.SUBDISTRICT, "礼嘉街道", "Lijia Subdistrict", "礼嘉街道", "", ""),
    (
        "tf-enterprise",
        "TF",
        OrganisationKind.MARKET_ENTITY,
        "天府示例数字科技有限公司（示例企业）",
        "Tianfu Example Digital Tech Co. (illustrative)",
        "示例企业甲",
        "",
        "tf-science-city",
    ),
    (
        "lj-enterprise",
        "LJ",
        OrganisationKind.MARKET_ENTITY,
        "两江示例智能制造有限公司（示例企业）",
        "Liangjiang Example Smart Manufacturing Co. (illustrative)",
        "示例企业乙",
        "",
        "lj-innovation-zone",
    ),
    (
        "lj-logistics",
        "LJ",
        OrganisationKind.MARKET_ENTITY,
        "两江示例供应链管理有限公司（示例企业）",
        "Liangjiang Example Supply Chain Co. (illustrative)",
        "示例企业丙",
        "",
        "",
    ),
]

EXTRA_PAIRS = [
    ("tf-court", "lj-court", "川渝自贸区法院合作共建"),
    ("tf-huayang", "lj-lijia", "街道结对（示例）"),
    ("tf-science-city", "lj-innovation-zone", "产业功能区对接（示例）"),
    ("tf-strategy", "lj-office", "对标研究与对上争取"),
]

# --------------------------------------------------------------------------------------------------
# People: one demo account per persona (the same personas the tests speak of)
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Persona:
    username: str
    label: str  # shown as the user's name
    role: str | None
    region: str | None = None
    unit: str | None = None
    title: str = ""


PERSONAS = [
    Persona("office", "双城办工作人员（演示）", Role.OFFICE_ADMIN, "TF", "tf-office", "双城办专班工作人员"),
    Persona("tf-coord", "天府新区协调员（演示）", Role.REGION_COORDINATOR, "TF", None, "天府新区双城办联络员"),
    Persona("lj-coord", "两江新区协调员（演示）", Role.REGION_COORDINATOR, "LJ", None, "两江新区双城办联络员"),
    Persona("tf-unit", "天府新区市场监管局联络员（演示）", Role.UNIT_CONTACT, None, "tf-market", "市场监管局联络员"),
    Persona("lj-unit", "两江新区市场监管局联络员（演示）", Role.UNIT_CONTACT, None, "lj-market", "市场监管局联络员"),
    Persona("leader", "领导小组办公室负责同志（演示）", Role.LEADER, None, None, "领导小组办公室主任"),
    Persona("auditor", "监督检查人员（演示）", Role.AUDITOR, None, None, "纪检监督"),
    Persona("outsider", "无权限用户（演示）", None),
]
USERNAMES = tuple(p.username for p in PERSONAS)
# Units whose reports their own contact files (others are filed by the side's coordinator).
UNIT_REPORTERS = {"tf-market": "tf-unit", "lj-market": "lj-unit"}

# --------------------------------------------------------------------------------------------------
# The matters
# --------------------------------------------------------------------------------------------------

JOINT_REQUEST = "来源：报道所列两地共同确定的20项对上争取事项之一：“{item}”。"
AGREEMENT = "来源：报道称两个新区各部门在“{item}”等方面签订了战略合作协议。"


@dataclass(frozen=True)
class Spec:
    """One matter of the 2020 or 2021 list (history)."""

    field: str
    title: str
    goal: str
    basis: str
    tf: tuple[str, ...]  # unit keys, lead first
    lj: tuple[str, ...]
    start: dt.date
    due: dt.date
    steps: tuple[str | tuple[str, dt.date], ...]  # a (title, day) pair where the article dates the step
    notes: tuple[str, ...]
    fate: str = "completed"  # completed | rolled | suspended
    # What happens on the 2021 list to a matter rolled over from 2020.
    reason: str = ""
    due_2021: dt.date | None = None
    steps_2021: tuple[str, ...] = ()
    notes_2021: tuple[str, ...] = ()
    fate_2021: str = "completed"  # completed | rolled (into the current year)


LIST_2020 = [
    # --- the six joint requests named in the article ---
    Spec(
        "规划",
        "共同争取出台打造内陆开放门户指导规划",
        "联合形成争取报告，争取国家层面出台打造内陆开放门户指导规划。",
        JOINT_REQUEST.format(item="出台打造内陆开放门户指导规划"),
        ("tf-office", "tf-strategy"),
        ("lj-office",),
        D(2020, 6, 19),
        D(2020, 11, 30),
        ("联合起草争取报告", "两地领导小组审定", "联合上报"),
        ("梳理对上争取事项清单，明确起草分工", "争取报告初稿完成，征求两地部门意见", "报告经领导小组审定后联合上报"),
    ),
    Spec(
        "开放",
        "共同争取开展现代服务业开放试点",
        "共同研究现代服务业开放试点方案，联合争取国家支持。",
        JOINT_REQUEST.format(item="开展现代服务业开放试点"),
        ("tf-opening",),
        ("lj-opening",),
        D(2020, 6, 19),
        D(2020, 12, 31),
        ("开展现代服务业开放现状调研", "形成试点方案建议稿", "联合上报试点申请"),
        ("完成两地现代服务业开放情况调研", "试点方案建议稿形成，正在征求行业主管部门意见"),
        fate="rolled",
        reason="试点申请已形成，需待上级部门反馈后继续跟进。",
        due_2021=D(2021, 9, 30),
        steps_2021=("联合上报试点申请", "跟进上级部门反馈意见"),
        notes_2021=("试点申请已联合上报", "根据反馈意见修改完善方案并完成再次报送"),
    ),
    Spec(
        "改革",
        "共同争取开展经济区和行政区适度分离专项试点",
        "探索经济区与行政区适度分离的体制机制，联合争取纳入专项试点。",
        JOINT_REQUEST.format(item="开展经济区和行政区适度分离专项试点"),
        ("tf-strategy", "tf-office"),
        ("lj-office",),
        D(2020, 7, 1),
        D(2020, 12, 31),
        ("形成专题研究报告", "提出试点事项清单", "联合上报试点建议"),
        ("专题研究启动，梳理统计分算、利益共享等难点", "研究报告初稿完成"),
        fate="rolled",
        reason="涉及统计分算、财税分享等深层次体制问题，需跨年度持续推进。",
        due_2021=D(2021, 12, 31),
        steps_2021=("提出试点事项清单", "联合上报试点建议"),
        notes_2021=("试点事项清单形成初稿", "试点建议已联合上报，等待批复"),
        fate_2021="rolled",
    ),
    Spec(
        "产业",
        "共同争取搭建成渝地区双城经济圈精准对接东部产业转移平台",
        "联合争取搭建精准对接东部产业转移的平台，共同承接产业转移。",
        JOINT_REQUEST.format(item="搭建成渝地区双城经济圈精准对接东部产业转移平台"),
        ("tf-invest",),
        ("lj-invest",),
        D(2020, 6, 19),
        D(2020, 12, 15),
        ("梳理东部产业转移重点方向", "形成平台建设方案", "联合上报"),
        ("完成重点产业转移方向梳理", "平台建设方案经双城办审议", "平台建设方案已联合上报"),
    ),
    Spec(
        "基础设施",
        "共同争取参与全国一体化大数据中心建设试点",
        "发挥两地算力与数据资源优势，联合争取参与全国一体化大数据中心建设试点。",
        JOINT_REQUEST.format(item="参与全国一体化大数据中心建设试点"),
        ("tf-tech", "tf-supercomputing"),
        ("lj-tech",),
        D(2020, 6, 19),
        D(2020, 12, 31),
        ("摸清两地数据中心与算力资源底数", "形成联合申报材料", "联合上报"),
        ("两地数据中心与算力资源清单汇总完成", "联合申报材料起草中"),
        fate="rolled",
        reason="申报窗口顺延至下一年度，继续准备联合申报材料。",
        due_2021=D(2021, 6, 30),
        steps_2021=("联合上报申报材料",),
        notes_2021=("申报材料完成会签", "申报材料已联合上报"),
    ),
    Spec(
        "基础设施",
        "共同争取布局国家重大战备能源和应急物资调度基地",
        "联合论证战备能源和应急物资调度基地布局，争取国家布局。",
        JOINT_REQUEST.format(item="布局国家重大战备能源和应急物资调度基地"),
        ("tf-economy",),
        ("lj-economy",),
        D(2020, 7, 1),
        D(2020, 12, 31),
        ("开展选址与需求论证", "形成联合争取报告"),
        ("启动选址与需求论证",),
        fate="suspended",
        reason="待上级部门统一部署后再推进，暂缓。",
    ),
    # --- the seven department agreements ---
    Spec(
        "公共服务",
        "强化警务合作",
        "落实两地公安部门战略合作协议，建立跨区域警务协作机制。",
        AGREEMENT.format(item="强化警务合作"),
        ("tf-police",),
        ("lj-police",),
        D(2020, 5, 1),
        D(2020, 10, 31),
        ("签订警务合作协议", "建立案件协查与信息通报机制"),
        ("警务合作协议签订", "协查与通报机制建立并试运行", "机制运行平稳，转入常态化"),
    ),
    Spec(
        "开放",
        "川渝自贸区法院合作共建",
        "推动两地自贸区法院在审判、调研和人才培养方面合作共建。",
        AGREEMENT.format(item="川渝自贸区法院合作共建"),
        ("tf-court",),
        ("lj-court",),
        D(2020, 5, 1),
        D(2020, 11, 30),
        ("签订合作共建协议", "建立类案研讨与法官交流机制"),
        ("合作共建协议签订", "首次类案联合研讨举行", "法官交流机制建立"),
    ),
    Spec(
        "改革",
        "检察协作",
        "落实两地检察机关协作协议，在线索移送、办案协作等方面加强配合。",
        AGREEMENT.format(item="检察协作"),
        ("tf-procuratorate",),
        ("lj-procuratorate",),
        D(2020, 5, 1),
        D(2020, 10, 31),
        ("签订检察协作协议", "建立联络员与线索移送机制"),
        ("检察协作协议签订", "联络员机制建立", "线索移送与办案协作机制运行"),
    ),
    Spec(
        "改革",
        "深化国家级新区市场监管一体化合作",
        "推动两地市场准入、监管执法和信用监管一体化。",
        AGREEMENT.format(item="深化国家级新区市场监管一体化合作"),
        ("tf-market",),
        ("lj-market",),
        D(2020, 5, 15),
        D(2020, 12, 31),
        ("签订市场监管一体化合作协议", "建立执法协作与信息共享机制", "实现企业登记信息互查"),
        ("合作协议签订", "执法协作机制建立，信息共享清单形成", "企业登记信息互查系统对接中"),
        fate="rolled",
        reason="企业登记信息互查涉及两地系统对接，需延续至下一年度完成。",
        due_2021=D(2021, 6, 30),
        steps_2021=("完成登记信息互查系统对接",),
        notes_2021=("系统接口联调完成", "企业登记信息互查上线运行"),
    ),
    Spec(
        "人才",
        "人力资源合作",
        "推动两地人力资源市场互通、人才信息共享和社保服务协同。",
        AGREEMENT.format(item="人力资源合作"),
        ("tf-hr",),
        ("lj-hr",),
        D(2020, 5, 15),
        D(2020, 12, 31),
        ("签订人力资源合作协议", "联合举办人才招聘活动", "建立人才信息共享机制"),
        ("合作协议签订", "首场联合招聘活动举办", "人才信息共享方案起草中"),
        fate="rolled",
        reason="人才信息共享机制尚未建立，继续推进。",
        due_2021=D(2021, 6, 30),
        steps_2021=("建立人才信息共享机制",),
        notes_2021=("共享方案经两地会签", "人才信息共享机制建立"),
    ),
    Spec(
        "公共服务",
        "政务服务一体化发展合作",
        "推动两地政务服务事项同标准办理、异地可办。",
        AGREEMENT.format(item="政务服务一体化发展合作"),
        ("tf-govsvc",),
        ("lj-govsvc",),
        D(2020, 5, 15),
        D(2020, 12, 15),
        ("签订政务服务一体化合作协议", "梳理异地可办事项清单", "开设异地通办窗口"),
        ("合作协议签订", "异地可办事项清单形成", "异地通办窗口开通"),
    ),
    Spec(
        "公共服务",
        "打造教育高地",
        "推动两地学校结对、教师交流和优质教育资源共享。",
        AGREEMENT.format(item="打造教育高地"),
        ("tf-education",),
        ("lj-education",),
        D(2020, 5, 15),
        D(2020, 12, 15),
        ("签订教育合作协议", "首批学校结对"),
        ("合作协议签订", "首批结对学校名单确定", "结对学校开展交流活动"),
    ),
    # --- the office's own mechanisms ---
    Spec(
        "人才",
        "互派处级实职领导干部交流任职",
        "两地党工委互派处级实职领导干部交流任职，面对面互学互鉴。",
        "来源：报道称“党工委计划互派处级实职领导干部交流任职”，推动干部交流互动、场景式互学互鉴是合作的主要事项之一。",
        ("tf-organisation",),
        ("lj-organisation",),
        D(2020, 7, 1),
        D(2020, 10, 31),
        ("确定互派岗位与人选", "干部到岗"),
        ("互派岗位确定", "人选考察完成", "首批互派干部到岗"),
    ),
    Spec(
        "改革",
        "建立两地领导定期互访机制",
        "把考察互访从节点性安排变为定期机制。",
        "来源：报道所列办公室主要职责之一：“建立两地领导定期互访机制”；2020年4月23日天府新区党政代表团赴两江新区考察学习。",
        ("tf-office",),
        ("lj-office",),
        D(2020, 4, 23),
        D(2020, 9, 30),
        ("形成互访机制方案", "领导小组审定"),
        ("互访机制方案起草", "方案经领导小组审定印发"),
    ),
    Spec(
        "改革",
        "联席会议每月在两地轮开",
        "办公室每月在两地轮开一次联席会议，议定事项滚动督办。",
        "来源：报道称办公室“每月在两地轮开一次联席会议”；6月19日召开第二次对接会议。",
        ("tf-office",),
        ("lj-office",),
        D(2020, 5, 1),
        D(2020, 12, 31),
        (("召开第二次对接会议", D(2020, 6, 19)), "建立议定事项督办台账"),
        ("第二次对接会议召开，初步梳理共同对上争取事项清单", "督办台账建立", "全年联席会议按月召开"),
    ),
    Spec(
        "改革",
        "推动部门、街道、产业功能区和市场主体间全方位合作对接",
        "建立部门、街道、产业功能区、市场主体四个层面的对口对接机制。",
        "来源：报道所列办公室主要职责之一：“推动部门、街道、产业功能区和市场主体间的全方位合作对接机制”。",
        ("tf-office", "tf-huayang", "tf-science-city"),
        ("lj-office", "lj-lijia", "lj-innovation-zone"),
        D(2020, 6, 19),
        D(2020, 12, 15),
        ("确定对口单位名单", "各层面首次对接"),
        ("对口单位名单确定", "部门、街道、产业功能区首次对接完成", "市场主体对接活动举办"),
    ),
    Spec(
        "创新",
        "成都超级计算中心落户成都科学城",
        "按“你急需的放在你那里，我急需的放在我这里”的原则，推动大数据平台落户成都科学城。",
        "来源：报道称成都科学城需要布局大数据平台，两江新区已有多个类似平台，经各方协商，"
        "该平台顺利落户成都科学城，即“成都超级计算中心”。",
        ("tf-science-city", "tf-supercomputing"),
        ("lj-tech",),
        D(2020, 3, 1),
        D(2020, 9, 30),
        ("两地协商布局方案", "项目落地"),
        ("两地就平台布局充分协商", "确定布局于成都科学城", "项目落地推进"),
    ),
    Spec(
        "产业",
        "政策融通：统一招商政策，改变互相“杀价”模式",
        "遇到双方都想要的项目，制定同样的政策，把选择权交给市场主体。",
        "来源：报道称双方经过充分沟通，制定了同样的政策，改变原来互相“杀价”的模式，将选择权交给市场主体，"
        "“我们将此举称之为政策融通”。",
        ("tf-invest", "tf-market"),
        ("lj-invest",),
        D(2020, 4, 1),
        D(2020, 8, 31),
        ("比对两地招商政策条款", "形成统一政策口径"),
        ("两地招商政策逐条比对完成", "统一政策口径形成并执行"),
    ),
    Spec(
        "产业",
        "差异化产业生态补缺，错位发展",
        "在产业同质的领域达成布局共识，实行错位发展、融合发展。",
        "来源：报道称两地已就未来的产业布局达成一定共识，实行差异化产业生态补缺，"
        "“你急需的，放在你那里，我急需的，放在我这里”。",
        ("tf-economy",),
        ("lj-economy",),
        D(2020, 5, 1),
        D(2020, 11, 30),
        ("梳理两地同质化产业清单", "形成错位布局共识"),
        ("同质化产业清单梳理完成", "错位布局原则经联席会议议定"),
    ),
    Spec(
        "产业",
        "共同培育主导产业，共建产业生态圈",
        "共同培育做大两地都需要发展的主导产业，在成渝经济圈内部形成完整的产业链、价值链、创新链和物流链。",
        "来源：报道称“理想的状态是构建一个微循环系统，在成渝经济圈内部形成完整的产业链条、价值链条、创新链条和物流链条”。",
        ("tf-economy", "tf-enterprise"),
        ("lj-economy", "lj-enterprise"),
        D(2020, 6, 19),
        D(2020, 12, 31),
        ("梳理主导产业链图谱", "建立产业链配套清单", "组织企业供需对接"),
        ("产业链图谱梳理完成", "配套清单编制中"),
        fate="rolled",
        reason="产业生态圈共建是长期任务，转入下一年度滚动推进。",
        due_2021=D(2021, 12, 31),
        steps_2021=("建立产业链配套清单", "组织企业供需对接"),
        notes_2021=("配套清单完成", "举办两场企业供需对接会"),
        fate_2021="rolled",
    ),
    Spec(
        "基础设施",
        "发挥多式联运优势，协同打造开放通道",
        "发挥两地多式联运、通达世界的能力，推动物流通道和信息协同。",
        "来源：报道称两个新区正从开放腹地转向开放前沿，都拥有多式联运、通达世界的能力。",
        ("tf-opening",),
        ("lj-opening", "lj-logistics"),
        D(2020, 6, 19),
        D(2020, 12, 15),
        ("梳理两地多式联运通道", "形成通道协同方案"),
        ("通道梳理完成", "协同方案经双城办审议", "协同方案印发"),
    ),
    Spec(
        "规划",
        "构建高质量发展指标体系和绩效评价体系",
        "加快形成推动高质量发展的指标体系、政策体系、标准体系、统计体系、绩效评价和政策考核体系。",
        "来源：报道称互学互鉴有助于天府新区加快形成推动高质量发展的指标体系、政策体系、标准体系、统计体系、"
        "绩效评价和政策考核体系。",
        ("tf-strategy",),
        ("lj-office",),
        D(2020, 6, 19),
        D(2020, 12, 31),
        ("形成指标体系框架", "完成首轮测算"),
        ("指标体系框架起草", "指标体系框架经两地审议", "首轮测算完成"),
    ),
    Spec(
        "创新",
        "用好全面创新改革试验区、双创示范基地，共建创新生态链",
        "互学用好“金字招牌”的经验，整合国内外先进要素和资源。",
        "来源：报道称两江新区用好用活全面创新改革试验区、双创示范基地等“金字招牌”，构建创新生态链。",
        ("tf-tech",),
        ("lj-tech",),
        D(2020, 6, 1),
        D(2020, 12, 15),
        ("互访交流创新改革经验", "形成创新生态链合作清单"),
        ("经验交流会举办", "合作清单形成"),
    ),
    Spec(
        "建设",
        "交流公园城市建设经验",
        "交流天府新区公园城市新范式的实践，推动两地城市建设互学互鉴。",
        "来源：报道称天府新区正在彰显公园城市新范式、产业新业态、开放新高地、交通新格局等独特优势。",
        ("tf-planning",),
        ("lj-planning",),
        D(2020, 6, 1),
        D(2020, 11, 30),
        ("现场考察交流", "形成经验借鉴清单"),
        ("两江新区规划建设部门来天府新区现场考察", "经验借鉴清单形成"),
    ),
    Spec(
        "建设",
        "讲好新区故事，联合开展城市品牌推介",
        "针对“城市品牌”方面的差距，联合开展新区品牌推介。",
        "来源：报道称两江新区查找了城市品牌等方面的“十条差距”，“十条真经”之一为“坚持讲好故事保持热度”。",
        ("tf-opening",),
        ("lj-opening",),
        D(2020, 7, 1),
        D(2020, 12, 15),
        ("制定联合推介方案", "举办联合推介活动"),
        ("推介方案制定", "联合推介活动举办"),
    ),
    Spec(
        "改革",
        "“向对方学什么”：对标学习成果转化",
        "把两江新区“十条真经”和天府新区考察学习的“四个方面”转化为具体举措。",
        "来源：报道称两地新区的领导都给班子成员出了命题作文“向对方学什么”；两江新区提炼形成“十条真经”，"
        "天府新区代表团于2020年4月23日赴两江新区考察学习。",
        ("tf-strategy",),
        ("lj-office",),
        D(2020, 4, 23),
        D(2020, 10, 31),
        ("形成学习成果报告", "分解转化举措"),
        ("学习成果报告形成", "转化举措分解到部门"),
    ),
    Spec(
        "人才",
        "人才体制对标，推动人才服务互认",
        "针对“人才体制”方面的差距，对标两地人才政策，推动人才服务互认。",
        "来源：报道称两江新区对比查找了在人才体制等方面的“十条差距”。",
        ("tf-hr", "tf-organisation"),
        ("lj-hr",),
        D(2020, 7, 1),
        D(2020, 12, 15),
        ("比对两地人才政策", "形成人才服务互认清单"),
        ("人才政策比对完成", "互认清单形成"),
    ),
    Spec(
        "规划",
        "两地新区规划对接",
        "在统一谋划、一体部署上加强规划衔接。",
        "来源：报道称天府新区全面加强与两江新区的战略协同、政策衔接和工作对接，初步做到统一谋划、一体部署、"
        "相互协作、共同实施。",
        ("tf-planning",),
        ("lj-planning",),
        D(2020, 6, 19),
        D(2020, 12, 15),
        ("交换规划成果", "形成规划衔接事项清单"),
        ("规划成果交换完成", "衔接事项清单形成"),
    ),
    Spec(
        "开放",
        "面向全球配置高端资源，联合开展投资推介",
        "以“跳出两江促开放”的格局，联合面向全球开展投资推介。",
        "来源：报道称两江新区坚持以“跳出两江促开放”的战略格局赋能开放合作，面向全球配置高端资源。",
        ("tf-invest", "tf-enterprise"),
        ("lj-invest",),
        D(2020, 7, 1),
        D(2020, 12, 15),
        ("制定联合推介计划", "举办线上联合推介会"),
        ("推介计划制定", "线上联合推介会举办"),
    ),
]

LIST_2021_NEW = [
    Spec(
        "公共服务",
        "政务服务“川渝通办”首批事项落地",
        "首批通办事项在两地新区政务服务中心落地。",
        "由2020年“政务服务一体化发展合作”延伸。",
        ("tf-govsvc",),
        ("lj-govsvc",),
        D(2021, 2, 1),
        D(2021, 9, 30),
        ("确定首批通办事项", "开设通办窗口"),
        ("首批通办事项确定", "通办窗口开设，事项全部可办"),
    ),
    Spec(
        "人才",
        "第二批处级干部互派交流",
        "总结首批经验，开展第二批处级干部互派交流。",
        "由2020年“互派处级实职领导干部交流任职”延伸。",
        ("tf-organisation",),
        ("lj-organisation",),
        D(2021, 3, 1),
        D(2021, 10, 31),
        ("首批交流总结", "第二批干部到岗"),
        ("首批交流总结完成", "第二批干部到岗"),
    ),
    Spec(
        "开放",
        "川渝自贸区法院联合发布典型案例",
        "联合总结发布涉自贸区审判典型案例。",
        "由2020年“川渝自贸区法院合作共建”延伸。",
        ("tf-court",),
        ("lj-court",),
        D(2021, 3, 1),
        D(2021, 11, 30),
        ("遴选典型案例", "联合发布"),
        ("典型案例遴选完成", "典型案例联合发布"),
    ),
    Spec(
        "创新",
        "成都超级计算中心与两江新区开展算力合作",
        "发挥成都超算中心算力优势，服务两江新区科研机构和企业。",
        "由2020年“成都超级计算中心落户成都科学城”延伸。",
        ("tf-supercomputing", "tf-science-city"),
        ("lj-tech", "lj-enterprise"),
        D(2021, 3, 1),
        D(2021, 12, 15),
        ("签订算力合作协议", "首批用户接入"),
        ("算力合作协议签订", "首批用户接入使用"),
    ),
]


@dataclass(frozen=True)
class Step:
    """A milestone of a current-year matter: days from today (negative: past)."""

    side: str  # TF, LJ or both
    title: str
    due: int
    done: int | None = None


@dataclass(frozen=True)
class Report:
    side: str
    days: int
    percent: int
    text: str


@dataclass(frozen=True)
class CurrentSpec:
    """A matter of the current year's list, dated relative to today (all illustrative)."""

    field: str
    title: str
    goal: str
    tf: tuple[str, ...]
    lj: tuple[str, ...]
    start: int
    due: int
    steps: tuple[Step, ...] = ()
    reports: tuple[Report, ...] = ()
    status: str = MatterStatus.IN_PROGRESS
    basis: str = ""


# The light each should show is noted for whoever edits the figures (thresholds: 14 days, 20 points).
LIST_CURRENT = [
    CurrentSpec(  # green, a milestone due within 30 days
        "改革",
        "市场主体登记注册“跨省通办”深化",
        "扩大两地市场主体登记注册跨省通办范围。",
        ("tf-market",),
        ("lj-market",),
        -150,
        200,
        (Step("both", "梳理通办事项清单", -100, -104), Step("both", "开设通办专窗", 20)),
        (
            Report("TF", -40, 30, "通办事项清单已确定，专窗建设方案已报批"),
            Report("LJ", -38, 30, "通办事项清单已确定，正在调试业务系统"),
            Report("TF", -10, 45, "专窗场地改造完成，人员培训中"),
            Report("LJ", -12, 40, "业务系统联调完成"),
        ),
        basis="由“深化国家级新区市场监管一体化合作”延伸。",
    ),
    CurrentSpec(  # yellow: due within 14 days
        "改革",
        "知识产权保护执法协作",
        "建立两地知识产权案件线索通报和联合执法机制。",
        ("tf-market",),
        ("lj-market",),
        -200,
        10,
        (Step("both", "签订知识产权执法协作备忘录", -120, -118), Step("both", "开展首次联合执法行动", -30, -33)),
        (
            Report("TF", -60, 60, "备忘录签订，线索通报机制运行"),
            Report("LJ", -58, 55, "备忘录签订，线索通报机制运行"),
            Report("TF", -7, 80, "首次联合执法行动完成，正在总结"),
            Report("LJ", -6, 75, "首次联合执法行动完成"),
        ),
    ),
    CurrentSpec(  # red: a Tianfu milestone is overdue
        "改革",
        "食品安全抽检结果互认",
        "推动两地食品安全抽检结果互认，减少重复抽检。",
        ("tf-market",),
        ("lj-market",),
        -180,
        120,
        (Step("TF", "提出互认规则草案", -20), Step("LJ", "提出互认规则草案", -20, -25)),
        (
            Report("TF", -30, 30, "互认规则起草中，待法规部门审核"),
            Report("LJ", -24, 45, "互认规则草案已提交"),
        ),
    ),
    CurrentSpec(  # green
        "改革",
        "联席会议月度轮值与议定事项督办",
        "按月在两地轮开联席会议，议定事项逐项督办销号。",
        ("tf-office",),
        ("lj-office",),
        -160,
        200,
        (Step("both", "上半年议定事项督办通报", -40, -41), Step("both", "第三季度联席会议", 25)),
        (
            Report("TF", -15, 45, "联席会议按月召开，议定事项督办台账更新"),
            Report("LJ", -14, 45, "联席会议按月召开，议定事项督办台账更新"),
        ),
    ),
    CurrentSpec(  # green
        "人才",
        "新一批处级干部互派交流",
        "继续互派处级实职领导干部交流任职。",
        ("tf-organisation",),
        ("lj-organisation",),
        -100,
        260,
        (Step("both", "完成人选考察", 40),),
        (Report("TF", -20, 20, "互派岗位已确定"), Report("LJ", -18, 25, "互派岗位已确定，人选推荐中")),
    ),
    CurrentSpec(  # yellow: progress lags the time elapsed
        "产业",
        "政策融通：招商政策条款动态比对",
        "定期比对两地招商引资政策条款，发现差异及时协商，防止互相“杀价”。",
        ("tf-invest",),
        ("lj-invest",),
        -120,
        60,
        (Step("both", "完成年度政策条款比对", 45),),
        (Report("TF", -30, 30, "已收集两地现行政策文件"), Report("LJ", -25, 35, "已完成部分条款比对")),
    ),
    CurrentSpec(  # green, a milestone due within 30 days
        "创新",
        "成都超算中心算力服务两江新区企业",
        "扩大成都超级计算中心对两江新区企业的算力服务。",
        ("tf-supercomputing", "tf-science-city"),
        ("lj-tech", "lj-enterprise"),
        -90,
        270,
        (Step("both", "新增一批两江新区企业接入", 18),),
        (Report("TF", -10, 35, "算力服务目录更新"), Report("LJ", -9, 30, "企业需求征集完成")),
    ),
    CurrentSpec(  # yellow: due within 14 days
        "公共服务",
        "政务服务“川渝通办”事项扩面",
        "在已有通办事项基础上扩大范围。",
        ("tf-govsvc",),
        ("lj-govsvc",),
        -60,
        5,
        (Step("both", "新增事项上线", -5, -6),),
        (Report("TF", -4, 85, "新增事项已上线，正在组织窗口培训"), Report("LJ", -3, 90, "新增事项已上线")),
    ),
    CurrentSpec(  # red: the due date has passed
        "公共服务",
        "校际结对与教师交流",
        "扩大两地学校结对范围，开展教师跟岗交流。",
        ("tf-education",),
        ("lj-education",),
        -200,
        -10,
        (Step("both", "新增结对学校", -90, -92),),
        (Report("TF", -20, 90, "教师跟岗交流进行中"), Report("LJ", -21, 85, "教师跟岗交流进行中")),
    ),
    CurrentSpec(  # green
        "公共服务",
        "跨区域警务协作深化",
        "深化案件协查、治安联防等警务协作。",
        ("tf-police",),
        ("lj-police",),
        -30,
        330,
        (Step("both", "修订警务协作工作规程", 60),),
        (Report("TF", -5, 10, "工作规程修订启动"), Report("LJ", -5, 10, "工作规程修订启动")),
    ),
    CurrentSpec(  # yellow: progress lags
        "基础设施",
        "多式联运物流信息共享",
        "推动两地多式联运物流信息互联共享。",
        ("tf-opening",),
        ("lj-opening", "lj-logistics"),
        -240,
        120,
        (Step("both", "确定数据共享清单", -120, -118), Step("both", "信息平台接口联调", 50)),
        (Report("TF", -30, 40, "数据共享清单确定，接口开发中"), Report("LJ", -28, 45, "接口开发中")),
    ),
    CurrentSpec(  # grey: proposed, to be decided at the next joint meeting
        "开放",
        "涉外商事纠纷多元化解协作",
        "两地自贸区法院协作化解涉外商事纠纷。",
        ("tf-court",),
        ("lj-court",),
        10,
        300,
        status=MatterStatus.PROPOSED,
    ),
    CurrentSpec(  # grey: proposed
        "规划",
        "高质量发展指标体系年度评估与耦合协调度测算",
        "按统一指标体系测算两地综合指数和耦合协调度，评估合作成效。",
        ("tf-strategy",),
        ("lj-office",),
        15,
        200,
        status=MatterStatus.PROPOSED,
    ),
    CurrentSpec(  # grey: completed this year
        "建设",
        "华阳街道与礼嘉街道结对共建",
        "两地街道在基层治理、社区服务方面结对交流。",
        ("tf-huayang",),
        ("lj-lijia",),
        -150,
        -20,
        (Step("both", "签订结对协议", -120, -121), Step("both", "开展互访交流", -30, -32)),
        (Report("TF", -25, 100, "结对协议签订，互访交流完成"), Report("LJ", -24, 100, "结对协议签订，互访交流完成")),
        status=MatterStatus.COMPLETED,
    ),
]

# What the two matters rolled over from 2021 do this year (keyed by the 2020 title).
CONTINUED = {
    "共同争取开展经济区和行政区适度分离专项试点": CurrentSpec(  # green
        "改革",
        "",
        "",
        (),
        (),
        0,
        300,
        (Step("both", "配合上级部门开展试点评估", 45),),
        (Report("TF", -20, 82, "试点建议获上级部门反馈，按意见完善"), Report("LJ", -18, 80, "按反馈意见完善试点方案")),
    ),
    "共同培育主导产业，共建产业生态圈": CurrentSpec(  # red: a milestone is overdue
        "产业",
        "",
        "",
        (),
        (),
        0,
        150,
        (Step("both", "更新产业链配套清单", -5),),
        (Report("TF", -30, 75, "配套清单更新中"), Report("LJ", -28, 72, "配套清单更新中")),
    ),
}


# --------------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------------


@dataclass
class DemoSummary:
    created: bool
    partnership_id: int | None = None
    matters_by_year: dict[int, int] = field(default_factory=dict)
    usernames: tuple[str, ...] = USERNAMES
    password: str = DEMO_PASSWORD
    seconds: float = 0.0


class _Loader:
    def __init__(self, today: dt.date, out):
        self.today = today
        self.out = out
        self.units: dict[str, Organisation] = {}
        self.regions: dict[str, Region] = {}
        self.users: dict[str, object] = {}
        self.fields: dict[str, Field] = {}

    # --- people and places ---

    def make_users(self) -> None:
        User = get_user_model()
        hashed = make_password(DEMO_PASSWORD)  # hash once: nine PBKDF2 rounds would cost seconds
        for persona in [*PERSONAS, Persona("admin", "系统管理员（演示）", None)]:
            user = User.objects.filter(username=persona.username).first()
            if user is None:
                user = User(
                    username=persona.username, first_name=persona.label, email=f"{persona.username}@example.org"
                )
                user.password = hashed
                if persona.username == "admin":
                    user.is_staff = user.is_superuser = True
                user.save()
            else:
                self.out.write(
                    _("User %(username)s already exists: kept as it is, password unchanged.")
                    % {"username": persona.username}
                    + "\n"
                )
            self.users[persona.username] = user

    def make_partnership(self) -> Partnership:
        partnership = Partnership.objects.create(**PARTNERSHIP)
        for code, name, name_en, short, order in REGIONS:
            region, _created = Region.objects.get_or_create(
                code=code, defaults={"name": name, "name_en": name_en, "short_name": short}
            )
            PartnershipRegion.objects.create(partnership=partnership, region=region, rotation_order=order)
            self.regions[code] = region
        for order, (zh, en) in enumerate(DEFAULT_FIELDS):
            self.fields[zh] = Field.objects.create(partnership=partnership, name=zh, name_en=en, order=order)
        self.partnership = partnership
        return partnership

    def _unit(self, key, region, kind, name, name_en, short, contact="", parent=None) -> Organisation:
        unit, _created = Organisation.objects.get_or_create(
            region=region,
            name=name,
            defaults={
                "name_en": name_en,
                "kind": kind,
                "short_name": short,
                "contact_name": contact,
                "parent": parent,
            },
        )
        self.units[key] = unit
        return unit

    def make_units(self) -> None:
        pairs = []
        for key, kind, name, name_en, short in PAIRED_UNITS:
            made = []
            for code in ("TF", "LJ"):
                prefix = AREA_PREFIX[code]
                parent = self.units.get(f"{code.lower()}-group") if key == "office" else None
                made.append(
                    self._unit(
                        f"{code.lower()}-{key}",
                        self.regions[code],
                        kind,
                        f"{prefix}{name}",
                        f"{AREA_PREFIX_EN[code]} {name_en}",
                        f"{AREA_PREFIX[code][:2]}{short}",
                        parent=parent,
                    )
                )
            pairs.append((made[0], made[1], ""))
        for key, code, kind, name, name_en, short, contact, parent_key in OTHER_UNITS:
            parent = self.units[parent_key] if parent_key else None
            self._unit(key, self.regions[code], kind, name, name_en, short, contact, parent)
        for first, second, note in EXTRA_PAIRS:
            pairs.append((self.units[first], self.units[second], note))
        for first, second, note in pairs:
            pair = CounterpartPair(partnership=self.partnership, first=first, second=second, note=note)
            pair.full_clean()
            pair.save()

    def make_memberships(self) -> None:
        for persona in PERSONAS:
            if persona.role is None:
                continue
            add_membership(
                self.users[persona.username],
                self.partnership,
                persona.role,
                region=self.regions[persona.region] if persona.region else None,
                organisation=self.units[persona.unit] if persona.unit else None,
                title=persona.title,
            )

    def load_meetings(self) -> None:
        _MeetingsLoader(self).run()

    def load_registers(self) -> None:
        """Each register fills itself from the article (``<app>/demo.py``), after the matters and meetings."""
        from importlib import import_module

        for app in REGISTER_APPS:
            import_module(f"twincity.{app}.demo").load(self)

    # --- helpers for matters ---

    def owners(self, tf: tuple[str, ...], lj: tuple[str, ...]) -> list[OwnerSpec]:
        specs = []
        for keys in (tf, lj):
            for i, key in enumerate(keys):
                specs.append(OwnerSpec(self.units[key], OwnerRole.LEAD if i == 0 else OwnerRole.SUPPORT))
        return specs

    def leaders(self, tf: tuple[str, ...], lj: tuple[str, ...]) -> dict[int, str]:
        return {self.regions["TF"].pk: _post(self.units[tf[0]]), self.regions["LJ"].pk: _post(self.units[lj[0]])}

    def reporter(self, matter_units: dict[str, tuple[str, ...]], side: str):
        """Who files for a side: the lead unit's own contact if it has one in the demo, else the coordinator."""
        lead = matter_units[side][0]
        username = UNIT_REPORTERS.get(lead, "tf-coord" if side == "TF" else "lj-coord")
        return self.users[username], self.units[lead]

    def create(self, *, year, spec_field, title, goal, description, tf, lj, start, due, status, entered) -> Matter:
        office = self.users["office"]
        matter = services.create_matter(
            entered_on=entered,
            partnership=self.partnership,
            year=year,
            title=title,
            user=office,
            owners=self.owners(tf, lj),
            leaders=self.leaders(tf, lj),
            status=status,
            field=self.fields[spec_field],
            goal=goal,
            description=description,
            start_date=start,
            due_date=due,
        )
        return matter

    def add_step(self, matter, side: str, title: str, due: dt.date):
        office = self.users["office"]
        with acting(office):
            return services.add_milestone(matter, side_id=self.regions[side].pk, title=title, due_date=due, user=office)

    def close_step(self, milestone, units, side: str, done: dt.date, evidence: str) -> None:
        user, _unit = self.reporter(units, side)
        with acting(user):
            services.close_milestone(milestone, user=user, done_date=done, evidence=evidence)

    def report(self, matter, units, side: str, on: dt.date, percent: int, text: str) -> None:
        user, unit = self.reporter(units, side)
        with acting(user):
            services.file_progress(
                matter,
                user=user,
                side_id=self.regions[side].pk,
                period=f"{on:%Y-%m}",
                text=f"{unit.short_name or unit.name}：{text}。",
                percent_complete=percent,
                organisation=unit,
                reported_on=on,
            )

    def confirm(self, matter, on: dt.date, note: str) -> None:
        leader = self.users["leader"]
        with acting(leader):
            services.change_status(matter, MatterStatus.COMPLETED, user=leader, reason=note, on=on)

    # --- the historical lists ---

    def history_timeline(self, matter, spec_units, steps, notes, start, due, *, finish: bool, final=(100, 100)):
        """Milestones evenly spread between start and due, quarterly reports, and (if ``finish``) all closed."""
        span = (due - start).days
        k = len(steps)
        milestones = []
        fixed = set()  # steps whose day the article gives: done on that very day by both sides
        for i, step in enumerate(steps):
            if isinstance(step, tuple):
                title, step_due = step
                fixed.add(i)
            else:
                title, step_due = step, start + dt.timedelta(days=round(span * (i + 1) / k))
            for side in ("TF", "LJ"):
                milestones.append((self.add_step(matter, side, title, step_due), side, i))
        report_days = [d for d in _quarter_ends(start, due) if start + dt.timedelta(days=20) <= d]
        last_day = due - dt.timedelta(days=3)
        if not report_days or report_days[-1] < last_day - dt.timedelta(days=20):
            report_days.append(last_day)
        if len(report_days) > 2:
            # Two reports per side (mid-way and final) tell the story and keep the demo quick to load.
            report_days = [report_days[(len(report_days) - 1) // 2], report_days[-1]]
        final_day = report_days[-1]
        n = len(report_days)
        for ms, side, i in milestones:
            if i == k - 1 and not finish:
                continue
            late = 4 if side == "LJ" and i % 2 == 1 else 0  # one side is sometimes a few days late
            done = min(ms.due_date + dt.timedelta(days=late - (1 if side == "TF" else 0)), final_day)
            if i in fixed:
                done = ms.due_date
            self.close_step(ms, spec_units, side, done, _evidence(ms.title))
        for j, on in enumerate(report_days):
            for s, side in enumerate(("TF", "LJ")):
                percent = round(final[s] * (j + 1) / n)
                text = notes[round(j * (len(notes) - 1) / (n - 1)) if n > 1 else -1]
                self.report(matter, spec_units, side, on, percent, text)
        return final_day

    def load_2020(self) -> dict[str, tuple[Matter, Spec]]:
        office = self.users["office"]
        made = {}
        for spec in LIST_2020:
            units = {"TF": spec.tf, "LJ": spec.lj}
            with acting(office):
                matter = self.create(
                    year=2020,
                    spec_field=spec.field,
                    title=spec.title,
                    goal=spec.goal,
                    description=f"{spec.basis}\n{ILLUSTRATIVE}",
                    tf=spec.tf,
                    lj=spec.lj,
                    start=spec.start,
                    due=spec.due,
                    status=MatterStatus.APPROVED,
                    entered=max(spec.start, D(2020, 6, 19)),
                )
            if spec.fate == "suspended":
                self.history_timeline(
                    matter, units, spec.steps, spec.notes, spec.start, D(2020, 9, 30), finish=False, final=(30, 20)
                )
                with acting(office):
                    services.change_status(matter, MatterStatus.SUSPENDED, user=office, reason=spec.reason)
            elif spec.fate == "rolled":
                self.history_timeline(
                    matter, units, spec.steps, spec.notes, spec.start, spec.due, finish=False, final=(65, 55)
                )
            else:
                last = self.history_timeline(matter, units, spec.steps, spec.notes, spec.start, spec.due, finish=True)
                self.confirm(matter, last + dt.timedelta(days=5), "经联席会议确认完成（示例）")
            made[spec.title] = (matter, spec)
        return made

    def load_2021(self, made_2020) -> list[Matter]:
        office = self.users["office"]
        continuing = []
        for matter, spec in made_2020.values():
            if spec.fate != "rolled":
                continue
            units = {"TF": spec.tf, "LJ": spec.lj}
            with acting(office):
                services.roll_over(matter, to_year=2021, user=office, reason=spec.reason, entered_on=D(2021, 1, 15))
                services.update_matter(matter, user=office, version=None, due_date=spec.due_2021)
            # The steps left open in 2020 close late, in the first quarter of 2021.
            for n, ms in enumerate(matter.milestones.filter(done_date__isnull=True).order_by("pk")):
                ms.matter = matter
                self.close_step(ms, units, ms.side.code, D(2021, 2, 20) + dt.timedelta(days=3 * n), _evidence(ms.title))
            rolled_on = D(2021, 1, 15)
            finish = spec.fate_2021 == "completed"
            span = (spec.due_2021 - rolled_on).days
            for i, title in enumerate(spec.steps_2021):
                step_due = rolled_on + dt.timedelta(days=round(span * (i + 1) / len(spec.steps_2021)))
                for side in ("TF", "LJ"):
                    ms = self.add_step(matter, side, title, step_due)
                    self.close_step(ms, units, side, step_due - dt.timedelta(days=2), _evidence(title))
            days = [d for d in _quarter_ends(rolled_on, spec.due_2021) if d < spec.due_2021 - dt.timedelta(days=10)]
            days.append(spec.due_2021 - dt.timedelta(days=5))
            end = (100, 100) if finish else (70, 65)
            for j, on in enumerate(days):
                for s, side in enumerate(("TF", "LJ")):
                    start_pct = 65 if side == "TF" else 55
                    percent = start_pct + round((end[s] - start_pct) * (j + 1) / len(days))
                    text = spec.notes_2021[min(j, len(spec.notes_2021) - 1)]
                    self.report(matter, units, side, on, percent, text)
            if finish:
                self.confirm(matter, spec.due_2021, "经联席会议确认完成（示例）")
            else:
                continuing.append(matter)
        for spec in LIST_2021_NEW:
            units = {"TF": spec.tf, "LJ": spec.lj}
            with acting(office):
                matter = self.create(
                    year=2021,
                    spec_field=spec.field,
                    title=spec.title,
                    goal=spec.goal,
                    description=f"{spec.basis}\n{ILLUSTRATIVE}",
                    tf=spec.tf,
                    lj=spec.lj,
                    start=spec.start,
                    due=spec.due,
                    status=MatterStatus.APPROVED,
                    entered=spec.start,
                )
            last = self.history_timeline(matter, units, spec.steps, spec.notes, spec.start, spec.due, finish=True)
            self.confirm(matter, last + dt.timedelta(days=5), "经联席会议确认完成（示例）")
        return continuing

    def annotate_lists(self) -> None:
        for year_list in self.partnership.matter_lists.all():
            year_list.note = LIST_NOTES.get(year_list.year, CURRENT_LIST_NOTE)
            year_list.save()

    # --- the current year's list ---

    def current_timeline(self, matter, units, spec: CurrentSpec) -> None:
        t = self.today
        for step in spec.steps:
            for side in ("TF", "LJ") if step.side == "both" else (step.side,):
                ms = self.add_step(matter, side, step.title, t + dt.timedelta(days=step.due))
                if step.done is not None:
                    self.close_step(ms, units, side, t + dt.timedelta(days=step.done), _evidence(step.title))
        for r in sorted(spec.reports, key=lambda r: r.days):
            self.report(matter, units, r.side, t + dt.timedelta(days=r.days), r.percent, r.text)

    def load_current(self, continuing: list[Matter]) -> None:
        office = self.users["office"]
        year = self.today.year
        entered = min(self.today, D(year, 1, 20))
        for matter in continuing:
            spec = CONTINUED[matter.title]
            original = next(s for s in LIST_2020 if s.title == matter.title)
            units = {"TF": original.tf, "LJ": original.lj}
            with acting(office):
                services.roll_over(
                    matter,
                    to_year=year,
                    user=office,
                    reason="长期任务，滚动纳入本年度清单持续推进（示例）",
                    entered_on=entered,
                )
                services.update_matter(
                    matter, user=office, version=None, due_date=self.today + dt.timedelta(days=spec.due)
                )
            self.current_timeline(matter, units, spec)
        for spec in LIST_CURRENT:
            units = {"TF": spec.tf, "LJ": spec.lj}
            basis = f"{spec.basis}\n" if spec.basis else ""
            with acting(office):
                matter = self.create(
                    year=year,
                    spec_field=spec.field,
                    title=spec.title,
                    goal=spec.goal,
                    description=f"{basis}本年度事项延续报道所述合作方向，具体内容为演示而设。\n{ILLUSTRATIVE}",
                    tf=spec.tf,
                    lj=spec.lj,
                    start=self.today + dt.timedelta(days=spec.start),
                    due=self.today + dt.timedelta(days=spec.due),
                    status=MatterStatus.PROPOSED if spec.status == MatterStatus.PROPOSED else MatterStatus.APPROVED,
                    entered=entered if spec.start < 0 else self.today,
                )
            if spec.status == MatterStatus.PROPOSED:
                continue
            self.current_timeline(matter, units, spec)
            if spec.status == MatterStatus.COMPLETED:
                last = max(r.days for r in spec.reports)
                self.confirm(matter, self.today + dt.timedelta(days=last + 3), "经联席会议确认完成（示例）")


LIST_NOTES = {
    2020: "事项名称据川报观察2020年7月30日报道整理（含报道点名的6项共同对上争取事项和7个领域的部门战略合作协议）；"
    "列入日期、牵头单位、节点和进度为示例数据。",
    2021: "2020年未完成事项滚动纳入，并新增延伸事项（示例数据）。",
}
CURRENT_LIST_NOTE = "本年度清单为演示数据，日期随演示加载之日生成，用于展示进度灯和临期提醒（示例数据）。"


class _MeetingsLoader:
    """The article's meetings: the second docking meeting (19 June 2020) and the monthly joint meeting
    since, alternating host, with agendas, minutes, decisions and actions in every state. Topics come
    from the article; dates after June 2020, venues, names and outcomes are illustrative (示例)."""

    TOPICS = [
        ("共同对上争取事项清单推进情况", "opening"),
        ("产业协作与错位发展", "economy"),
        ("开放平台联动与自贸试验区协同", "opening"),
        ("科技创新资源共享", "tech"),
        ("规划衔接与基础设施互联", "planning"),
        ("政务服务“跨省通办”", "govsvc"),
        ("人才交流与干部互派", "organisation"),
        ("市场监管执法协作", "market"),
    ]

    def __init__(self, loader):
        self.l = loader
        self.office = loader.users["office"]

    def run(self) -> None:
        from twincity.meetings import services as ms
        from twincity.meetings.choices import Cadence, SeriesKind

        ld, office = self.l, self.office
        tf, lj = ld.regions["TF"], ld.regions["LJ"]
        self.sides = {"TF": tf, "LJ": lj}
        with acting(office):
            docking = ms.create_series(
                partnership=ld.partnership,
                user=office,
                kind=SeriesKind.DOCKING,
                name="双城办对接会议",
                name_en="Docking meeting of the Twin-City Offices",
                cadence=Cadence.AD_HOC,
                first_number=2,
                first_host=lj,
                description="文章所载：2020年6月19日召开第二次对接会议。主办方为示例。",
            )
            joint = ms.create_series(
                partnership=ld.partnership,
                user=office,
                kind=SeriesKind.JOINT,
                name="天府新区—两江新区联席会议",
                name_en="Tianfu–Liangjiang joint meeting",
                cadence=Cadence.MONTHLY,
                description="每月在两地轮开一次（据文章）；各次会议内容为示例。",
            )
        self.session(
            docking,
            dt.date(2020, 6, 19),
            [
                ("初步梳理共同对上争取事项清单", "opening"),
                ("产业、开放、创新、建设、改革、规划等方面深化联动", "economy"),
            ],
            past=True,
        )
        months, day = [], dt.date(2020, 7, 1)
        while True:
            meeting_day = ms.day_in_month(joint, day.year, day.month)
            months.append(meeting_day)
            if meeting_day > self.l.today:
                break
            day = (day.replace(day=28) + dt.timedelta(days=7)).replace(day=1)
        cancel_on = next((d for d in months if d.year == 2022 and d.month == 2), None)
        self.state_counter = 0
        for i, meeting_day in enumerate(months):
            topics = [self.TOPICS[i % len(self.TOPICS)], self.TOPICS[(i + 3) % len(self.TOPICS)]]
            self.session(
                joint,
                meeting_day,
                topics,
                past=meeting_day <= self.l.today,
                cancel=meeting_day == cancel_on,
                recent=i >= len(months) - 5,
                # Actions for the first months and the last half year; the years between keep their decisions.
                with_actions=i < 6 or i >= len(months) - 7,
            )

    def session(
        self, series, day, topics, *, past: bool, cancel: bool = False, recent: bool = False, with_actions=True
    ):
        from twincity.meetings import services as ms
        from twincity.meetings.choices import OutcomeKind

        ld, office = self.l, self.office
        starts = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 30)))
        with acting(office):
            session = ms.add_session(series, user=office, starts_at=starts)
            host = "TF" if session.host_id == self.sides["TF"].pk else "LJ"
            venue = "天府新区管委会会议室" if host == "TF" else "两江新区管委会会议室"
            session = ms.update_session(
                session, user=office, version=session.version, venue=venue, chair=f"{AREA_PREFIX[host]}双城办主任"
            )
            if cancel:
                ms.cancel_session(session, user=office, reason="春节假期，本月会议取消（示例）。")
                return session
            if not past:
                ms.propose_item(series, user=office, title="下阶段重点合作事项安排（示例）", side=self.sides[host])
                return session
            for title, unit_key in topics:
                ms.add_item(
                    session,
                    user=office,
                    title=title,
                    side=self.sides[host],
                    organisation=ld.units[f"{host.lower()}-{unit_key}"],
                    duration_minutes=20,
                    presenter="示例汇报人",
                )
            ms.publish_agenda(session, user=office)
            for code in ("TF", "LJ"):
                ms.record_attendance(
                    session,
                    user=office,
                    side=self.sides[code],
                    name=f"{AREA_PREFIX[code]}领导（示例）",
                    post="党工委副书记",
                    is_leader=True,
                )
            items = list(session.items.filter(source="proposed").order_by("order"))
            ms.record_outcome(
                session, user=office, kind=OutcomeKind.INFORMATION, item=items[0], text="听取了有关情况汇报（示例）。"
            )
            made = []
            for n, (title, unit_key) in enumerate(topics):
                owners = (
                    [ld.units[f"tf-{unit_key}"], ld.units[f"lj-{unit_key}"]]
                    if n == 0
                    else [ld.units[f"{'lj' if host == 'TF' else 'tf'}-{unit_key}"]]
                )
                outcome = ms.record_outcome(
                    session,
                    user=office,
                    kind=OutcomeKind.DECISION,
                    item=items[n],
                    text=f"会议议定：{title}由双方对口部门共同推进（示例）。",
                    action=None
                    if not with_actions
                    else ms.ActionSpec(
                        title=f"{title}——形成工作方案（示例）", due_date=day + dt.timedelta(days=30), owners=owners
                    ),
                )
                made.extend(outcome.actions.all())
            ms.update_minutes_summary(
                session, user=office, summary="会议通报了合作进展，研究部署了下阶段工作（示例）。"
            )
            session.refresh_from_db()
        for side in ("TF", "LJ"):
            coordinator = ld.users[f"{side.lower()}-coord"]
            with acting(coordinator):
                ms.confirm_minutes(session, user=coordinator, side=self.sides[side])
        if not recent:
            with acting(office):
                ms.lock_minutes(session, user=office)
        self.follow_up(made, day, recent=recent)
        return session

    def follow_up(self, actions, day, *, recent: bool) -> None:
        """Older actions are done and verified; the latest ones are left in every state of the cycle."""
        from twincity.meetings import services as ms
        from twincity.meetings.models import ActionUpdate

        states = ["verified", "reported_done", "in_progress", "returned", "acknowledged", "assigned", "cancelled"]
        for action in actions:
            if recent:
                target = states[self.state_counter % len(states)]
                self.state_counter += 1
            else:
                target = "verified"
            owner_side = action.owners.first().side
            reporter = self.l.users["tf-coord" if owner_side.code == "TF" else "lj-coord"]
            with acting(reporter):
                if target != "assigned":
                    ms.acknowledge_action(action, user=reporter)
                if target in ("in_progress", "returned", "reported_done", "verified"):
                    ms.feed_back(action, user=reporter, text="已完成初稿，正在征求对方意见（示例）。")
                if target in ("returned", "reported_done", "verified"):
                    ms.report_done(action, user=reporter, text="工作方案已印发，附印发文件（示例）。")
            with acting(self.office):
                if target == "verified":
                    ms.verify_action(action, user=self.office, note="经核实已完成（示例）。")
                elif target == "returned":
                    ms.return_action(action, user=self.office, reason="缺少对方部门会签意见，请补充（示例）。")
                elif target == "cancelled":
                    ms.cancel_action(action, user=self.office, reason="因上级政策调整不再推进（示例）。")
            # The history reads as it happened: each step dated within the month after the session.
            for n, update in enumerate(ActionUpdate.objects.filter(action=action).order_by("pk")):
                on = min(day + dt.timedelta(days=n * 6), self.l.today)
                ActionUpdate.objects.filter(pk=update.pk).update(on=on)


def _post(unit: Organisation) -> str:
    """A responsible leader given by post, never by a real person's name."""
    name = unit.short_name or unit.name
    if unit.kind == OrganisationKind.MARKET_ENTITY:
        return f"{name}项目负责人"
    kind_posts = [
        ("法院", "分管副院长"),
        ("检察院", "分管副检察长"),
        ("组织部", "分管副部长"),
        ("局", "分管副局长"),
        ("办", "分管副主任"),
        ("中心", "分管副主任"),
        ("街道", "分管副主任"),
        ("科学城", "分管负责同志"),
        ("创新区", "分管负责同志"),
    ]
    for ending, post in kind_posts:
        if name.endswith(ending):
            return f"{name}{post}"
    return f"{name}负责同志"


def _evidence(title: str) -> str:
    return f"“{title}”已完成，相关文件已归档（示例）。"


def _quarter_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    days = []
    for year in range(start.year, end.year + 1):
        for month, day in ((3, 31), (6, 30), (9, 30), (12, 20)):
            d = D(year, month, day)
            if start < d < end:
                days.append(d)
    return days


def demo_exists() -> bool:
    return Partnership.objects.filter(name=PARTNERSHIP_NAME).exists()


def load_demo(*, today: dt.date | None = None, stdout=None) -> DemoSummary:
    """Load the Tianfu–Liangjiang demo once; if it is already there, say so and change nothing."""
    out = stdout or sys.stdout
    today = today or timezone.localdate()
    if today.year <= 2021:
        raise ValueError("The demo's current-year list needs a date after 2021.")
    if demo_exists():
        partnership = Partnership.objects.get(name=PARTNERSHIP_NAME)
        out.write(
            _("The demo is already loaded (partnership “%(name)s” exists); nothing was changed.")
            % {"name": partnership.name}
            + "\n"
        )
        return DemoSummary(created=False, partnership_id=partnership.pk)
    started = time.perf_counter()
    loader = _Loader(today, out)
    with transaction.atomic():
        loader.make_users()
        with acting(loader.users["office"]):
            loader.make_partnership()
            loader.make_units()
            loader.make_memberships()
        made = loader.load_2020()
        continuing = loader.load_2021(made)
        loader.load_current(continuing)
        with acting(loader.users["office"]):
            loader.annotate_lists()
        loader.load_meetings()
        loader.load_registers()
    partnership = loader.partnership
    by_year = {
        y: Matter.objects.filter(partnership=partnership, entries__year_list__year=y).distinct().count()
        for y in partnership.matter_lists.values_list("year", flat=True)
    }
    summary = DemoSummary(
        created=True,
        partnership_id=partnership.pk,
        matters_by_year=dict(sorted(by_year.items())),
        seconds=time.perf_counter() - started,
    )
    _print_summary(out, partnership, summary)
    return summary


def _print_summary(out, partnership: Partnership, summary: DemoSummary) -> None:
    lists = ", ".join(
        _("%(year)s: %(count)s matters") % {"year": y, "count": n} for y, n in summary.matters_by_year.items()
    )
    lines = [
        _("Loaded the demo partnership “%(name)s” in %(seconds).1f s.")
        % {"name": partnership.name, "seconds": summary.seconds},
        _("Annual lists (a matter rolled over counts in every list it was on): %(lists)s.") % {"lists": lists},
        _(
            "Names of matters and units come from the article; dates, progress and statuses marked “示例” "
            "are illustrative, not official statistics."
        ),
        "",
        _("Demo accounts — the password for all of them is: %(password)s (demo only; change it before real use)")
        % {"password": DEMO_PASSWORD},
    ]
    for persona in PERSONAS:
        lines.append(f"  {persona.username:<10} {persona.label}")
    lines.append(f"  {'admin':<10} " + _("superuser for /admin/ (same password)"))
    out.write("\n".join(lines) + "\n")

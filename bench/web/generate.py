"""Build a large partnership in PostgreSQL for the web benchmark (bench data only, never production).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/twincity_bench .venv/bin/python bench/web/generate.py

Default size (issue 2): one partnership of 20 member regions, 2,000 organisations, 50,000 matters on the
annual lists 2020–2026, 250,000 milestones and 500,000 progress reports, plus the rows every matter
carries (its sides, owning units and list entries).

The services write one matter at a time with its audit trail; far too slow for 800,000 rows. Here the
rows go straight in with PostgreSQL's COPY, and this script computes what the services would have
derived: per-side and overall percent complete (latest report of each side), the next open milestone,
``watch_from`` / ``lag_date`` (``matters.health.derived_dates``) and the search documents
(``core.search.document`` over code, title, goal, owning units and report texts, exactly as
``services.refresh_derived`` builds them). Texts come from pools, each segmented by jieba once.

The database named in DATABASE_URL is dropped and created afresh (its name must contain "bench"), then
migrated. The full-text GIN indexes are dropped during the load and rebuilt after it; ANALYZE runs at
the end. Output is reproducible for a given ``--seed``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/twincity_bench"
os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.web.settings")

PASSWORD = "bench-password-2026"
YEARS = list(range(2020, 2027))
YEAR_WEIGHTS = [5, 6, 6, 7, 8, 9, 9]  # the lists grow year by year
TODAY = dt.date(2026, 11, 29)  # overridden by --today; the light depends on it

REGION_NAMES = [
    ("天府新区", "Tianfu New Area"),
    ("两江新区", "Liangjiang New Area"),
    ("成都高新区", "Chengdu Hi-tech Zone"),
    ("重庆高新区", "Chongqing Hi-tech Zone"),
    ("成都东部新区", "Chengdu Eastern New Area"),
    ("重庆经开区", "Chongqing ETDZ"),
    ("宜宾三江新区", "Yibin Sanjiang New Area"),
    ("万州区", "Wanzhou"),
    ("绵阳科技城", "Mianyang Science City"),
    ("涪陵区", "Fuling"),
    ("德阳经开区", "Deyang ETDZ"),
    ("永川区", "Yongchuan"),
    ("泸州自贸区", "Luzhou FTZ"),
    ("江津区", "Jiangjin"),
    ("南充临江新区", "Nanchong Linjiang New Area"),
    ("合川区", "Hechuan"),
    ("内江经开区", "Neijiang ETDZ"),
    ("荣昌区", "Rongchang"),
    ("遂宁高新区", "Suining Hi-tech Zone"),
    ("潼南区", "Tongnan"),
]
ORG_KINDS = [  # (kind, Chinese stem, count per region of 100)
    ("leadership_group", "双城合作领导小组", 1),
    ("joint_office", "双城办", 1),
    ("department", "局", 40),
    ("subdistrict", "街道", 20),
    ("function_zone", "产业功能区", 10),
    ("market_entity", "有限公司", 28),
]
DEPT_NAMES = [
    "发展改革",
    "经济信息",
    "科技创新",
    "商务",
    "财政",
    "人力资源",
    "规划自然资源",
    "生态环境",
    "住房建设",
    "交通",
    "水务",
    "农业农村",
    "文化旅游",
    "卫生健康",
    "应急管理",
    "市场监管",
    "统计",
    "医保",
    "政务服务",
    "投资促进",
]
PREFIXES = [
    "共建",
    "联合打造",
    "协同推进",
    "深化",
    "共同申报",
    "携手建设",
    "推动",
    "联合开展",
    "共享",
    "一体化推进",
    "合力打造",
    "探索",
]
TOPICS = [
    "数据中心",
    "科创走廊",
    "自贸试验区",
    "国际铁路港",
    "人才公寓",
    "政务服务通办",
    "医保异地结算",
    "产业联盟",
    "汽车产业链",
    "电子信息产业",
    "生物医药园区",
    "文旅品牌",
    "生态廊道",
    "水环境治理",
    "轨道交通",
    "智能制造基地",
    "超算中心",
    "知识产权保护",
    "金融服务中心",
    "物流枢纽",
    "开放口岸",
    "会展经济",
    "职业教育",
    "人才互认",
    "市场准入",
    "招商引资政策",
    "应急物资储备",
    "能源保障基地",
    "现代服务业",
    "数字经济",
]
SUFFIXES = ["合作", "项目", "建设", "示范区", "试点", "平台", "机制", "工程", "行动", "专项"]
GOAL_TEMPLATES = [
    "到年底完成{t}方案编制并报双方领导小组审定，形成可复制可推广的经验。",
    "围绕{t}建立季度会商机制，年内落地重点项目{n}个，带动投资{m}亿元。",
    "推动{t}相关政策互认互通，实现企业办事“一地受理、两地通办”。",
    "联合争取国家部委支持{t}，完成前期研究和申报材料，争取纳入国家规划。",
    "共同编制{t}三年行动计划，明确责任清单、任务清单和时间表。",
]
REPORT_TEMPLATES = [
    "本期召开{t}专题对接会{n}次，双方牵头单位就推进节点达成一致，下一步将加快前期工作。",
    "已完成{t}现场踏勘和可行性研究，形成初步方案，正在征求相关部门意见。",
    "{t}项目签约{n}个，总投资约{m}亿元，其中{k}个项目已开工建设。",
    "围绕{t}开展联合调研，梳理问题清单{n}项，已解决{k}项，其余正在协调。",
    "因用地指标调整，{t}进度略有滞后，已报请领导小组协调，预计下季度追回进度。",
    "{t}相关制度文件已印发实施，受理企业申请{n}件，办结率{m}%。",
    "组织双方干部赴对方学习{t}经验{n}人次，形成学习报告并提出改进措施{k}条。",
    "{t}平台上线试运行，接入单位{n}家，累计数据交换{m}万条。",
]
MILESTONE_STEPS = ["方案编制", "征求意见", "领导小组审定", "签署协议", "项目开工", "中期评估", "年度验收", "总结推广"]


def copy_rows(cursor, model, columns: list[str], rows) -> int:
    """COPY rows (tuples in ``columns`` order, field names) into the model's table."""
    table = model._meta.db_table
    cols = ", ".join(model._meta.get_field(c).column for c in columns)
    n = 0
    with cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            n += 1
    return n


def recreate_database(url: str) -> None:
    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(f"Refusing to drop {name!r}: the benchmark database name must contain 'bench'.")
    args = ["-h", parsed.hostname or "127.0.0.1", "-p", str(parsed.port or 5432), "-U", parsed.username or "postgres"]
    subprocess.run(["dropdb", *args, "--if-exists", "--force", name], check=True)
    subprocess.run(["createdb", *args, name], check=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--regions", type=int, default=20)
    parser.add_argument("--organisations", type=int, default=2000)
    parser.add_argument("--matters", type=int, default=50_000)
    parser.add_argument("--milestones", type=int, default=250_000, help="spread evenly over the matters")
    parser.add_argument("--reports", type=int, default=500_000, help="spread evenly over the matters")
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=TODAY, help="the day the data is 'as of'")
    parser.add_argument("--audit", type=int, default=500_000, help="audit rows (ObjectChange), COPY")
    parser.add_argument("--series", type=int, default=2, help="meeting series")
    parser.add_argument("--sessions", type=int, default=80, help="sessions per meeting series (8 items each)")
    parser.add_argument(
        "--registers", type=int, default=3000, help="entries of every register (requests, agreements, visits, …)"
    )
    parser.add_argument("--keep-database", action="store_true", help="do not drop and recreate the database")
    parser.add_argument(
        "--check", type=int, default=200, metavar="N", help="recompute N random matters with the services and compare"
    )
    args = parser.parse_args(argv)
    if args.regions > len(REGION_NAMES) * 10 or args.regions < 2:
        parser.error("between 2 and 200 regions")

    url = os.environ["DATABASE_URL"]
    started = time.perf_counter()
    timings: dict[str, float] = {}

    def lap(name: str, t0: float) -> float:
        now = time.perf_counter()
        timings[name] = now - t0
        print(f"  {name}: {now - t0:.1f} s", flush=True)
        return now

    t = time.perf_counter()
    if not args.keep_database:
        recreate_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    t = lap("create + migrate", t)

    rows = build(args, lap)
    from bench.web.generate_more import build_more

    from twincity.regions.models import Partnership

    t = time.perf_counter()
    build_more(
        partnership=Partnership.objects.get(short_name="BENCH"),
        rng=random.Random(args.seed + 1),
        today=args.today,
        audit=args.audit,
        series=args.series,
        sessions=args.sessions,
        registers=args.registers,
        lap=lap,
        counts=rows,
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    lap("VACUUM ANALYZE (again)", t)
    print(
        "rows: " + ", ".join(f"{k} {v:,}" for k, v in rows.items()),
        flush=True,
    )
    total = time.perf_counter() - started
    print(f"generation time: {total:.1f} s", flush=True)
    if args.check:
        check(args.check, args.seed)


def check(n: int, seed: int) -> None:
    """Recompute a sample of matters with ``services.refresh_derived`` (which locks and saves; rolled back here):
    the generator must have stored exactly what the services would have."""
    from django.db import transaction
    from django.db.models import F

    from twincity.matters.models import Matter, MatterSide, Milestone
    from twincity.matters.services import refresh_derived

    names = ["percent_complete", "next_milestone_due", "watch_from", "lag_date", "search_document"]
    ids = list(Matter.objects.values_list("pk", flat=True))
    sample = random.Random(seed).sample(ids, min(n, len(ids)))
    wrong = []
    for matter in Matter.objects.filter(pk__in=sample).select_related("partnership"):
        sides = {s.pk: (s.percent_complete, s.last_reported_on) for s in matter.sides.all()}
        stored = {name: getattr(matter, name) for name in names}
        with transaction.atomic():
            refresh_derived(matter)
            again = Matter.objects.get(pk=matter.pk)
            now = {name: getattr(again, name) for name in names}
            sides_now = {s.pk: (s.percent_complete, s.last_reported_on) for s in again.sides.all()}
            transaction.set_rollback(True)
        if stored != now or sides != sides_now:
            wrong.append((matter.pk, [k for k in names if stored[k] != now[k]]))
    if wrong:
        raise SystemExit(f"derived fields differ from the services' for matters {wrong[:10]}")
    print(f"check: {len(sample)} random matters recomputed by services.refresh_derived, all identical", flush=True)
    for model in (MatterSide, Milestone):  # each carries its matter's list (the dashboard reads them by it)
        if model.objects.exclude(year_list=F("matter__year_list")).exists():
            raise SystemExit(f"{model._meta.verbose_name_plural}: a list not their matter's")
    print("check: every side and milestone carries its matter's list", flush=True)


def build(args, lap) -> dict[str, int]:
    from django.contrib.auth import get_user_model
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.utils import timezone

    from twincity.accounts.models import Membership
    from twincity.core import search
    from twincity.matters.health import derived_dates
    from twincity.matters.models import (
        ListEntry,
        Matter,
        MatterList,
        MatterOwner,
        MatterSide,
        Milestone,
        ProgressReport,
    )
    from twincity.regions.choices import DEFAULT_FIELDS
    from twincity.regions.models import Field, Organisation, Partnership, PartnershipRegion, Region

    rng = random.Random(args.seed)
    today = args.today
    now = timezone.now()
    counts: dict[str, int] = {}
    t = time.perf_counter()

    # ---------------------------------------------------------------- text pools, each segmented once
    search._jieba()
    doc_cache: dict[str, str] = {}

    def doc(text: str) -> str:
        d = doc_cache.get(text)
        if d is None:
            d = doc_cache[text] = search.document(text)
        return d

    titles = [p + tp + s for p in PREFIXES for tp in TOPICS for s in SUFFIXES]
    goals = [g.format(t=tp, n=n, m=n * 7) for g in GOAL_TEMPLATES for tp in TOPICS for n in (3, 5, 8, 12)]
    reports_pool = [
        r.format(t=tp, n=n, m=n * 13, k=max(1, n // 3))
        for r in REPORT_TEMPLATES
        for tp in TOPICS
        for n in (2, 4, 6, 9, 15)
    ]
    for text in titles + goals + reports_pool:
        doc(text)
    t = lap(f"segment text pools ({len(doc_cache)} texts)", t)

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        cursor.execute("SET LOCAL synchronous_commit = off")
        # The full-text indexes are built once at the end, not row by row: the matters' on their stored vector
        # (migration 0008), the reports' on the expression.
        cursor.execute("DROP INDEX IF EXISTS matters_matter_vector_idx")
        cursor.execute("DROP INDEX IF EXISTS matters_progressreport_fts_idx")
        pg = cursor.cursor  # the psycopg cursor, for COPY

        # ------------------------------------------------------------ partnership, regions, units, fields
        partnership = Partnership.objects.create(
            name="基准测试合作机制",
            name_en="Benchmark partnership",
            short_name="BENCH",
            established_on=dt.date(2020, 1, 1),
        )
        regions = [
            Region(
                pk=i + 1,
                code=f"B{i + 1:03d}",
                name=REGION_NAMES[i % len(REGION_NAMES)][0] + ("" if i < len(REGION_NAMES) else str(i)),
                name_en=REGION_NAMES[i % len(REGION_NAMES)][1] + ("" if i < len(REGION_NAMES) else f" {i}"),
                short_name=REGION_NAMES[i % len(REGION_NAMES)][0][:4],
            )
            for i in range(args.regions)
        ]
        Region.objects.bulk_create(regions)
        region_ids = [r.pk for r in regions]
        PartnershipRegion.objects.bulk_create(
            PartnershipRegion(partnership=partnership, region=r, rotation_order=i) for i, r in enumerate(regions)
        )
        fields = Field.objects.bulk_create(
            Field(partnership=partnership, name=zh, name_en=en, order=i) for i, (zh, en) in enumerate(DEFAULT_FIELDS)
        )
        field_ids = [f.pk for f in fields]

        per_region = args.organisations // args.regions
        orgs = []  # (pk, region_id, kind, name)
        pk = 0
        for r in regions:
            made = 0
            for kind, stem, share in ORG_KINDS:
                n = max(1, round(per_region * share / 100))
                for j in range(n):
                    if made >= per_region:
                        break
                    if kind == "department":
                        name = f"{r.name}{DEPT_NAMES[j % len(DEPT_NAMES)]}{stem}" + (
                            "" if j < len(DEPT_NAMES) else f"{j // len(DEPT_NAMES) + 1}分局"
                        )
                    elif kind in ("leadership_group", "joint_office"):
                        name = f"{r.name}{stem}"
                    else:
                        name = f"{r.name}第{j + 1}{stem}"
                    pk += 1
                    made += 1
                    orgs.append((pk, r.pk, kind, name))
        counts["organisations"] = copy_rows(
            pg,
            Organisation,
            [
                "id",
                "created",
                "last_updated",
                "version",
                "region",
                "kind",
                "name",
                "name_en",
                "short_name",
                "contact_name",
                "contact_phone",
                "contact_email",
            ],
            ((o[0], now, now, 1, o[1], o[2], o[3], "", "", "", "", "") for o in orgs),
        )
        org_doc = {o[0]: doc(o[3]) for o in orgs}
        # Units that lead and support matters: departments, function zones and enterprises.
        workers_by_region: dict[int, list[int]] = {}
        for o in orgs:
            if o[2] in ("department", "function_zone", "market_entity", "subdistrict"):
                workers_by_region.setdefault(o[1], []).append(o[0])
        t = lap("partnership, regions, organisations", t)

        # ------------------------------------------------------------ users
        User = get_user_model()
        office = User.objects.create_user("bench-office", password=PASSWORD, first_name="基准", last_name="办公室")
        unit_user = User.objects.create_user("bench-unit", password=PASSWORD, first_name="基准", last_name="联络员")
        coord = User.objects.create_user("bench-coord", password=PASSWORD, first_name="基准", last_name="协调员")
        unit_org = workers_by_region[regions[0].pk][0]
        Membership.objects.bulk_create(
            [
                Membership(user=office, partnership=partnership, role="office_admin", title="bench"),
                Membership(
                    user=unit_user,
                    partnership=partnership,
                    role="unit_contact",
                    region_id=regions[0].pk,
                    organisation_id=unit_org,
                ),
                Membership(user=coord, partnership=partnership, role="region_coordinator", region_id=regions[0].pk),
            ]
        )

        # ------------------------------------------------------------ annual lists
        lists = {
            y: MatterList.objects.create(partnership=partnership, year=y, title=f"{y}年度重点合作事项") for y in YEARS
        }

        # ------------------------------------------------------------ matters and everything they carry
        weights_total = sum(YEAR_WEIGHTS)
        per_year = [args.matters * w // weights_total for w in YEAR_WEIGHTS]
        per_year[-1] += args.matters - sum(per_year)
        ms_per = args.milestones / args.matters
        rp_per = args.reports / args.matters
        ms_acc = rp_acc = 0.0

        matter_rows, side_rows, owner_rows, entry_rows, ms_rows, rp_rows = [], [], [], [], [], []
        matter_id = side_id = owner_id = entry_id = ms_id = rp_id = 0
        near, margin = partnership.health_near_days, partnership.health_lag_margin
        rolled_codes: dict[int, int] = {}

        for year, n_year in zip(YEARS, per_year, strict=True):
            age = YEARS[-1] - year  # 0 for the current list
            for k in range(n_year):
                matter_id += 1
                code = f"{year}-{k + 1:04d}"
                start = dt.date(year, 1, 1) + dt.timedelta(days=rng.randint(0, 100))
                due = dt.date(year, 12, 31) - dt.timedelta(days=rng.randint(0, 120))
                if rng.random() < 0.1:  # some run over into the next year
                    due += dt.timedelta(days=rng.randint(30, 200))
                roll = rng.random()
                if age >= 2:
                    status = "completed" if roll < 0.85 else ("cancelled" if roll < 0.93 else "suspended")
                elif age == 1:
                    status = "completed" if roll < 0.6 else ("in_progress" if roll < 0.85 else "suspended")
                else:
                    status = (
                        "proposed"
                        if roll < 0.05
                        else "approved"
                        if roll < 0.15
                        else "in_progress"
                        if roll < 0.85
                        else "completed"
                        if roll < 0.95
                        else "suspended"
                        if roll < 0.98
                        else "cancelled"
                    )
                # Sides: mostly two, some three.
                n_sides = 3 if rng.random() < 0.2 else 2
                sides = rng.sample(region_ids, n_sides)
                title_no = rng.randrange(len(titles))
                title = titles[title_no]
                goal = rng.choice(goals)
                field_id = field_ids[title_no % len(field_ids)] if rng.random() < 0.95 else None

                # Owners: one lead unit per side, sometimes a supporting unit.
                owners = []
                for s in sides:
                    candidates = workers_by_region[s]
                    lead = rng.choice(candidates)
                    owners.append((lead, s, "lead"))
                    if rng.random() < 0.3:
                        sup = rng.choice(candidates)
                        if sup != lead:
                            owners.append((sup, s, "support"))
                for org_id, s, role in owners:
                    owner_id += 1
                    owner_rows.append((owner_id, now, now, matter_id, org_id, s, role))

                # Milestones.
                ms_acc += ms_per
                n_ms = int(ms_acc)
                ms_acc -= n_ms
                span = max((due - start).days, 1)
                open_dues = []
                for j in range(n_ms):
                    ms_id += 1
                    s = sides[j % n_sides]
                    mdue = start + dt.timedelta(days=span * (j + 1) // (n_ms + 1) + rng.randint(-10, 10))
                    if status == "completed":
                        done = min(mdue + dt.timedelta(days=rng.randint(-15, 20)), today)
                    elif status in ("proposed", "cancelled"):
                        done = None
                    elif mdue < today:
                        done = (
                            min(mdue + dt.timedelta(days=rng.randint(-10, 25)), today) if rng.random() < 0.9 else None
                        )
                    else:
                        done = None
                    if done is None:
                        open_dues.append(mdue)
                    step = MILESTONE_STEPS[j % len(MILESTONE_STEPS)]
                    ms_rows.append(
                        (
                            ms_id,
                            now,
                            now,
                            1,
                            matter_id,
                            lists[year].pk,
                            s,
                            f"{step}：{title}",
                            mdue,
                            done,
                            "会议纪要" if done else "",
                        )
                    )

                # Progress reports: each side reports in turn, percent rising with time.
                rp_acc += rp_per
                n_rp = int(rp_acc)
                rp_acc -= n_rp
                if status == "completed":
                    final = 100
                elif status in ("proposed", "approved", "cancelled"):
                    final = rng.randint(0, 20)
                else:
                    elapsed = min(max((today - start).days / span, 0.0), 1.0)
                    final = max(0, min(100, int(elapsed * 100) + rng.randint(-45, 15)))
                last_day = min(due, today) if status != "completed" else due
                last_day = max(last_day, start)
                latest: dict[int, tuple[dt.date, int]] = {}
                report_docs = []
                per_side_n = dict.fromkeys(sides, 0)
                for j in range(n_rp):
                    per_side_n[sides[j % n_sides]] += 1
                side_seen = dict.fromkeys(sides, 0)
                for j in range(n_rp):
                    rp_id += 1
                    s = sides[j % n_sides]
                    side_seen[s] += 1
                    share = side_seen[s] / per_side_n[s]
                    day = start + dt.timedelta(days=int((last_day - start).days * share))
                    percent = min(100, int(final * share))
                    text = rng.choice(reports_pool)
                    period = f"{day.year}-{day.month:02d}"
                    lead_of_side = next(o[0] for o in owners if o[1] == s)
                    rp_rows.append(
                        (
                            rp_id,
                            now,
                            now,
                            1,
                            matter_id,
                            s,
                            lead_of_side,
                            None,
                            period,
                            day,
                            text,
                            percent,
                            f"{day.year} {day.month:02d} {doc_cache[text]}",
                        )
                    )
                    latest[s] = (day, percent)  # reports of a side come in date order
                    report_docs.append((day, rp_id, doc_cache[text]))

                # Sides, with their own latest report.
                for s in sides:
                    side_id += 1
                    day, percent = latest.get(s, (None, 0))
                    side_rows.append((side_id, now, now, matter_id, lists[year].pk, s, "", percent, day))
                percent = round(sum(latest.get(s, (None, 0))[1] for s in sides) / n_sides)
                next_due = min(open_dues) if open_dues else None
                watch_from, lag_date = derived_dates(
                    start_date=start,
                    due_date=due,
                    next_milestone_due=next_due,
                    percent_complete=percent,
                    near_days=near,
                    lag_margin=margin,
                )
                completed_on = min(due, today) if status == "completed" else None
                requested = now if (percent >= 100 and status != "completed") else None
                search_document = " ".join(
                    d
                    for d in (
                        search.document(code),
                        doc_cache[title],
                        doc_cache[goal],
                        # in the order refresh_derived reads them: owners by role, reports newest first
                        " ".join(org_doc[o[0]] for o in sorted(owners, key=lambda o: o[2] != "lead")),
                        " ".join(d for _day, _pk, d in sorted(report_docs, reverse=True)),
                    )
                    if d
                )
                matter_rows.append(
                    (
                        matter_id,
                        now,
                        now,
                        1,
                        partnership.pk,
                        lists[year].pk,
                        year,
                        code,
                        title,
                        field_id,
                        goal,
                        "",
                        status,
                        start,
                        due,
                        percent,
                        next_due,
                        watch_from,
                        lag_date,
                        requested,
                        completed_on,
                        office.pk if status == "completed" else None,
                        search_document,
                    )
                )
                # List entries: the current list, and for a fifth of the current matters the year before.
                if age == 0 and rng.random() < 0.2:
                    entry_id += 1
                    rolled_codes[year - 1] = rolled_codes.get(year - 1, 0) + 1
                    entry_rows.append(
                        (
                            entry_id,
                            now,
                            now,
                            matter_id,
                            lists[year - 1].pk,
                            f"{year - 1}-R{rolled_codes[year - 1]:04d}",
                            dt.date(year - 1, 2, 1),
                            "",
                            "rolled_over",
                        )
                    )
                entry_id += 1
                entry_rows.append(
                    (entry_id, now, now, matter_id, lists[year].pk, code, start, "" if age else "年度滚动", "current")
                )
        t = lap("compute rows in Python", t)

        counts["matters"] = copy_rows(
            pg,
            Matter,
            [
                "id",
                "created",
                "last_updated",
                "version",
                "partnership",
                "year_list",
                "year",
                "code",
                "title",
                "field",
                "goal",
                "description",
                "status",
                "start_date",
                "due_date",
                "percent_complete",
                "next_milestone_due",
                "watch_from",
                "lag_date",
                "completion_requested_at",
                "completed_on",
                "confirmed_by",
                "search_document",
            ],
            matter_rows,
        )
        counts["matter sides"] = copy_rows(
            pg,
            MatterSide,
            [
                "id",
                "created",
                "last_updated",
                "matter",
                "year_list",
                "region",
                "responsible_leader",
                "percent_complete",
                "last_reported_on",
            ],
            side_rows,
        )
        counts["owning units"] = copy_rows(
            pg, MatterOwner, ["id", "created", "last_updated", "matter", "organisation", "side", "role"], owner_rows
        )
        counts["list entries"] = copy_rows(
            pg,
            ListEntry,
            ["id", "created", "last_updated", "matter", "year_list", "code", "entered_on", "reason", "outcome"],
            entry_rows,
        )
        t = lap("COPY matters, sides, owners, entries", t)
        counts["milestones"] = copy_rows(
            pg,
            Milestone,
            [
                "id",
                "created",
                "last_updated",
                "version",
                "matter",
                "year_list",
                "side",
                "title",
                "due_date",
                "done_date",
                "evidence",
            ],
            ms_rows,
        )
        t = lap("COPY milestones", t)
        counts["progress reports"] = copy_rows(
            pg,
            ProgressReport,
            [
                "id",
                "created",
                "last_updated",
                "version",
                "matter",
                "side",
                "organisation",
                "author",
                "period",
                "reported_on",
                "text",
                "percent_complete",
                "search_document",
            ],
            rp_rows,
        )
        t = lap("COPY progress reports", t)
        del matter_rows, side_rows, owner_rows, entry_rows, ms_rows, rp_rows

        models = [Region, Organisation, Matter, MatterSide, MatterOwner, ListEntry, Milestone, ProgressReport]
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
    t = lap("commit (deferred foreign-key checks)", t)
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute("CREATE INDEX matters_matter_vector_idx ON matters_matter USING GIN (search_vector)")
        cursor.execute(
            "CREATE INDEX matters_progressreport_fts_idx ON matters_progressreport "
            "USING GIN (to_tsvector('simple', search_document))"
        )
        t = lap("rebuild full-text indexes", t)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    lap("VACUUM ANALYZE", t)
    counts = {"regions": len(regions), **counts}
    return counts


if __name__ == "__main__":
    main()

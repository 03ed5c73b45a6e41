"""Time the Excel import and export of the annual list (matters/excel.py) on the database of DATABASE_URL.

    .venv/bin/python bench/import_bench.py                       # SQLite (a temporary file database)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/twincity_xl .venv/bin/python bench/import_bench.py

A fresh test database is created beside the one named (``test_<name>`` on PostgreSQL, a temporary file
on SQLite), migrated, given a two-sided partnership with 40 units, and dropped at the end. The script
builds a file of ``--rows`` new matters in memory (every column filled: code, title, field, goal,
description, status, dates, a lead and a supporting unit and a leader on each side), then times

1. ``parse_import`` + ``apply_import`` of that file (the figure the issue asks for: under 20 s for 5,000);
2. ``export_matters`` of the list just imported, and the re-import of that export unchanged;
3. a second file of ``--rows`` matters into the next year, then the export of both years together.

4. the re-import of the export with ``--edited`` rows changed (their due date and lead unit): updates go
   through ``services.update_matter`` one matter at a time, so this gives the cost of one update.

Figures are wall-clock seconds and this process's CPU seconds (the machine may be shared: the load average
is printed before and after; on PostgreSQL the server's own CPU is not in the CPU column). ``--queries``
also counts the SQL statements of the first import (slower: Django keeps every statement in memory).
jieba's dictionary is loaded before the clock starts, as a running server has it (``--cold`` counts it).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twincity.settings")
os.environ.setdefault("TWINCITY_LOG_LEVEL", "WARNING")

TITLES = [
    "共建内陆开放门户",
    "推动现代服务业开放试点",
    "建设国家级大数据中心",
    "探索经济区与行政区适度分离改革",
    "共建产业转移承接平台",
    "共建国家战略能源和应急物资储备基地",
    "推进政务服务“一网通办”",
    "深化自贸试验区法院协作",
    "共建人力资源服务产业园",
    "联合开展招商引资推介",
]
GOALS = ["年内完成方案编制并报批", "形成可复制推广的制度成果", "签署合作协议并启动实施", "建成运行并实现数据共享"]
DESCRIPTIONS = [
    "两地相关部门建立联席会议机制，每季度会商一次，明确责任分工和时间节点，定期报送进展。",
    "围绕产业链协同，梳理重点项目清单，开展联合招商，推动项目错位布局，避免同质化竞争。",
    "对标先进地区经验，完善政策体系，推动政策互认和标准统一，为市场主体提供一致的营商环境。",
]


def build_file(sides, fields, units_by_side, *, rows: int, year: int, prefix: str) -> bytes:
    from openpyxl import Workbook

    from twincity.matters.excel import STATUS_WORDS, layout

    columns = layout(sides)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("重点合作事项")
    ws.append([c.zh for c in columns])
    ws.append([c.en for c in columns])
    for i in range(rows):
        values = {
            "code": f"{prefix}{year}-{i + 1:04d}",
            "title": f"{TITLES[i % len(TITLES)]}（{i + 1}）",
            "field": fields[i % len(fields)].name,
            "goal": GOALS[i % len(GOALS)],
            "description": DESCRIPTIONS[i % len(DESCRIPTIONS)],
            "status": STATUS_WORDS["in_progress"],
            "start_date": f"{year}-01-{1 + i % 28:02d}",
            "due_date": f"{year}年12月{1 + i % 28}日",
        }
        for side in sides:
            units = units_by_side[side.pk]
            values[f"lead:{side.pk}"] = units[i % len(units)].name
            values[f"support:{side.pk}"] = units[(i + 7) % len(units)].name
            values[f"leader:{side.pk}"] = f"{side.short_name}领导{i % 50}"
        ws.append([values.get(c.key) for c in columns])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--year", type=int, default=2020)
    parser.add_argument("--edited", type=int, default=200, help="rows changed in the re-import of step 4")
    parser.add_argument("--queries", action="store_true", help="count the SQL statements of the first import")
    parser.add_argument("--profile", metavar="FILE", help="cProfile the first import's parse and apply into FILE")
    parser.add_argument("--first-only", action="store_true", help="stop after the first import (steps 2-4 skipped)")
    parser.add_argument(
        "--cold",
        action="store_true",
        help="leave jieba's dictionary unloaded until the import needs it (by default it is loaded before the clock "
        "starts, as in a server that has already searched or saved a matter)",
    )
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory(prefix="twincity-import-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp.name}/bench.sqlite3")

    import django
    from django.conf import settings

    django.setup()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.db import connection

    db = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        db.setdefault("TEST", {})["NAME"] = f"{tmp.name}/bench-test.sqlite3"  # a file, as in production
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        run(args, connection)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        tmp.cleanup()


def run(args, connection) -> None:
    from django.test.utils import CaptureQueriesContext

    from twincity.audit.models import AuditEvent, ObjectChange
    from twincity.matters.excel import apply_import, parse_import
    from twincity.regions.choices import OrganisationKind
    from twincity.regions.models import Field, Organisation
    from twincity.testing import build_world

    world = build_world(code_prefix="B")
    for side, name in ((world.tf, "天府新区"), (world.lj, "两江新区")):
        for n in range(20):
            Organisation.objects.create(region=side, name=f"{name}部门{n:02d}", kind=OrganisationKind.DEPARTMENT)
    sides = world.partnership.sides()
    fields = list(Field.objects.filter(partnership=world.partnership))
    units = {s.pk: list(Organisation.objects.filter(region=s).order_by("pk")) for s in sides}
    office = world.users["office"]
    figures: list[tuple[str, float | None, float | None, str]] = []
    load_before = os.getloadavg()

    def clock() -> tuple[float, float]:
        return time.perf_counter(), time.process_time()

    def since(start: tuple[float, float]) -> tuple[float, float]:
        now = clock()
        return now[0] - start[0], now[1] - start[1]

    def timed_import(content: bytes, year: int, label: str):
        started = clock()
        plan = parse_import(io.BytesIO(content), partnership=world.partnership, year=year, user=office)
        parse_wall, parse_cpu = since(started)
        if plan.errors:
            raise SystemExit(f"the bench file has errors: {[str(e) for e in plan.errors[:5]]}")
        between = clock()
        result = apply_import(plan, user=office)
        apply_wall, apply_cpu = since(between)
        total_wall, total_cpu = since(started)
        figures.append((f"{label}: parse", parse_wall, parse_cpu, f"{len(plan.rows)} rows"))
        figures.append(
            (f"{label}: apply", apply_wall, apply_cpu, f"{result.created} created, {result.updated} updated")
        )
        figures.append((f"{label}: parse + apply", total_wall, total_cpu, f"{len(plan.rows) / total_wall:.0f} rows/s"))
        return result, apply_wall

    if not args.cold:
        from twincity.core import search

        started = clock()
        search.document("预热分词词典")  # jieba loads its dictionary once per process (0.7-1.0 s)
        figures.append(("load jieba's dictionary (once a process)", *since(started), "before the clock"))

    started = clock()
    content = build_file(sides, fields, units, rows=args.rows, year=args.year, prefix="")
    figures.append(("build the file (openpyxl)", *since(started), f"{len(content) / 1e6:.2f} MB"))

    changes_before = ObjectChange.objects.count()
    if args.profile:
        import cProfile

        with cProfile.Profile() as profiler:
            timed_import(content, args.year, f"import {args.rows} new")
        profiler.dump_stats(args.profile)
    elif args.queries:
        with CaptureQueriesContext(connection) as ctx:
            timed_import(content, args.year, f"import {args.rows} new")
        figures.append(("SQL statements of that import", None, None, f"{len(ctx.captured_queries)}"))
    else:
        timed_import(content, args.year, f"import {args.rows} new")
    figures.append(
        (
            "audit rows written",
            None,
            None,
            f"{ObjectChange.objects.count() - changes_before} change records, "
            f"{AuditEvent.objects.filter(verb='matter.created').count()} matter.created events",
        )
    )

    if not args.first_only:
        later_steps(args, world, sides, fields, units, figures, clock, since, timed_import)
    report(args, connection, figures, load_before)


def later_steps(args, world, sides, fields, units, figures, clock, since, timed_import) -> None:
    """Steps 2-4: export, re-import unchanged, a second year, re-import with edits."""
    from twincity.matters.excel import export_matters
    from twincity.matters.models import Matter

    started = clock()
    exported = export_matters(Matter.objects.all(), world.partnership)
    figures.append((f"export {args.rows}", *since(started), f"{len(exported) / 1e6:.2f} MB"))
    timed_import(exported, args.year, f"re-import {args.rows} unchanged")

    second = build_file(sides, fields, units, rows=args.rows, year=args.year + 1, prefix="")
    timed_import(second, args.year + 1, f"import {args.rows} new (second year)")
    started = clock()
    both = export_matters(Matter.objects.all(), world.partnership)
    figures.append((f"export {2 * args.rows} (two years)", *since(started), f"{len(both) / 1e6:.2f} MB"))

    edited = edit_rows(exported, count=min(args.edited, args.rows), units=units, sides=sides)
    _result, apply_wall = timed_import(edited, args.year, f"re-import with {min(args.edited, args.rows)} rows edited")
    figures.append(
        ("one update (apply / edited rows)", None, None, f"{apply_wall / max(args.edited, 1) * 1000:.0f} ms")
    )


def report(args, connection, figures, load_before) -> None:
    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']}), {args.rows} rows")
    print(f"load average before: {load_before[0]:.2f}, after: {os.getloadavg()[0]:.2f} (2 cores)")
    width = max(len(label) for label, *_rest in figures)
    print(f"{'':<{width}}  {'wall':>8}    {'CPU':>8}")
    for label, wall, cpu, note in figures:
        shown = f"{wall:8.2f} s  {cpu:8.2f} s" if wall is not None else " " * 22
        print(f"{label:<{width}}  {shown}  {note}")


def edit_rows(content: bytes, *, count: int, units, sides) -> bytes:
    """The exported file with the due date and the first side's lead unit changed in ``count`` rows."""
    import datetime as dt

    from openpyxl import load_workbook

    from twincity.matters.excel import FIRST_DATA_ROW, layout

    columns = {c.key: i + 1 for i, c in enumerate(layout(sides))}
    wb = load_workbook(io.BytesIO(content))
    ws = wb.worksheets[0]
    lead = f"lead:{sides[0].pk}"
    for n in range(count):
        row = FIRST_DATA_ROW + n
        ws.cell(row, columns["due_date"]).value = dt.date(2020, 11, 30)
        ws.cell(row, columns[lead]).value = units[sides[0].pk][(n + 3) % len(units[sides[0].pk])].name
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


if __name__ == "__main__":
    main()

"""Time the register pages with many entries: lists, search, an entry's page, the lesson list with
follow-up lights, the Excel export and an all-or-nothing import.

    .venv/bin/python bench/registers/run.py                 # a temporary SQLite database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/twincity_bench_registers .venv/bin/python bench/registers/run.py

It builds the test partnership (``twincity.testing.build_world``) in a fresh database, adds
``--requests`` joint requests, ``--lessons`` lessons from one visit (every third linked to one of
``--matters`` matters), then times each page through Django's test client (median of ``--repeat``
after a warm-up) and counts its queries. A PostgreSQL database name must contain "bench"; it is
dropped and created again.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
_tmp = tempfile.mkdtemp(prefix="twincity-bench-registers-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_tmp}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twincity.settings")
os.environ.setdefault("TWINCITY_LOG_LEVEL", "WARNING")
os.environ["TWINCITY_DEBUG"] = "true"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--lessons", type=int, default=3000)
    parser.add_argument("--matters", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    db = settings.DATABASES["default"]
    if connection.vendor == "postgresql":
        if "bench" not in db["NAME"]:
            sys.exit("The PostgreSQL database name must contain 'bench'.")
        _recreate_postgres(db)
    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)

    from twincity.audit.context import acting
    from twincity.matters.services import OwnerSpec
    from twincity.petitions import services as petitions
    from twincity.petitions.excel import PetitionWorkbook
    from twincity.registers import services as registers
    from twincity.testing import build_world, make_matter
    from twincity.visits import services as visits
    from twincity.visits.models import Lesson

    started = time.perf_counter()
    w = build_world()
    office = w.users["office"]
    with acting(office):
        for i in range(args.requests):
            petitions.create_petition(
                partnership=w.partnership,
                user=office,
                code=f"Q{i:05d}",
                year=2020 + i % 6,
                title=f"共同争取第{i}项国家级试点政策支持",
                target_authority="国家发展改革委" if i % 2 else "商务部",
                drafting_units=[w.tf_dept, w.lj_dept],
                text="联合申请文本",
            )
        matters = [
            make_matter(w, title=f"跟进事项{i}", owners=[OwnerSpec(w.tf_dept), OwnerSpec(w.lj_dept)])
            for i in range(args.matters)
        ]
        visit = visits.create_visit(
            partnership=w.partnership,
            user=office,
            title="两江新区党政代表团来川考察",
            visiting_region=w.lj,
            host_region=w.tf,
            start_date=dt.date(2019, 7, 9),
            end_date=dt.date(2019, 7, 10),
        )
        for i in range(args.lessons):
            lesson = visits.create_lesson(
                partnership=w.partnership,
                user=office,
                visit=visit,
                side=w.lj,
                title=f"经验第{i}条",
                text="坚持改革创新",
            )
            if i % 3 == 0:
                registers.link_matter(lesson, matters[i % len(matters)], user=office)
    built = time.perf_counter() - started

    client = Client()
    client.force_login(office)
    p = w.partnership.pk
    first = Lesson.objects.filter(partnership=w.partnership).first()
    pages = {
        "request list (50 rows)": f"/petitions/?partnership={p}",
        "request list, filtered by status and year": f"/petitions/?partnership={p}&status=drafting&year=2023",
        "request list, search 试点政策": f"/petitions/?partnership={p}&q=试点政策",
        "request page": f"/petitions/{petitions_first(w)}/",
        "lesson list with follow-up lights": f"/visits/lessons/?partnership={p}",
        "lesson page": f"/visits/lessons/{first.pk}/",
        "API request list": f"/api/petitions/?partnership={p}",
        f"export of {args.requests} requests (xlsx)": f"/petitions/export.xlsx?partnership={p}",
    }
    print(
        f"{connection.vendor}: {args.requests} requests, {args.lessons} lessons, {args.matters} matters "
        f"built in {built:.1f} s"
    )
    print(f"{'page':48} {'median ms':>10} {'best ms':>9} {'queries':>8}")
    for name, url in pages.items():
        repeat = 3 if "export" in name else args.repeat
        client.get(url)  # warm-up
        times = []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        print(f"{name:48} {statistics.median(times):10.1f} {min(times):9.1f} {len(queries):8d}")

    # An import of 1,000 new rows, checked and written all or nothing.
    workbook = PetitionWorkbook()
    content = _sheet(workbook, 1000, w)
    from django.core.files.uploadedfile import SimpleUploadedFile

    start = time.perf_counter()
    with acting(office):
        result = workbook.import_file(SimpleUploadedFile("q.xlsx", content), partnership=w.partnership, user=office)
    took = time.perf_counter() - start
    assert result.is_valid, result.problems[:3]
    assert result.created == 1000, result.problems[:3]
    print(f"{'import of 1,000 new requests (xlsx)':48} {took * 1000:10.1f}")


def petitions_first(w):
    from twincity.petitions.models import Petition

    return Petition.objects.filter(partnership=w.partnership).order_by("pk").first().pk


def _sheet(workbook, rows: int, w) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    headers = [c.zh for c in workbook.layout() if c.imported]
    ws.append(headers)
    for i in range(rows):
        values = {
            "年度": 2026,
            "事项名称": f"导入的争取事项{i}",
            "争取对象": "国家发展改革委",
            "起草单位": w.tf_dept.name,
        }
        ws.append([values.get(h) for h in headers])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _recreate_postgres(db) -> None:
    import psycopg

    with psycopg.connect(host=db["HOST"], port=db["PORT"], user=db["USER"], dbname="postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{db["NAME"]}"')
        c.execute(f'CREATE DATABASE "{db["NAME"]}"')


if __name__ == "__main__":
    main()

"""Where a page's time goes: its SQL queries, slowest first, with EXPLAIN ANALYZE of the slowest.

    .venv/bin/python bench/web/profile.py                 # every measured URL
    .venv/bin/python bench/web/profile.py --only dashboard --explain 3

Each URL is requested in-process (Django test client, the benchmark settings, signed in as
``bench-office``) ``--repeat`` times; the last request's queries are listed with their own times, so
the difference between the request time and the SQL time is Python (ORM, templates, serializers).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/twincity_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.web.settings")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help="only URLs whose label contains this")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--explain", type=int, default=2, help="EXPLAIN ANALYZE the N slowest queries")
    parser.add_argument("--top", type=int, default=8, help="list the N slowest queries")
    parser.add_argument("--width", type=int, default=400, help="characters of SQL shown")
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from run import credentials, urls

    from twincity.regions.models import Partnership

    partnership = Partnership.objects.get(short_name="BENCH")
    _user, session_key, token = credentials()
    headers = {
        "session": {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session_key}"},
        "token": {"Authorization": f"Token {token}"},
    }
    seen = set()
    for label, path, auth in urls(partnership):
        if path in seen or (args.only and args.only not in label):
            continue
        seen.add(path)
        client = Client(headers=headers[auth])
        times = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as captured:
                t0 = time.perf_counter()
                response = client.get(path)
                times.append(time.perf_counter() - t0)
        queries = captured.captured_queries
        sql_ms = sum(float(q["time"]) for q in queries) * 1000
        print(f"\n=== {label}  {path}  status {response.status_code}")
        print(
            f"request {min(times) * 1000:.1f} ms (best of {args.repeat}), last: {times[-1] * 1000:.1f} ms, "
            f"{len(queries)} queries, {sql_ms:.0f} ms in SQL"
        )
        ranked = sorted(queries, key=lambda q: float(q["time"]), reverse=True)
        for q in ranked[: args.top]:
            sql = " ".join(q["sql"].split())
            print(f"  {float(q['time']) * 1000:8.1f} ms  {sql[: args.width]}")
        for q in ranked[: args.explain]:
            if not q["sql"].lstrip().upper().startswith("SELECT"):
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
                plan = "\n".join("    " + row[0] for row in cursor.fetchall())
            print(f"\n  EXPLAIN ANALYZE of the {float(q['time']) * 1000:.0f} ms query:\n{plan}")


if __name__ == "__main__":
    main()

"""Time a figure import of about 1,000,000 observations through the import path (check, then apply with progress).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tc_imp_bench .venv/bin/python bench/indicators/import_bench.py
    .venv/bin/python bench/indicators/import_bench.py --regions 30      # SQLite, 100,000 rows

A fresh test database (``test_<name>`` on PostgreSQL, a temporary file on SQLite) is created, migrated, given
the personas' partnership, ``--regions`` regions and ``--elements`` data elements, and dropped at the end.
The file is a long CSV (region, period, element, value, unit) of regions × elements × periods rows. Timed:
``Importer.check`` (parse, match, validate, count new/changed) and ``Importer.apply`` (the writes through
``services.record_observations``, in chunks, one transaction, progress written to a ``Job`` as the worker
does). Wall-clock and this process's CPU seconds; the load average before and after (the machine is shared).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twincity.settings")
os.environ.setdefault("TWINCITY_LOG_LEVEL", "WARNING")


def run(args) -> None:
    from bench.indicators.generate import long_csv

    from twincity.audit.context import acting
    from twincity.audit.models import ObjectChange
    from twincity.indicators import jobs, services
    from twincity.indicators.choices import JobKind
    from twincity.indicators.imports import Importer, Options
    from twincity.indicators.models import DataElement, Observation
    from twincity.regions.models import Region
    from twincity.testing import build_world

    w = build_world()
    office = w.users["office"]
    Region.objects.bulk_create([Region(code=f"B{r:03d}", name=f"测试地区{r:03d}") for r in range(args.regions)])
    with acting(office):
        for e in range(args.elements):
            services.create_element(
                partnership=w.partnership, user=office, code=f"E{e:03d}", name=f"数据项{e}", unit="亿元"
            )
    data = long_csv(args.regions, args.elements, args.periods)
    rows = args.regions * args.elements * args.periods
    print(f"file: {rows:,} rows, {len(data) / 1e6:.1f} MB; load average {os.getloadavg()}", flush=True)
    with acting(office):
        job = jobs.start(w.partnership, JobKind.IMPORT, "bench", office)
        importer = Importer(w.partnership, office, Options())
        t0, c0 = time.perf_counter(), time.process_time()
        check = importer.check(data, "bench.csv", on_progress=lambda n: jobs.progress(job, n, rows))
        t1, c1 = time.perf_counter(), time.process_time()
        print(f"check: {t1 - t0:.1f} s wall, {c1 - c0:.1f} s CPU; rows {check.rows:,}, errors {check.error_count}")
        assert check.is_valid, check.errors[:5]
        jobs.begin(job, total=rows)
        last = [t1]

        def progress(done):
            jobs.progress(job, done, rows)
            now = time.perf_counter()
            if args.verbose:
                print(f"  {done:,} rows, {now - last[0]:.1f} s", flush=True)
            last[0] = now

        t2, c2 = time.perf_counter(), time.process_time()
        counts = importer.apply(data, "bench.csv", on_progress=progress, cancelled=lambda: jobs.cancelled(job))
        t3, c3 = time.perf_counter(), time.process_time()
        jobs.finish(job, result=counts)
    print(f"apply: {t3 - t2:.1f} s wall, {c3 - c2:.1f} s CPU; {counts}")
    print(f"total check + apply: {t3 - t0:.1f} s; load average {os.getloadavg()}")
    print(f"observations {Observation.objects.count():,}, change records {ObjectChange.objects.count():,}")
    assert Observation.objects.count() == rows
    assert DataElement.objects.count() == args.elements
    jobs.close_side_connection()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regions", type=int, default=300)
    parser.add_argument("--elements", type=int, default=100)
    parser.add_argument("--periods", type=int, default=34)
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--profile", action="store_true", help="cProfile the run, top 30 by cumulative time")
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory(prefix="twincity-indicator-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp.name}/bench.sqlite3")

    import django
    from django.conf import settings

    django.setup()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.db import connection

    db = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        db.setdefault("TEST", {})["NAME"] = f"{tmp.name}/bench-test.sqlite3"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.runcall(run, args)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
        else:
            run(args)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        tmp.cleanup()


if __name__ == "__main__":
    main()

"""A page's time in process, on a miss: the median of ``--repeat`` requests through Django's test client (the benchmark
settings, a dummy cache, signed in as ``bench-office``), with the dashboard's parts timed beside the whole.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/twincity_bench_50k .venv/bin/python bench/web/inprocess.py
    DATABASE_URL=… .venv/bin/python bench/web/inprocess.py --path /matters/?partnership=1 --repeat 60

To compare two versions of the code on the same database, run it alternately with ``PYTHONPATH=<worktree>/src``
(the other version's sources) and without, a few times each: the machine is shared, so read pairs, not one figure.
"""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/twincity_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.web.settings")
os.environ["TWINCITY_CACHE_URL"] = "dummy://"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--path", help="the page (default: the bench partnership's dashboard)")
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--warm", type=int, default=5, help="requests before the clock")
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from run import credentials

    from twincity.core import registry
    from twincity.regions.models import Partnership
    from twincity.workspace import views

    spent: dict[str, list[float]] = {}

    def timed(module, name: str) -> None:
        function = getattr(module, name)

        @functools.wraps(function)
        def wrapper(*a, **kw):
            start = time.perf_counter()
            try:
                return function(*a, **kw)
            finally:
                spent.setdefault(name, []).append(time.perf_counter() - start)

        setattr(module, name, wrapper)

    for module, name in ((views, "_dashboard_figures"), (views, "render"), (registry, "panels")):
        timed(module, name)
    partnership = Partnership.objects.get(short_name="BENCH")
    _user, session_key, _token = credentials()
    client = Client(headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={session_key}"})
    path = args.path or f"/p/{partnership.pk}/"
    times = []
    for _ in range(args.warm + args.repeat):
        start = time.perf_counter()
        response = client.get(path)
        times.append(time.perf_counter() - start)
    if response.status_code != 200:
        raise SystemExit(f"{path}: {response.status_code}")
    with CaptureQueriesContext(connection) as captured:
        client.get(path)

    def median(values: list[float]) -> str:
        return f"{statistics.median(values[args.warm :]) * 1000:.1f} ms"

    parts = ", ".join(f"{name} {median(values)}" for name, values in spent.items())
    print(f"{path}: {median(times)} (median of {args.repeat}), {len(captured.captured_queries)} queries; {parts}")


if __name__ == "__main__":
    main()

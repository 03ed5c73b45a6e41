"""Index-run benchmark: 300 regions × 100 indicators × 20 periods, end to end with the database (600,000 figures
in the db → ``runs.start_run``: read the figures, compute, coupling, rank uncertainty, store the run).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tc_runs_bench .venv/bin/python bench/indicators/run_bench.py

The database is dropped and created afresh (its name must contain "bench") and migrated; the figures go in with
``bulk_create`` (bench data, no trail; the generator is ``generate`` below). Then the run is timed (best of 3).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tc_runs_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twincity.settings")
os.environ.setdefault("TWINCITY_LOG_LEVEL", "WARNING")
os.environ["TWINCITY_DEBUG"] = "false"
os.environ.setdefault("TWINCITY_SECRET_KEY", "bench-only-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz")


def fresh_database() -> None:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    db = settings.DATABASES["default"]
    if "bench" not in str(db["NAME"]):
        sys.exit("The database name must contain 'bench'.")
    if connection.vendor == "postgresql":
        import psycopg

        connection.close()
        with psycopg.connect(
            host=db["HOST"], port=db["PORT"], user=db["USER"], dbname="postgres", autocommit=True
        ) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{db["NAME"]}"')
            c.execute(f'CREATE DATABASE "{db["NAME"]}"')
    else:
        Path(db["NAME"]).unlink(missing_ok=True)
    call_command("migrate", verbosity=0)


def generate(regions: int, indicators: int, periods: int, seed: int = 7):
    """A partnership (the personas' world), ``regions`` regions (its two sides among them), one data element and
    one indicator per column, a framework of five dimensions and the figures (log-normal, 30 % cost)."""
    import numpy as np
    from django.db import connection

    from twincity.audit.context import acting
    from twincity.indicators import services
    from twincity.indicators.choices import Direction
    from twincity.indicators.models import DataElement, FrameworkNode, Indicator, Observation
    from twincity.regions.models import Region
    from twincity.testing import build_world

    rng = np.random.default_rng(seed)
    w = build_world()
    office = w.users["office"]
    others = Region.objects.bulk_create(
        [Region(code=f"B{i:04d}", name=f"地区{i}", name_en=f"Region {i}") for i in range(regions - 2)]
    )
    region_list = [w.tf, w.lj, *others]
    elements = DataElement.objects.bulk_create(
        [DataElement(partnership=w.partnership, code=f"E{j:03d}", name=f"数据项{j}") for j in range(indicators)]
    )
    dirs = np.where(rng.random(indicators) < 0.3, Direction.COST, Direction.BENEFIT)
    inds = Indicator.objects.bulk_create(
        [
            Indicator(partnership=w.partnership, code=f"I{j:03d}", name=f"指标{j}", numerator=e, direction=int(dirs[j]))
            for j, e in enumerate(elements)
        ]
    )
    with acting(office):
        fw = services.create_framework(partnership=w.partnership, user=office, code="BENCH", name="基准指标体系")
        root = services.save_node(fw, user=office, code="IDX", name="指数")
        dims = [services.save_node(fw, user=office, code=f"D{k}", name=f"维度{k}", parent=root) for k in range(5)]
        panel = services.create_panel(partnership=w.partnership, user=office, name="全部", regions=region_list)
    FrameworkNode.objects.bulk_create(
        [
            FrameworkNode(
                framework=fw,
                parent=dims[j % 5],
                code=f"n{j}",
                name=f"指标{j}",
                indicator=ind,
                direction=ind.direction,
                order=j,
            )
            for j, ind in enumerate(inds)
        ]
    )
    years = [str(2005 + t) for t in range(periods)]
    values = rng.lognormal(0.0, 1.0, size=(periods, regions, indicators)) + 0.01
    batch = []
    for t, year in enumerate(years):
        for i, region in enumerate(region_list):
            for j, e in enumerate(elements):
                batch.append(
                    Observation(
                        partnership=w.partnership,
                        element=e,
                        region=region,
                        period=year,
                        value=round(float(values[t, i, j]), 4),
                    )
                )
            if len(batch) >= 50_000:
                Observation.objects.bulk_create(batch)
                batch = []
    Observation.objects.bulk_create(batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return w, fw, panel, region_list, years


def existing():
    """The scene ``generate`` left in the database."""
    from types import SimpleNamespace

    from django.contrib.auth import get_user_model

    from twincity.indicators.models import Framework, Observation, ReferencePanel

    fw = Framework.objects.get(code="BENCH")
    panel = ReferencePanel.objects.get(partnership=fw.partnership)
    regions = list(panel.regions.order_by("pk"))
    years = sorted(set(Observation.objects.order_by().values_list("period", flat=True).distinct()))
    w = SimpleNamespace(partnership=fw.partnership, users={"office": get_user_model().objects.get(username="office")})
    return w, fw, panel, regions, years


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--regions", type=int, default=300)
    parser.add_argument("--indicators", type=int, default=100)
    parser.add_argument("--periods", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="time runs on the figures generated before")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection

    from twincity.audit.context import acting
    from twincity.indicators import runs
    from twincity.indicators.models import IndexRun

    if args.reuse:
        w, fw, panel, regions, years = existing()
    else:
        fresh_database()
        started = time.perf_counter()
        w, fw, panel, regions, years = generate(args.regions, args.indicators, args.periods)
        print(f"generated {args.regions * args.indicators * args.periods:,} figures in "
              f"{time.perf_counter() - started:.1f} s ({connection.vendor})")  # fmt: skip
    office = w.users["office"]
    times = []
    for k in range(args.repeat):
        t0 = time.perf_counter()
        with acting(office):
            run = runs.start_run(
                w.partnership, fw, title=f"bench {k}", region_ids=[r.pk for r in regions], periods=years,
                panel=panel, user=office,
            )  # fmt: skip
        times.append(time.perf_counter() - t0)
        run = IndexRun.objects.get(pk=run.pk)
        assert run.status == "done", run.error
    t0 = time.perf_counter()
    same = runs.regenerate(run) == run.results
    regen = time.perf_counter() - t0
    print(f"run end to end: best {min(times):.2f} s, all {', '.join(f'{t:.2f}' for t in times)} s; "
          f"regenerate {regen:.2f} s, identical: {same}")  # fmt: skip


if __name__ == "__main__":
    main()

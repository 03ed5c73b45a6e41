"""Build the supervision benchmark's data: 250,000 open supervised items (the speed benchmark's 250,000
milestones' worth of cases), each owned by two sides with a unit each (500,000 case sides), in one partnership
of 20 member regions and 2,000 units, each unit with a contact (bench data only, never production).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tc_sheets_bench .venv/bin/python bench/supervision/generate.py
    DATABASE_URL=sqlite:///var/tc_sheets_bench.sqlite3 .venv/bin/python bench/supervision/generate.py --cases 50000

The database is dropped and created afresh (its name must contain "bench") and migrated. Rows go in with the
ORM's ``bulk_create`` (no trail: bench data). Dates are drawn around ``--today`` (reproducible for a ``--seed``)
so that a first run meets every case of the rules: some overdue (red), some feedback late or sign-off missed
(yellow), some due within days (blue), most of them quiet; and some sign-offs and feedback due tomorrow
(reminders). ``bench/supervision/run.py`` then times the run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tc_sheets_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twincity.settings")
os.environ.setdefault("TWINCITY_LOG_LEVEL", "WARNING")
os.environ["TWINCITY_DEBUG"] = "false"
os.environ.setdefault("TWINCITY_SECRET_KEY", "bench-only-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz")

TODAY = dt.date(2026, 11, 29)
CHUNK = 10_000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=250_000)
    parser.add_argument("--regions", type=int, default=20)
    parser.add_argument("--units", type=int, default=2_000)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=TODAY)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()

    import django

    django.setup()
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
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    build(args)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"built {args.cases:,} cases in {time.perf_counter() - started:.0f} s ({connection.vendor})")


def build(args) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from twincity.accounts.models import Membership
    from twincity.regions.choices import OrganisationKind
    from twincity.regions.models import Organisation, Partnership, PartnershipRegion, Region
    from twincity.supervision.models import Case, CaseSide

    rnd = random.Random(args.seed)
    today = args.today
    partnership = Partnership.objects.create(
        name="成渝地区双城经济圈合作机制（督办基准）", name_en="Supervision bench", established_on=dt.date(2020, 3, 1)
    )
    regions = Region.objects.bulk_create(
        [
            Region(code=f"R{i:02d}", name=f"基准区域{i}", name_en=f"Region {i}", short_name=f"区{i}")
            for i in range(args.regions)
        ]
    )
    PartnershipRegion.objects.bulk_create(
        [PartnershipRegion(partnership=partnership, region=r, rotation_order=i + 1) for i, r in enumerate(regions)]
    )
    units = Organisation.objects.bulk_create(
        [
            Organisation(region=regions[i % len(regions)], name=f"基准单位{i}", kind=OrganisationKind.DEPARTMENT)
            for i in range(args.units)
        ]
    )
    User = get_user_model()
    people = [User(username=f"unit{i}", email=f"unit{i}@bench.invalid") for i in range(args.units)]
    people += [User(username=f"coord{i}", email=f"coord{i}@bench.invalid") for i in range(args.regions)]
    people += [User(username=f"office{i}") for i in range(2)] + [User(username=f"leader{i}") for i in range(3)]
    for u in people:
        u.set_unusable_password()
    people = User.objects.bulk_create(people)
    by_name = {u.username: u for u in people}
    members = [
        Membership(user=by_name[f"unit{i}"], partnership=partnership, role="unit_contact", organisation=unit)
        for i, unit in enumerate(units)
    ]
    members += [
        Membership(user=by_name[f"coord{i}"], partnership=partnership, role="region_coordinator", region=r)
        for i, r in enumerate(regions)
    ]
    members += [Membership(user=by_name[f"office{i}"], partnership=partnership, role="office_admin") for i in range(2)]
    members += [Membership(user=by_name[f"leader{i}"], partnership=partnership, role="leader") for i in range(3)]
    Membership.objects.bulk_create(members)

    milestone = ContentType.objects.get(app_label="matters", model="milestone")
    units_of: dict[int, list] = {}
    for unit in units:
        units_of.setdefault(unit.region_id, []).append(unit)
    now = timezone.now()
    for start in range(0, args.cases, CHUNK):
        cases, plans = [], []
        for n in range(start, min(start + CHUNK, args.cases)):
            assigned = today - dt.timedelta(days=rnd.randint(3, 200))
            roll = rnd.random()
            if roll < 0.06:  # overdue
                due = today - dt.timedelta(days=rnd.randint(1, 60))
            elif roll < 0.08:  # due within days
                due = today + dt.timedelta(days=rnd.randint(0, 3))
            else:
                due = today + dt.timedelta(days=rnd.randint(4, 400))
            cases.append(
                Case(
                    partnership=partnership,
                    content_type=milestone,
                    object_id=n + 1,
                    kind="milestone",
                    code=f"M{n + 1:06d}",
                    title=f"基准督办事项第{n + 1}项",
                    url=f"/matters/milestones/{n + 1}/",
                    assigned_on=min(assigned, due),
                    due_on=due,
                )
            )
            a, b = rnd.sample(regions, 2)
            plans.append((a, b))
        Case.objects.bulk_create(cases, batch_size=5000)
        sides = []
        for case, pair in zip(cases, plans, strict=True):
            for region in pair:
                roll = rnd.random()
                signoff_due = case.assigned_on + dt.timedelta(days=2)
                signed = None if roll < 0.02 else now
                if roll < 0.01:  # a sign-off due tomorrow
                    signoff_due = today + dt.timedelta(days=1)
                late = rnd.random()
                if late < 0.05:  # feedback late, 0–10 days
                    next_feedback = today - dt.timedelta(days=rnd.randint(0, 10))
                elif late < 0.08:  # feedback due tomorrow
                    next_feedback = today + dt.timedelta(days=1)
                else:
                    next_feedback = today + dt.timedelta(days=rnd.randint(2, 30))
                sides.append(
                    CaseSide(
                        case=case,
                        side=region,
                        organisation=rnd.choice(units_of[region.pk]),
                        signoff_due_on=signoff_due,
                        signed_at=signed,
                        next_feedback_on=next_feedback,
                    )
                )
        CaseSide.objects.bulk_create(sides, batch_size=5000)
        print(f"  {start + len(cases):,} cases", flush=True)


if __name__ == "__main__":
    main()

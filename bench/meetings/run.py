"""Time the agenda proposal and the meeting pack on the large benchmark partnership (bench data only).

    # once: a copy of the web benchmark's database (bench/web/generate.py), migrated to today's schema
    createdb -h 127.0.0.1 -U postgres -T twincity_bench twincity_bench_meetings
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/twincity_bench_meetings .venv/bin/twincity migrate
    # then
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/twincity_bench_meetings .venv/bin/python bench/meetings/run.py

It adds (or reuses) a joint-meeting series on the partnership with a held session (2026-10-16) that
decided ``--actions`` actions in every state, and a coming session (2026-12-18) whose agenda holds
``--red`` matters that are red on ``--today`` plus a few other items. Then it times, best of
``--repeat`` runs after one warm-up: the agenda proposal (``meetings.services.propose_standing_items``),
the pack's data queries, the pack PDF (counting its pages) and the minutes PDF. The database name
must contain "bench".
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/twincity_bench_meetings")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twincity.settings")
os.environ.setdefault("TWINCITY_LOG_LEVEL", "WARNING")


def timed(fn, repeat: int):
    """(result, best, median, first) over ``repeat`` runs after a first, cold one."""
    start = time.perf_counter()
    result = fn()
    first = time.perf_counter() - start
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return result, min(times), statistics.median(times), first


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--today", default="2026-11-29")
    parser.add_argument("--red", type=int, default=15, help="red matters on the agenda, one page each")
    parser.add_argument("--actions", type=int, default=30, help="actions decided at the previous session")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if "bench" not in os.environ["DATABASE_URL"].rsplit("/", 1)[-1]:
        raise SystemExit("DATABASE_URL must name a benchmark database (its name contains 'bench')")

    import django

    django.setup()
    import logging

    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    from zoneinfo import ZoneInfo

    from django.db import connection

    from twincity.matters.choices import Light
    from twincity.matters.models import Matter
    from twincity.meetings import documents, services
    from twincity.meetings.choices import ActionStatus, ItemSource, ItemStatus, OutcomeKind, SessionStatus
    from twincity.meetings.models import ActionItem, ActionOwner, AgendaItem, MeetingSeries, Outcome, Session
    from twincity.regions.models import Organisation, Partnership

    today = dt.date.fromisoformat(args.today)
    tz = ZoneInfo("Asia/Shanghai")
    rng = random.Random(20200619)
    partnership = Partnership.objects.order_by("pk").first()
    sides = partnership.sides()
    series, created = MeetingSeries.objects.get_or_create(
        partnership=partnership,
        name=f"联席会议（基准测试 {args.red}/{args.actions}）",
        defaults={"name_en": "Joint meeting (benchmark)"},
    )
    if created:
        held = Session.objects.create(
            series=series,
            partnership=partnership,
            number=1,
            host=sides[0],
            status=SessionStatus.HELD,
            starts_at=dt.datetime(2026, 10, 16, 9, 30, tzinfo=tz),
            venue="基准测试会场",
        )
        session = Session.objects.create(
            series=series,
            partnership=partnership,
            number=2,
            host=sides[1],
            starts_at=dt.datetime(2026, 12, 18, 9, 30, tzinfo=tz),
            venue="基准测试会场",
            agenda_published_at=dt.datetime(2026, 12, 10, 9, 0, tzinfo=tz),
        )
        outcome = Outcome.objects.create(session=held, kind=OutcomeKind.ACTION, number=1, text="基准测试督办事项。")
        units = list(Organisation.objects.filter(region__in=sides[:4]).order_by("pk")[:200])
        statuses = list(ActionStatus.values)
        for i in range(args.actions):
            action = ActionItem.objects.create(
                partnership=partnership,
                session=held,
                outcome=outcome,
                code=f"2026-1-{i + 1}",
                title=f"督办事项基准{i + 1}：推动两地政务服务事项互认互办",
                status=statuses[i % len(statuses)],
                due_date=today + dt.timedelta(days=rng.randint(-40, 40)),
                verified_at=dt.datetime(2026, 11, 1, tzinfo=tz) if statuses[i % len(statuses)] == "verified" else None,
            )
            for unit in rng.sample(units, 2):
                ActionOwner.objects.get_or_create(action=action, organisation=unit, defaults={"side": unit.region})
        red = list(
            Matter.objects.with_light(today)
            .filter(partnership=partnership, light=Light.RED)
            .order_by("pk")
            .values_list("pk", "title")[: args.red]
        )
        for order, (pk, title) in enumerate(red, start=1):
            AgendaItem.objects.create(
                series=series,
                partnership=partnership,
                session=session,
                status=ItemStatus.ON_AGENDA,
                order=order,
                title=f"审议{title}推进情况",
                source=ItemSource.RED_MATTER,
                matter_id=pk,
                duration_minutes=10,
            )
        for k in range(3):
            AgendaItem.objects.create(
                series=series,
                partnership=partnership,
                session=session,
                status=ItemStatus.ON_AGENDA,
                order=len(red) + k + 1,
                title=f"其他议题{k + 1}",
                duration_minutes=15,
            )
        Outcome.objects.create(session=session, item=None, kind=OutcomeKind.DECISION, number=1, text="议定事项基准。")
    session = series.sessions.get(number=2)

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    print(f"partnership: {partnership} · {Matter.objects.filter(partnership=partnership).count():,} matters")
    print(f"red today: {Matter.objects.with_light(today).filter(partnership=partnership, light=Light.RED).count():,}")

    proposals, best, median, cold = timed(lambda: services.propose_standing_items(session, today=today), args.repeat)
    print(
        f"agenda proposal: {len(proposals)} proposals · first {cold:.3f} s · best {best:.3f} s · median {median:.3f} s"
    )

    data, best, median, _ = timed(lambda: documents.pack_data(session, today=today), args.repeat)
    print(
        f"pack data: {len(data.items)} items, {len(data.red_pages)} red pages, {len(data.actions)} actions"
        f" · best {best:.3f} s · median {median:.3f} s"
    )

    pdf, best, median, cold = timed(lambda: documents.render_pack_pdf(session, today=today), args.repeat)
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        info = subprocess.run(["pdfinfo", f.name], capture_output=True, text=True).stdout
    pages = next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:"))
    print(
        f"pack PDF: {pages} pages, {len(pdf) / 1024:.0f} KiB · first {cold:.3f} s · best {best:.3f} s"
        f" · median {median:.3f} s"
    )

    _pdf, best, median, _ = timed(lambda: documents.render_minutes_pdf(session), args.repeat)
    print(f"minutes PDF: best {best:.3f} s · median {median:.3f} s")
    _docx, best, median, _ = timed(lambda: documents.render_minutes_docx(session), args.repeat)
    print(f"minutes docx: best {best:.3f} s · median {median:.3f} s")


if __name__ == "__main__":
    main()

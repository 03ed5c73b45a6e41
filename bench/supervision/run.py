"""Time the daily supervision run over the benchmark's open cases (``bench/supervision/generate.py`` first).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tc_sheets_bench .venv/bin/python bench/supervision/run.py

The sheets, notices and trail of an earlier run are removed first (and every case's colour cleared), so the
first run meets the data as generated. Then: the first run of ``--today`` (times it, counts its queries), a
rerun the same day (must write nothing), and a check of the notices written against an independent count made
in SQL from the data. The run tells each person once per kind and partnership (a notice listing their items), so
the count is of (partnership, unit contact) pairs: those of every sheet issued, and those of every side reminded;
the items the notices list, summed, must equal the (sheet, contact) and (side, contact) pairs, and each item must
be logged once.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tc_sheets_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twincity.settings")
os.environ.setdefault("TWINCITY_LOG_LEVEL", "WARNING")
os.environ["TWINCITY_DEBUG"] = "false"
os.environ.setdefault("TWINCITY_SECRET_KEY", "bench-only-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz")

TODAY = dt.date(2026, 11, 29)


class Counter:
    def __init__(self):
        self.queries = 0

    def __call__(self, execute, sql, params, many, context):
        self.queries += 1
        return execute(sql, params, many, context)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--today", type=dt.date.fromisoformat, default=TODAY)
    parser.add_argument("--batch-size", type=int, default=None)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection

    from twincity.audit.models import AuditEvent, ObjectChange
    from twincity.notifications.models import Delivery, Notification, ReminderLog
    from twincity.supervision.models import Case, Sheet, SheetStep
    from twincity.supervision.run import BATCH_SIZE, supervise

    if "bench" not in str(connection.settings_dict["NAME"]):
        sys.exit("The database name must contain 'bench'.")
    for model in (SheetStep, Sheet, Notification, ReminderLog, Delivery, AuditEvent, ObjectChange):
        model._base_manager.all()._raw_delete(connection.alias)
    Case.objects.exclude(level="").update(level="")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    cases = Case.objects.count()
    batch = args.batch_size or BATCH_SIZE
    print(f"{connection.vendor}: {cases:,} open cases, today {args.today}, batches of {batch:,}")

    for label in ("first run", "same-day rerun"):
        counter = Counter()
        started = time.perf_counter()
        with connection.execute_wrapper(counter):
            report = supervise(args.today, batch_size=batch)
        seconds = time.perf_counter() - started
        print(
            f"{label}: {seconds:.1f} s, {counter.queries:,} queries, {report.batches} batches; "
            f"sheets issued {report.issued:,} raised {report.raised:,} escalated {report.escalated:,}; "
            f"notices {report.notices:,}, reminders {report.reminders:,}; {dict(report.by_kind)}"
        )
        if label == "first run":
            first = report

    by_level = dict(Sheet.objects.values_list("level").annotate(n=django.db.models.Count("pk")).order_by())
    print(f"sheets by colour: {by_level}")
    expected, pairs, items = independent_counts(connection, args.today)
    Count = django.db.models.Count
    written = dict(Notification.objects.values_list("kind").annotate(n=Count("pk")).order_by())
    emails = dict(Delivery.objects.filter(channel="email").values_list("kind").annotate(n=Count("pk")).order_by())
    logged = dict(ReminderLog.objects.filter(recipient=None).values_list("kind").annotate(n=Count("pk")).order_by())
    listed: dict[str, int] = defaultdict(int)  # items the notices list: the count leading each title
    for kind, title in Notification.objects.values_list("kind", "title").iterator(chunk_size=5000):
        listed[kind] += int(re.match(r"\D*(\d+)", title).group(1))
    print(f"notices written (one per person, kind, partnership): {written}; e-mails queued: {emails}")
    print(f"independent count of (partnership, contact) pairs:  {expected}")
    print(f"items listed in the notices: {dict(listed)}; (item, contact) pairs in SQL: {pairs}")
    print(f"items logged as told: {logged}; items in SQL: {items}")
    nonzero = {k: v for k, v in expected.items() if v}
    ok = (
        written == nonzero
        and emails == nonzero
        and dict(listed) == {k: v for k, v in pairs.items() if v}
        and logged == {k: v for k, v in items.items() if v}
        and report.messages == 0
        and first.messages == sum(expected.values())
        and ReminderLog.objects.exclude(recipient=None).count() == sum(expected.values())
    )
    print("check:", "OK" if ok else "MISMATCH")
    if not ok:
        sys.exit(1)


def independent_counts(connection, today: dt.date) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    """What the first run should have sent, counted in SQL from the data alone (every side of the benchmark has a
    unit with exactly one contact; nothing escalates on a first run), by kind: the notices (distinct
    (partnership, contact) pairs), the (item, contact) pairs they list, and the items."""
    tomorrow = today + dt.timedelta(days=1)
    notices, pairs, items = {}, {}, {}
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT COUNT(DISTINCT (s.partnership_id, m.user_id)), COUNT(DISTINCT (s.id, m.user_id)),
                      COUNT(DISTINCT s.id)
               FROM supervision_sheet s
               JOIN supervision_caseside cs ON cs.case_id = s.case_id
               JOIN accounts_membership m ON m.organisation_id = cs.organisation_id AND m.role = 'unit_contact'
               AND m.partnership_id = s.partnership_id AND m.archived_at IS NULL"""
        )
        notices["sheet_issued"], pairs["sheet_issued"], items["sheet_issued"] = cursor.fetchone()
        for kind, where in (
            ("signoff_due", "cs.signed_at IS NULL AND cs.signoff_due_on BETWEEN %s AND %s"),
            ("feedback_due", "cs.next_feedback_on BETWEEN %s AND %s"),
        ):
            cursor.execute(
                f"""SELECT COUNT(DISTINCT (c.partnership_id, m.user_id)), COUNT(DISTINCT (cs.id, m.user_id)),
                           COUNT(DISTINCT cs.id)
                    FROM supervision_caseside cs
                    JOIN supervision_case c ON c.id = cs.case_id
                    JOIN accounts_membership m ON m.organisation_id = cs.organisation_id
                    AND m.role = 'unit_contact' AND m.partnership_id = c.partnership_id AND m.archived_at IS NULL
                    WHERE c.state = 'open' AND cs.completed_at IS NULL AND {where}""",
                [today, tomorrow],
            )
            notices[kind], pairs[kind], items[kind] = cursor.fetchone()
    return notices, pairs, items


if __name__ == "__main__":
    main()

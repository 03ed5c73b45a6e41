"""Time the daily supervision run over the benchmark's open cases (``bench/supervision/generate.py`` first).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tc_sheets_bench .venv/bin/python bench/supervision/run.py

The sheets, notices and trail of an earlier run are removed first (and every case's colour cleared), so the
first run meets the data as generated. Then: the first run of ``--today`` (times it, counts its queries), a
rerun the same day (must write nothing), and a check of the notices written against an independent count made
in SQL from the data (the owning units' contacts of every sheet issued; the contacts of every side reminded).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
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
    from twincity.notifications.models import Notification, ReminderLog
    from twincity.supervision.models import Case, Sheet, SheetStep
    from twincity.supervision.run import BATCH_SIZE, supervise

    if "bench" not in str(connection.settings_dict["NAME"]):
        sys.exit("The database name must contain 'bench'.")
    for model in (SheetStep, Sheet, Notification, ReminderLog, AuditEvent, ObjectChange):
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
    expected = independent_counts(connection, args.today)
    written = dict(Notification.objects.values_list("kind").annotate(n=django.db.models.Count("pk")).order_by())
    print(f"notices written: {written}")
    print(f"independent count: {expected}")
    ok = (
        written == {k: v for k, v in expected.items() if v}
        and report.messages == 0
        and first.messages == sum(expected.values())
        and ReminderLog.objects.count() == sum(expected.values())
    )
    print("check:", "OK" if ok else "MISMATCH")
    if not ok:
        sys.exit(1)


def independent_counts(connection, today: dt.date) -> dict[str, int]:
    """What the first run should have sent, counted in SQL from the data alone (every side of the benchmark has a
    unit with exactly one contact; nothing escalates on a first run)."""
    tomorrow = today + dt.timedelta(days=1)
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT COUNT(DISTINCT (s.id, m.user_id)) FROM supervision_sheet s
               JOIN supervision_caseside cs ON cs.case_id = s.case_id
               JOIN accounts_membership m ON m.organisation_id = cs.organisation_id AND m.role = 'unit_contact'
               AND m.partnership_id = s.partnership_id AND m.archived_at IS NULL"""
        )
        issued = cursor.fetchone()[0]
        reminders = {}
        for kind, where in (
            ("signoff_due", "cs.signed_at IS NULL AND cs.signoff_due_on BETWEEN %s AND %s"),
            ("feedback_due", "cs.next_feedback_on BETWEEN %s AND %s"),
        ):
            cursor.execute(
                f"""SELECT COUNT(DISTINCT (cs.id, m.user_id)) FROM supervision_caseside cs
                    JOIN supervision_case c ON c.id = cs.case_id
                    JOIN accounts_membership m ON m.organisation_id = cs.organisation_id
                    AND m.role = 'unit_contact' AND m.partnership_id = c.partnership_id AND m.archived_at IS NULL
                    WHERE c.state = 'open' AND cs.completed_at IS NULL AND {where}""",
                [today, tomorrow],
            )
            reminders[kind] = cursor.fetchone()[0]
    return {"sheet_issued": issued, **reminders}


if __name__ == "__main__":
    main()

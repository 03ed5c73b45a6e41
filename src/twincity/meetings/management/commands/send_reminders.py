"""``twincity send_reminders``: the reminders of the day (run by cron or a systemd timer; see docs/reminders.md)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from twincity.meetings.notifications import FAILED, send_reminders


class Command(BaseCommand):
    help = (
        "Send the day's meeting and action reminders by e-mail and in the application. "
        "Safe to run several times a day: nothing is sent twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Act as if today were this date (YYYY-MM-DD); for catching up or tests.")
        parser.add_argument("--dry-run", action="store_true", help="Count what would be sent, send nothing.")

    def handle(self, *args, today=None, dry_run=False, verbosity=1, **options):
        now = timezone.now()
        if today:
            try:
                day = dt.date.fromisoformat(today)
            except ValueError as exc:
                raise CommandError(f"--today must be a date like 2020-06-19, not {today!r}") from exc
            now = timezone.make_aware(dt.datetime.combine(day, timezone.localtime(now).time()))
        counts = send_reminders(now=now, today=timezone.localdate(now), dry_run=dry_run)
        if verbosity >= 1:
            total = sum(counts.values())
            for key in sorted(counts):
                self.stdout.write(f"{key}: {counts[key]}")
            self.stdout.write(f"{'would send' if dry_run else 'sent'}: {total - counts[FAILED]}")
        if counts[FAILED]:
            # A non-zero exit makes cron mail its owner and systemd mark the unit failed.
            raise CommandError(f"{counts[FAILED]} reminders could not be sent; they will be retried on the next run")

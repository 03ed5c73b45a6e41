"""``twincity supervise``: the day's supervision run (cron or a systemd timer; also queued as ``supervise_daily``)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from twincity.regions.models import Partnership
from twincity.supervision.run import BATCH_SIZE, supervise


class Command(BaseCommand):
    help = (
        "Colour every open supervised item, issue, raise, escalate and close supervision sheets, and remind the "
        "owning units of sign-off and feedback due. Safe to run several times a day: nothing is sent twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Act as if today were this date (YYYY-MM-DD); for catching up or tests.")
        parser.add_argument("--partnership", type=int, help="Only this partnership (its id).")
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="Cases per transaction.")

    def handle(self, *args, date=None, partnership=None, batch_size=BATCH_SIZE, verbosity=1, **options):
        day = None
        if date:
            try:
                day = dt.date.fromisoformat(date)
            except ValueError as exc:
                raise CommandError(f"--date must be a date like 2026-04-01, not {date!r}") from exc
        if partnership is not None and not Partnership.objects.filter(pk=partnership).exists():
            raise CommandError(f"no partnership with id {partnership}")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        report = supervise(day, partnership=partnership, batch_size=batch_size)
        if verbosity >= 1:
            for key, value in report.as_dict().items():
                if key != "by_kind":
                    self.stdout.write(f"{key}: {value}")

"""Send the weekly digests to the coordinators and/or the monthly briefing to the leaders and the office.

Run by a timer (weekly on Monday, monthly on the 1st). ``--date`` is the day of the run (default today): the weekly
digest covers the seven days before it, the monthly briefing the last whole month before it. Each notice is keyed by
partnership, side and week (or month): running again, on the same day or later in the same week or month, sends
nothing twice."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from twincity.supervision import digests


class Command(BaseCommand):
    help = "Send the weekly supervision digests (--weekly) and/or the monthly briefing (--monthly)."

    def add_arguments(self, parser):
        parser.add_argument("--weekly", action="store_true", help="the coordinators' weekly digest")
        parser.add_argument("--monthly", action="store_true", help="the leaders' monthly briefing")
        parser.add_argument("--date", help="the day of the run, YYYY-MM-DD (default: today)")

    def handle(self, *args, weekly=False, monthly=False, date=None, **options):
        if not weekly and not monthly:
            raise CommandError("Say --weekly, --monthly or both.")
        try:
            on = dt.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError:
            raise CommandError(f"Not a date (YYYY-MM-DD): {date!r}") from None
        if weekly:
            told = digests.send_weekly(on)
            self.stdout.write(f"weekly digests: {told} people told")
        if monthly:
            told = digests.send_monthly(on)
            self.stdout.write(f"monthly briefings: {told} people told")

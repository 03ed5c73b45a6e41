"""``twincity drain_outbox``: send what is due in the outbox now (the worker does this by itself; for catching up)."""

from django.core.management.base import BaseCommand, CommandError

from twincity.notifications import delivery


class Command(BaseCommand):
    help = "Send the notices due in the outbox (e-mail, group robots); failures are retried with back-off."

    def handle(self, *args, verbosity=1, **options):
        counts = delivery.drain()
        if verbosity >= 1:
            for key in ("sent", "retried", "failed"):
                self.stdout.write(f"{key}: {counts.get(key, 0)}")
        if counts.get("failed"):
            raise CommandError(f"{counts['failed']} deliveries failed; the office sees them on the deliveries page")

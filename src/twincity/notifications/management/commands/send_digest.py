"""``twincity send_digest``: each person's daily digest of notices, in one e-mail (cron or a systemd timer)."""

from django.core.management.base import BaseCommand

from twincity.notifications import delivery
from twincity.notifications.tasks import send_digest


class Command(BaseCommand):
    help = "Send each person one e-mail with the notices they chose to read in the daily digest."

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true", help="Leave it to the background worker.")

    def handle(self, *args, enqueue=False, verbosity=1, **options):
        if enqueue:
            send_digest.enqueue()
            return
        sent = delivery.send_digest()
        if verbosity >= 1:
            self.stdout.write(f"digests sent: {sent}")

"""``twincity follow_all``: open a supervised item (case) for every existing item with an owner and a due date."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext_lazy as _

from twincity.supervision.services import follow_all


class Command(BaseCommand):
    help = _(
        "Open the supervision of every existing item with an owner and a due date (matters, milestones, meeting "
        "actions, obligations), in batches. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument("--partnership", type=int, default=None)

    def handle(self, *args, **options):
        counts = follow_all(
            batch_size=max(1, options["batch_size"]), partnership_id=options["partnership"], stdout=self.stdout
        )
        self.stdout.write(str(_("Items looked at: %(n)s")) % {"n": sum(counts.values())} + "\n")

"""``twincity rebuild_todos``: recompute every to-do from the state of the work (after a restore, an import
that went around the services, or a change to a source's rules)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from twincity.regions.models import Partnership
from twincity.supervision import todos


class Command(BaseCommand):
    help = gettext_lazy("Recompute the to-dos of every partnership (or of one) from the state of the work.")

    def add_arguments(self, parser):
        parser.add_argument("--partnership", type=int, help=gettext_lazy("Only this partnership (its id)."))

    def handle(self, *args, partnership=None, **options):
        target = None
        if partnership is not None:
            target = Partnership.objects.filter(pk=partnership).first()
            if target is None:
                raise CommandError(_("No partnership with id %(id)s.") % {"id": partnership})
        changed = todos.rebuild(target)
        self.stdout.write(_("To-dos rebuilt: %(n)s opened or closed.") % {"n": changed})

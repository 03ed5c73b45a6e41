"""``twincity load_demo``: the Tianfu–Liangjiang partnership from the article, for trying the product out."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext_lazy as _

from twincity.demo.loader import load_demo


class Command(BaseCommand):
    help = _(
        "Load the demo partnership (Tianfu and Liangjiang new areas) with its units, annual lists and one "
        "account per role. Running it again changes nothing."
    )

    def handle(self, *args, **options):
        load_demo(stdout=self.stdout)

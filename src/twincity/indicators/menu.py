"""The indicator system's entry in the menu's registers list: its home for the partnership shown."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from twincity.core.registry import MenuEntry, add_menu_entry
from twincity.indicators.models import Observation


class IndicatorsEntry(MenuEntry):
    @property
    def list_url(self) -> str:
        return reverse("indicators:index")  # the menu adds ?partnership=: the home of that partnership


add_menu_entry(IndicatorsEntry(model=Observation, label=_("Indicator system"), icon="bar-chart-line", order=70))

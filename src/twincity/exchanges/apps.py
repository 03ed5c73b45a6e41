from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangesConfig(AppConfig):
    name = "twincity.exchanges"
    verbose_name = _("Secondments")

    def ready(self):
        from twincity.audit.events import register
        from twincity.exchanges import sources  # noqa: F401  (the menu entry, the dashboard panel, the agenda source)
        from twincity.exchanges.choices import Event

        register(Event)

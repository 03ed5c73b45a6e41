from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SitingConfig(AppConfig):
    name = "twincity.siting"
    verbose_name = _("Siting cases")

    def ready(self):
        from twincity.audit.events import register
        from twincity.siting import sources  # noqa: F401  (the menu entry, the dashboard panel, the agenda source)
        from twincity.siting.choices import Event

        register(Event)

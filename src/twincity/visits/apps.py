from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "twincity.visits"
    verbose_name = _("Visits, lessons and gaps")

    def ready(self):
        from twincity.audit.events import register
        from twincity.visits import sources  # noqa: F401  (menu entries, the dashboard panel, the agenda source)
        from twincity.visits.choices import Event

        register(Event)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "twincity.agreements"
    verbose_name = _("Agreements")

    def ready(self):
        from twincity.agreements import (
            sources,  # noqa: F401  (the menu entry, the dashboard panel, the agenda source)
            supervised,
        )
        from twincity.agreements.choices import Event
        from twincity.audit.events import register

        register(Event)
        supervised.register_all()

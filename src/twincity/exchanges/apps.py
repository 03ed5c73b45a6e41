from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangesConfig(AppConfig):
    name = "twincity.exchanges"
    verbose_name = _("Secondments")

    def ready(self):
        from twincity.audit.events import register
        from twincity.exchanges import (
            sources,  # noqa: F401  (the menu entry, the dashboard panel, the agenda source)
            todos,
        )
        from twincity.exchanges.choices import Event

        register(Event)
        todos.register()  # the to-dos a secondment gives (supervision.todos)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "twincity.petitions"
    verbose_name = _("Joint requests to higher authorities")

    def ready(self):
        from twincity.audit.events import register
        from twincity.notifications.kinds import register as register_notices
        from twincity.petitions import (
            sources,  # noqa: F401  (the menu entry, the dashboard panel, the agenda source)
            todos,
        )
        from twincity.petitions.choices import Event, Notice

        register(Event)
        register_notices(Notice)
        todos.register()  # the to-dos a joint request gives (supervision.todos)

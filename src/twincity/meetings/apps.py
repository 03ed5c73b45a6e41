from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "twincity.meetings"
    label = "meetings"
    verbose_name = _("Joint meetings")

    def ready(self):
        from twincity.audit.events import register
        from twincity.meetings import todos
        from twincity.meetings.choices import Event

        register(Event)
        todos.register()  # the to-dos sessions and actions give (supervision.todos)

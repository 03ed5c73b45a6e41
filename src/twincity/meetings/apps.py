from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "twincity.meetings"
    label = "meetings"
    verbose_name = _("Joint meetings")

    def ready(self):
        from twincity.audit.events import register
        from twincity.meetings import supervised, todos
        from twincity.meetings.choices import Event, Notice
        from twincity.notifications.kinds import register as register_notices

        register(Event)
        register_notices(Notice)
        supervised.register_all()
        todos.register()  # the to-dos sessions and actions give (supervision.todos)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "twincity.supervision"
    label = "supervision"
    verbose_name = _("Supervision")

    def ready(self):
        from twincity.audit.events import register
        from twincity.notifications.kinds import register as register_notices
        from twincity.supervision import todos
        from twincity.supervision.choices import Event, Notice

        register(Event)
        register_notices(Notice)
        todos.register_cases()  # supervision's own to-dos (the other sources register in their apps)

        from twincity.core.registry import add_frame_count

        add_frame_count("todos", todos.count_query)  # the frame's to-do badge

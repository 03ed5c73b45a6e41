from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "twincity.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from twincity.audit.events import register
        from twincity.notifications.choices import Event

        register(Event)

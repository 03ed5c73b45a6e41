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

        from twincity.audit.services import allow_insert_rows
        from twincity.notifications.models import Delivery, Notification, ReminderLog

        allow_insert_rows(ReminderLog, Notification, Delivery)  # plain records: the run's notices in bulk

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

        from twincity.core.registry import add_frame_count
        from twincity.notifications.models import unread_query

        add_frame_count("unread", unread_query)  # the frame's notice badge

        from twincity.audit.services import allow_insert_rows
        from twincity.notifications.models import Delivery, Notification, ReminderLog

        allow_insert_rows(ReminderLog, Notification, Delivery)  # plain records: the run's notices in bulk

        from django.db.models.signals import post_delete, post_save

        from twincity.notifications.receivers import notice_changed

        # A notice is the user's own, no partnership's: it moves the user's stamp (core.cache), which every
        # page cached for them carries in its key (the unread badge).
        post_save.connect(notice_changed, sender=Notification, dispatch_uid="twincity_notice_user_stamp")
        post_delete.connect(notice_changed, sender=Notification, dispatch_uid="twincity_notice_user_stamp_delete")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MattersConfig(AppConfig):
    name = "twincity.matters"
    label = "matters"
    verbose_name = _("Key cooperation matters")

    def ready(self):
        from twincity.matters import supervised, todos
        from twincity.matters.choices import Notice
        from twincity.notifications.kinds import register

        register(Notice)
        supervised.register_all()
        todos.register()  # the to-dos a matter gives (supervision.todos)

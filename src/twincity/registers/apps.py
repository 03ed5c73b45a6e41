from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistersConfig(AppConfig):
    name = "twincity.registers"
    verbose_name = _("Registers")

    def ready(self):
        from twincity.audit.events import register
        from twincity.registers.choices import Event

        register(Event)

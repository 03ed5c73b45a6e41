from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistersConfig(AppConfig):
    name = "twincity.registers"
    verbose_name = _("Registers")

    def ready(self):
        from twincity.audit.events import register

        register(
            {
                "matter_link.created": _("Follow-up matter linked"),
                "matter_link.archived": _("Follow-up matter unlinked"),
            }
        )

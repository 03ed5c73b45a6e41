from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "twincity.petitions"
    verbose_name = _("Joint requests to higher authorities")

    def ready(self):
        from twincity.audit.events import register
        from twincity.petitions import sources  # noqa: F401  (the menu entry, the dashboard panel, the agenda source)

        register(
            {
                "petition.created": _("Joint request added"),
                "petition.archived": _("Joint request archived"),
                "petition.text_revised": _("Joint text revised (endorsements lapse)"),
                "petition.endorsed": _("Endorsed by a side"),
                "petition.fully_endorsed": _("Endorsed by every side"),
                "petition.submitted": _("Submitted to the authority"),
                "petition.under_consideration": _("Under consideration by the authority"),
                "petition.granted": _("Granted"),
                "petition.partly": _("Partly granted"),
                "petition.declined": _("Declined"),
                "petition.withdrawn": _("Withdrawn"),
            }
        )

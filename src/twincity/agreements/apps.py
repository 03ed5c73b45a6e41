from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "twincity.agreements"
    verbose_name = _("Agreements")

    def ready(self):
        from twincity.agreements import sources  # noqa: F401  (the menu entry, the dashboard panel, the agenda source)
        from twincity.audit.events import register

        register(
            {
                "agreement.created": _("Agreement registered"),
                "agreement.archived": _("Agreement archived"),
                "agreement.extended": _("Renewed: term extended"),
                "agreement.renewed": _("Renewed by a new agreement"),
                "agreement.terminated": _("Agreement terminated"),
                "agreement.expired": _("Lapse recorded: agreement expired"),
                "agreement.document_attached": _("Signed document uploaded"),
                "agreement.document_withdrawn": _("Signed document withdrawn"),
                "obligation.created": _("Obligation recorded"),
                "obligation.archived": _("Obligation archived"),
            }
        )

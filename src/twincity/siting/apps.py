from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SitingConfig(AppConfig):
    name = "twincity.siting"
    verbose_name = _("Siting cases")

    def ready(self):
        from twincity.audit.events import register
        from twincity.siting import sources  # noqa: F401  (the menu entry, the dashboard panel, the agenda source)

        register(
            {
                "sitingcase.created": _("Siting case added"),
                "sitingcase.archived": _("Siting case archived"),
                "sitingcase.bid_submitted": _("Bid submitted by a side"),
                "sitingcase.bid_withdrawn": _("Bid withdrawn by a side"),
                "sitingcase.negotiating": _("Case under negotiation"),
                "sitingcase.negotiation_linked": _("Meeting decision added to the negotiation record"),
                "sitingcase.negotiation_unlinked": _("Meeting decision taken off the negotiation record"),
                "sitingcase.decided": _("Siting decided"),
                "sitingcase.withdrawn": _("Siting case withdrawn"),
            }
        )

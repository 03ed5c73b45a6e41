from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangesConfig(AppConfig):
    name = "twincity.exchanges"
    verbose_name = _("Secondments")

    def ready(self):
        from twincity.audit.events import register
        from twincity.exchanges import sources  # noqa: F401  (the menu entry, the dashboard panel, the agenda source)

        register(
            {
                "secondment.created": _("Secondment recorded"),
                "secondment.archived": _("Secondment archived"),
                "secondment.reported": _("Periodic report filed"),
                "secondment.cut_short": _("Term cut short"),
                "secondment.evaluated": _("Evaluated by the host"),
                "secondment.evaluation_revised": _("Host's evaluation revised"),
                "secondmentreport.archived": _("Periodic report withdrawn"),
            }
        )

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "twincity.policies"
    verbose_name = _("Policy alignment")

    def ready(self):
        from twincity.audit.events import register
        from twincity.policies import sources  # noqa: F401  (the menu entries, the dashboard panel, the agenda source)
        from twincity.policies.choices import Event

        register(Event)

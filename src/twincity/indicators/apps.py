from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "twincity.indicators"
    verbose_name = _("Indicator system")

    def ready(self):
        from twincity.audit.events import register
        from twincity.indicators import sources  # noqa: F401 - the dashboard panel, agenda source, siting hook
        from twincity.indicators.choices import Event
        from twincity.indicators.policy_effect import Event as PolicyEffectEvent

        register(Event)

        from twincity.core.registry import add_object_link
        from twincity.indicators import menu  # noqa: F401 - registers the menu entry
        from twincity.indicators.runs import gap_origin

        add_object_link("visits.gap", gap_origin, key="indicators.gap_source")  # a gap's page names its run
        register(PolicyEffectEvent)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "twincity.visits"
    verbose_name = _("Visits, lessons and gaps")

    def ready(self):
        from twincity.audit.events import register
        from twincity.visits import sources  # noqa: F401  (menu entries, the dashboard panel, the agenda source)

        register(
            {
                "visit.created": _("Visit recorded"),
                "visit.held": _("Visit took place"),
                "visit.cancelled": _("Visit cancelled"),
                "visit.archived": _("Visit archived"),
                "lesson.created": _("Lesson recorded"),
                "lesson.followed_up": _("Lesson turned into a follow-up matter"),
                "lesson.archived": _("Lesson archived"),
                "gap.created": _("Gap recorded"),
                "gap.followed_up": _("Gap turned into a follow-up matter"),
                "gap.archived": _("Gap archived"),
            }
        )

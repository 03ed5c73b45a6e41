from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from twincity.core import registry


class WorkspaceConfig(AppConfig):
    name = "twincity.workspace"
    label = "workspace"
    verbose_name = _("Workspace")

    def ready(self):
        # The calendar address is the notifications app's; the sessions it serves are the meetings app's,
        # which stands above it. Wired here, at the top, so that neither has to import the other.
        from twincity.meetings import calendars

        registry.set_calendar_feeds(
            registry.CalendarFeeds(
                user_feed=calendars.user_feed,
                series_feed=calendars.series_feed,
                visible_series=calendars.visible_series,
            )
        )

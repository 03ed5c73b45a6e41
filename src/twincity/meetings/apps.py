from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "twincity.meetings"
    label = "meetings"
    verbose_name = _("Joint meetings")

    def ready(self):
        from twincity.audit.events import register

        register(
            {
                "series.created": _("Meeting series created"),
                "series.sessions_generated": _("Sessions planned ahead"),
                "session.created": _("Session planned"),
                "session.rescheduled": _("Session rescheduled"),
                "session.cancelled": _("Session cancelled"),
                "session.held": _("Session held"),
                "session.agenda_published": _("Agenda published"),
                "session.agenda_changed": _("Agenda changed after publication"),
                "session.outcome_recorded": _("Outcome recorded"),
                "session.minutes_confirmed": _("Minutes confirmed by a side"),
                "session.minutes_confirmations_reset": _("Confirmations withdrawn after an edit"),
                "session.minutes_locked": _("Minutes locked"),
                "session.minutes_amended": _("Minutes amended"),
                "agenda_item.proposed": _("Item proposed"),
                "agenda_item.withdrawn": _("Item withdrawn"),
                "action.assigned": _("Action assigned"),
                "action.acknowledged": _("Action acknowledged"),
                "action.progress": _("Progress fed back"),
                "action.reported_done": _("Action reported done"),
                "action.verified": _("Action verified"),
                "action.returned": _("Action returned"),
                "action.cancelled": _("Action cancelled"),
                "action.changed": _("Action changed"),
                "meeting.pack_downloaded": _("Meeting pack downloaded"),
                "meeting.minutes_downloaded": _("Minutes downloaded"),
                "calendar.address_issued": _("Calendar address made"),
                "calendar.address_revoked": _("Calendar address closed"),
            }
        )

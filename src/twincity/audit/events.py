"""Names of the workflow events, as people read them in histories and the audit log.

Services log events by verb (``matter.rolled_over``); each app adds the verbs it writes here, so that
the pages never show a raw verb. A verb without a name falls back to itself.
"""

from django.utils.translation import gettext_lazy as _

LABELS = {
    "matter.created": _("Matter created"),
    "matter.progress_reported": _("Progress reported"),
    "matter.completion_reported": _("Reported complete by every side"),
    "matter.completion_confirmed": _("Completion confirmed"),
    "matter.reopened": _("Matter reopened"),
    "matter.approved": _("Matter approved"),
    "matter.in_progress": _("Work started or resumed"),
    "matter.suspended": _("Matter suspended"),
    "matter.cancelled": _("Matter cancelled"),
    "matter.rolled_over": _("Rolled over into a later list"),
    "matter.archived": _("Matter archived"),
    "matter_list.imported": _("List imported from Excel"),
    "milestone.closed": _("Milestone closed"),
    "milestone.archived": _("Milestone archived"),
    "organisation.created": _("Unit added"),
    "organisation.archived": _("Unit archived"),
    "field.archived": _("Field archived"),
    "membership.granted": _("Role given"),
    "membership.revoked": _("Role ended"),
    "partnership.thresholds_changed": _("Light thresholds changed"),
}


def label(verb: str) -> str:
    return str(LABELS.get(verb, verb))


def register(events) -> None:
    """Let another app name the verbs it logs (call from its AppConfig.ready): its ``Event`` choices (verb,
    name), or a dict of verb → name."""
    LABELS.update(events if isinstance(events, dict) else dict(events.choices))

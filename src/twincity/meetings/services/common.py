"""What every meetings service shares: the editable fields, plain text, the office-only refusal, the
versioned lock, and who may propose items and confirm minutes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from twincity.accounts.access import is_office, minutes_sides, sides_spoken_for
from twincity.core.services import ConflictError, lock
from twincity.core.text import plain
from twincity.meetings.models import MeetingSeries, Session

SERIES_FIELDS = (
    "kind",
    "name",
    "name_en",
    "cadence",
    "day_rule",
    "week_of_month",
    "weekday",
    "day_of_month",
    "default_time",
    "default_duration_minutes",
    "first_number",
    "first_host",
    "action_near_days",
    "action_feedback_days",
    "description",
)
SESSION_FIELDS = ("venue", "chair", "secretariat", "duration_minutes", "note", "host")
ITEM_FIELDS = ("title", "description", "presenter", "side", "organisation", "duration_minutes", "matter")
TEXT_FIELDS = {"name", "name_en", "description", "venue", "chair", "note", "title", "presenter", "text", "reason"}


def _plain(values: dict) -> dict:
    return {k: plain(v) if k in TEXT_FIELDS and isinstance(v, str) else v for k, v in values.items()}


# ---------------------------------------------------------------------------------------------- who may

ONLY_THE_OFFICE = gettext_lazy("Only the office may do this.")


def may_propose(user, series: MeetingSeries, side_id: int | None) -> bool:
    """Either side proposes items: the office, a side's coordinator or a unit contact, for their own side."""
    if is_office(user, series.partnership_id):
        return True
    return side_id is not None and side_id in sides_spoken_for(user, series.partnership)


def confirmable_sides(user, session: Session) -> set[int]:
    """The sides for which ``user`` may confirm the minutes.

    The office confirms for any side (on that side's behalf, recorded under its own name); a side's
    coordinator and a leader whose membership names a side confirm for that side.
    """
    sides = {m.region_id for m in session.partnership.memberships.all()}
    if is_office(user, session.partnership_id):
        return sides
    return minutes_sides(user, session.partnership_id) & sides


def _lock_version(obj, version: int | None, changes: dict):
    """Lock ``obj``'s row and bring it up to date; someone's save since ``version`` refuses ``changes``."""
    try:
        return lock(obj, version=version)
    except ConflictError as conflict:
        raise ConflictError(conflict.current, changes) from None

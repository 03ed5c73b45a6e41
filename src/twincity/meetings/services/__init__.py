"""Every write to the meetings: series and sessions (with the host rotation), agendas, minutes and
the supervision of actions. Each service is one transaction that checks access, writes, and leaves
its trace (automatic change records plus named events such as ``session.minutes_locked``).

One module per concern: ``rotation`` (dates, hosts, numbers), ``series`` (series and their sessions),
``agenda``, ``minutes``, ``actions`` (the supervision cycle), and ``common`` (what they share). Callers
import from this package: ``from twincity.meetings.services import publish_agenda``."""

from __future__ import annotations

from twincity.accounts.access import is_office
from twincity.core.services import ConflictError
from twincity.meetings.services.actions import (
    ACTION_DERIVED_FIELDS,
    ActionSpec,
    acknowledge_action,
    actions_for_my_work,
    cancel_action,
    create_action,
    feed_back,
    report_done,
    return_action,
    update_action,
    verify_action,
)
from twincity.meetings.services.agenda import (
    add_item,
    add_proposals,
    may_edit_item,
    move_item,
    previous_session,
    propose_item,
    propose_standing_items,
    publish_agenda,
    schedule_item,
    unschedule_item,
    update_item,
    withdraw_item,
)
from twincity.meetings.services.common import (
    ITEM_FIELDS,
    ONLY_THE_OFFICE,
    SERIES_FIELDS,
    SESSION_FIELDS,
    TEXT_FIELDS,
    confirmable_sides,
    may_propose,
)
from twincity.meetings.services.minutes import (
    amend_minutes,
    confirm_minutes,
    lock_minutes,
    record_attendance,
    record_outcome,
    remove_attendance,
    update_minutes_summary,
    update_outcome,
)
from twincity.meetings.services.rotation import day_in_month, default_secretariat, next_dates, next_side, rotation
from twincity.meetings.services.series import (
    add_session,
    cancel_session,
    create_series,
    generate_sessions,
    mark_held,
    reschedule_session,
    update_series,
    update_session,
)

__all__ = [
    "ACTION_DERIVED_FIELDS",
    "ITEM_FIELDS",
    "ONLY_THE_OFFICE",
    "SERIES_FIELDS",
    "SESSION_FIELDS",
    "TEXT_FIELDS",
    "ActionSpec",
    "ConflictError",
    "acknowledge_action",
    "actions_for_my_work",
    "add_item",
    "add_proposals",
    "add_session",
    "amend_minutes",
    "cancel_action",
    "cancel_session",
    "confirm_minutes",
    "confirmable_sides",
    "create_action",
    "create_series",
    "day_in_month",
    "default_secretariat",
    "feed_back",
    "generate_sessions",
    "is_office",
    "lock_minutes",
    "mark_held",
    "may_edit_item",
    "may_propose",
    "move_item",
    "next_dates",
    "next_side",
    "previous_session",
    "propose_item",
    "propose_standing_items",
    "publish_agenda",
    "record_attendance",
    "record_outcome",
    "remove_attendance",
    "report_done",
    "reschedule_session",
    "return_action",
    "rotation",
    "schedule_item",
    "unschedule_item",
    "update_action",
    "update_item",
    "update_minutes_summary",
    "update_outcome",
    "update_series",
    "update_session",
    "verify_action",
    "withdraw_item",
]

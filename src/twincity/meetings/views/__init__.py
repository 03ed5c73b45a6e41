"""Pages of the joint meetings. Thin: they read through the access door and write through the services.

Every page answers 404 to someone who may not see the object, and the meeting pages as a whole
answer 404 to a signed-in user with no place in any partnership.

One module per part of the work: ``series`` (the index, series pages), ``sessions`` (a session's page and
its steps), ``agenda``, ``minutes``, ``actions``, and ``common`` (what they share). ``urls.py`` and other
callers import from this package.
"""

from __future__ import annotations

from twincity.meetings.views.actions import (
    STEPS,
    ActionListView,
    ActionPdfView,
    ActionXlsxView,
    action_detail,
    action_edit,
    action_list_queryset,
    action_step,
)
from twincity.meetings.views.agenda import (
    add_item,
    add_proposals,
    item_edit,
    item_move,
    item_remove,
    item_withdraw,
    publish,
    schedule_item,
)
from twincity.meetings.views.common import members_only
from twincity.meetings.views.minutes import (
    amend,
    attendance_add,
    attendance_remove,
    confirm,
    lock,
    outcome_add,
    outcome_edit,
    summary,
)
from twincity.meetings.views.series import (
    SessionListView,
    generate,
    propose,
    series_add,
    series_detail,
    series_edit,
    session_add,
)
from twincity.meetings.views.sessions import cancel, mark_held, reschedule, session_detail, session_edit

__all__ = [
    "STEPS",
    "ActionListView",
    "ActionPdfView",
    "ActionXlsxView",
    "SessionListView",
    "action_detail",
    "action_edit",
    "action_list_queryset",
    "action_step",
    "add_item",
    "add_proposals",
    "amend",
    "attendance_add",
    "attendance_remove",
    "cancel",
    "confirm",
    "generate",
    "item_edit",
    "item_move",
    "item_remove",
    "item_withdraw",
    "lock",
    "mark_held",
    "members_only",
    "outcome_add",
    "outcome_edit",
    "propose",
    "publish",
    "reschedule",
    "schedule_item",
    "series_add",
    "series_detail",
    "series_edit",
    "session_add",
    "session_detail",
    "session_edit",
    "summary",
]

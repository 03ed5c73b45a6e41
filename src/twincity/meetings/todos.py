"""What joint meetings wait for (``supervision.todos``): the office publishes a coming session's agenda and
locks confirmed minutes; each side's coordinator confirms the minutes of a held session; the owning units
acknowledge their actions and report on them; the office verifies an action reported done."""

import datetime as dt

from twincity.accounts.access import Part
from twincity.meetings.choices import ActionStatus, MinutesStatus
from twincity.meetings.models import MinutesConfirmation, Session
from twincity.supervision import todos
from twincity.supervision.choices import TodoKind

# The office sees a coming session's agenda waiting to be published this many days before the session.
AGENDA_NOTICE_DAYS = 14
REPORTING = (ActionStatus.ACKNOWLEDGED, ActionStatus.IN_PROGRESS, ActionStatus.RETURNED)


def session_wanted(session: Session) -> list[todos.Want]:
    if session.archived_at is not None or session.is_cancelled:
        return []
    # Stored in the data's language (the series' own name), whatever the language of the request that saved it.
    title = f"{session.series.name} 第{session.number}次"
    url, day = session.get_absolute_url(), session.local_date

    def want(part, scope_id, kind, active_from, due_on=None):
        return todos.Want(session.partnership_id, part, scope_id, kind, title, url, active_from, due_on)

    if session.is_planned and not session.agenda_frozen:
        return [want(Part.RUNS_OFFICE, None, TodoKind.PUBLISH_AGENDA, day - dt.timedelta(days=AGENDA_NOTICE_DAYS), day)]
    if not session.is_held or not session.agenda_frozen:
        return []
    confirmations = list(session.confirmations.all())
    if session.minutes_status == MinutesStatus.DRAFT:
        confirmed = {c.side_id for c in confirmations}
        sides = [m.region_id for m in session.partnership.memberships.all()]
        return [
            want(Part.COORDINATES_SIDES, side, TodoKind.CONFIRM_MINUTES, day) for side in sides if side not in confirmed
        ]
    if session.minutes_status == MinutesStatus.CONFIRMED:
        since = max((todos.local_day(c.created) for c in confirmations), default=day)
        return [want(Part.RUNS_OFFICE, None, TodoKind.LOCK_MINUTES, since)]
    return []


def register() -> None:
    todos.register(
        todos.Source(
            model=Session,
            wanted=session_wanted,
            parts={MinutesConfirmation: "session_id"},
            prefetch=("confirmations", "partnership__memberships"),
            select=("series", "partnership"),
        )
    )

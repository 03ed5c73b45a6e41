"""What a key cooperation matter waits for (``supervision.todos``): the leaders' approval of a proposed matter
and their confirmation of a reported completion; each side's next progress report from its lead units."""

import datetime as dt

from twincity.accounts.access import Part
from twincity.matters.choices import ACTIVE_STATUSES, CLOSED_STATUSES, MatterStatus, OwnerRole
from twincity.matters.models import Matter, MatterOwner, MatterSide
from twincity.supervision import todos
from twincity.supervision.choices import TodoKind

# A side reports on a running matter at least this often (the "no report in the last 30 days" of my work) …
REPORT_EVERY_DAYS = 30
# … and sees the report waiting this many days before it falls due.
REPORT_NOTICE_DAYS = 7


def _report_desks(matter: Matter, side: MatterSide) -> list[tuple[str, int]]:
    """Who reports for a side: its lead units (any owning unit if none leads), else the side's coordinator."""
    owners = [o for o in matter.owners.all() if o.side_id == side.region_id]
    leads = [o for o in owners if o.role == OwnerRole.LEAD] or owners
    if leads:
        return [(Part.SPEAKS_FOR_UNITS, o.organisation_id) for o in leads]
    return [(Part.COORDINATES_SIDES, side.region_id)]


def wanted(matter: Matter) -> list[todos.Want]:
    if matter.archived_at is not None:
        return []
    title = f"{matter.code} {matter.title}"
    url = matter.get_absolute_url()

    def want(part, scope_id, kind, active_from, due_on=None):
        return todos.Want(matter.partnership_id, part, scope_id, kind, title, url, active_from, due_on)

    found = []
    created = todos.local_day(matter.created)
    if matter.status == MatterStatus.PROPOSED:
        found.append(want(Part.DECIDES, None, TodoKind.APPROVE_MATTER, created))
    if matter.completion_requested_at is not None and matter.status not in CLOSED_STATUSES:
        found.append(
            want(Part.DECIDES, None, TodoKind.CONFIRM_COMPLETION, todos.local_day(matter.completion_requested_at))
        )
    if matter.status in ACTIVE_STATUSES:
        for side in matter.sides.all():
            if side.percent_complete >= 100:
                continue  # this side is done; the leaders confirm
            since = side.last_reported_on or matter.start_date or created
            due = since + dt.timedelta(days=REPORT_EVERY_DAYS)
            active = due - dt.timedelta(days=REPORT_NOTICE_DAYS)
            for part, scope_id in _report_desks(matter, side):
                found.append(want(part, scope_id, TodoKind.REPORT_PROGRESS, active, due))
    return found


def register() -> None:
    todos.register(
        todos.Source(
            model=Matter,
            wanted=wanted,
            parts={MatterSide: "matter_id", MatterOwner: "matter_id"},
            prefetch=("sides", "owners"),
            # What refresh_derived writes on the matter itself (the sides' percents and dates are their own saves).
            ignore=("percent_complete", "next_milestone_due", "watch_from", "lag_date", "search_document"),
        )
    )

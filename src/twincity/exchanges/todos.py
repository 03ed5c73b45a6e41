"""What a secondment waits for (``supervision.todos``): the host unit's end-of-term evaluation (考核鉴定)."""

import datetime as dt

from twincity.accounts.access import Part
from twincity.exchanges.models import Secondment
from twincity.supervision import todos
from twincity.supervision.choices import TodoKind

# The host sees the evaluation waiting this many days before the term's last day.
EVALUATION_NOTICE_DAYS = 14


def wanted(secondment: Secondment) -> list[todos.Want]:
    if secondment.archived_at is not None or secondment.evaluated_on is not None:
        return []
    last = secondment.last_day
    return [
        todos.Want(
            partnership_id=secondment.partnership_id,
            part=Part.SPEAKS_FOR_UNITS,
            scope_id=secondment.host_organisation_id,
            kind=TodoKind.EVALUATE_SECONDMENT,
            title=f"{secondment.code} {secondment.person_name}".strip(),
            url=secondment.get_absolute_url(),
            active_from=last - dt.timedelta(days=EVALUATION_NOTICE_DAYS),
            due_on=last,
        )
    ]


def register() -> None:
    todos.register(todos.Source(model=Secondment, wanted=wanted))

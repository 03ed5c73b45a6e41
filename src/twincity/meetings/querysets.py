import datetime as dt

from django.db.models import Case, CharField, Q, Value, When
from django.utils import timezone

from twincity.core.querysets import RestrictedQuerySet
from twincity.meetings.choices import CLOSED_ACTION_STATUSES, ActionLight, ActionStatus


def action_light_expression(today: dt.date | None = None, prefix: str = ""):
    """An action's light as a database expression.

    Closed actions are grey; an action reported done waits on the office, not on its owner, so it is
    green; otherwise red when past due, yellow when feedback is late, blue when the due date is near.
    """
    today = today or timezone.localdate()
    p = prefix
    return Case(
        When(Q(**{f"{p}status__in": CLOSED_ACTION_STATUSES}), then=Value(ActionLight.GREY)),
        When(Q(**{f"{p}status": ActionStatus.REPORTED_DONE}), then=Value(ActionLight.GREEN)),
        When(Q(**{f"{p}due_date__lt": today}), then=Value(ActionLight.RED)),
        When(Q(**{f"{p}feedback_due__lt": today}), then=Value(ActionLight.YELLOW)),
        When(Q(**{f"{p}watch_from__lte": today}), then=Value(ActionLight.BLUE)),
        default=Value(ActionLight.GREEN),
        output_field=CharField(),
    )


class ActionQuerySet(RestrictedQuerySet):
    def with_light(self, today: dt.date | None = None):
        return self.annotate(light=action_light_expression(today))

    def open(self):
        return self.exclude(status__in=CLOSED_ACTION_STATUSES)

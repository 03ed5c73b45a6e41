import datetime as dt

from django.db.models import Case, CharField, Q, Value, When
from django.utils import timezone

from twincity.core.querysets import RestrictedQuerySet
from twincity.matters.choices import ACTIVE_STATUSES, Light


def light_expression(today: dt.date | None = None, prefix: str = ""):
    """The health light as a database expression (see ``matters.health``)."""
    today = today or timezone.localdate()
    p = prefix
    active = Q(**{f"{p}status__in": ACTIVE_STATUSES})
    red = Q(**{f"{p}due_date__lt": today}) | Q(**{f"{p}next_milestone_due__lt": today})
    yellow = Q(**{f"{p}watch_from__lte": today}) | Q(**{f"{p}lag_date__lt": today})
    return Case(
        When(~active, then=Value(Light.GREY)),
        When(red, then=Value(Light.RED)),
        When(yellow, then=Value(Light.YELLOW)),
        default=Value(Light.GREEN),
        output_field=CharField(),
    )


class MatterQuerySet(RestrictedQuerySet):
    def with_light(self, today: dt.date | None = None):
        return self.annotate(light=light_expression(today))

    def light_is(self, light: str, today: dt.date | None = None):
        return self.alias(_light=light_expression(today)).filter(_light=light)

"""Reading secondments with what is computed from their dates: status and the day the term ends."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, CharField, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from twincity.core.querysets import RestrictedQuerySet
from twincity.exchanges.choices import SecondmentStatus


def effective_end_expression():
    """The last day of the term: the day it was cut short, else its planned end."""
    return Coalesce("cut_short_on", "end_date")


def status_expression(today: dt.date | None = None):
    """The status on ``today`` as a database expression (the same verdict as ``Secondment.status_on``)."""
    today = today or timezone.localdate()
    return Case(
        When(Q(cut_short_on__lte=today), then=Value(SecondmentStatus.CUT_SHORT)),
        When(Q(start_date__gt=today), then=Value(SecondmentStatus.PLANNED)),
        When(Q(end_date__lt=today), then=Value(SecondmentStatus.ENDED)),
        default=Value(SecondmentStatus.ACTIVE),
        output_field=CharField(),
    )


class SecondmentQuerySet(RestrictedQuerySet):
    def with_status(self, today: dt.date | None = None):
        return self.annotate(status=status_expression(today))

    def status_is(self, status: str, today: dt.date | None = None):
        return self.alias(_status=status_expression(today)).filter(_status=status)

    def ending_within(self, days: int, today: dt.date | None = None):
        """Live secondments whose term ends between ``today`` and ``days`` days later (soonest first)."""
        today = today or timezone.localdate()
        return (
            self.filter(archived_at__isnull=True)
            .alias(_end=effective_end_expression())
            .filter(_end__gte=today, _end__lte=today + dt.timedelta(days=days))
            .order_by("_end", "pk")
        )

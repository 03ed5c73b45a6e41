"""Agreements as the lists, the dashboard and the agenda ask for them: by state, by coming expiry."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, CharField, F, Q, Value, When
from django.utils import timezone

from twincity.agreements.choices import AgreementStatus
from twincity.core.querysets import RestrictedQuerySet


def state_expression(today: dt.date | None = None):
    """The agreement's state as a database expression: "expired" once an in-force agreement's date passed."""
    today = today or timezone.localdate()
    return Case(
        When(Q(status=AgreementStatus.IN_FORCE, expires_on__lt=today), then=Value(AgreementStatus.EXPIRED)),
        default=F("status"),
        output_field=CharField(),
    )


class AgreementQuerySet(RestrictedQuerySet):
    def with_state(self, today: dt.date | None = None):
        return self.annotate(state=state_expression(today))

    def state_is(self, state: str, today: dt.date | None = None):
        return self.state_in([state], today)

    def state_in(self, states, today: dt.date | None = None):
        return self.alias(_state=state_expression(today)).filter(_state__in=list(states))

    def due_for_decision(self, today: dt.date, days: int):
        """In force and ending within ``days`` days, or already past their date: renew them or let them lapse."""
        return self.filter(
            archived_at__isnull=True,
            status=AgreementStatus.IN_FORCE,
            expires_on__lte=today + dt.timedelta(days=days),
        )

    def expiring(self, today: dt.date, days: int):
        """In force, and ending between ``today`` and ``days`` days later (both included)."""
        return self.filter(
            archived_at__isnull=True,
            status=AgreementStatus.IN_FORCE,
            expires_on__gte=today,
            expires_on__lte=today + dt.timedelta(days=days),
        )

    def lapsed(self, today: dt.date):
        """Past their expiry date but still recorded as in force: renew them or record the lapse."""
        return self.filter(archived_at__isnull=True, status=AgreementStatus.IN_FORCE, expires_on__lt=today)

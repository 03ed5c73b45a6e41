"""Writes about people: memberships and sign-in attempts."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from twincity.accounts.access import forget
from twincity.accounts.choices import Role
from twincity.accounts.models import LoginAttempt, Membership


def add_membership(user, partnership, role: str, *, region=None, organisation=None, title: str = "") -> Membership:
    """Give ``user`` a role; a unit contact's side is their unit's side in the partnership."""
    if role == Role.UNIT_CONTACT and organisation is not None and region is None:
        region = organisation.side_for(partnership)
    with transaction.atomic():
        membership = Membership(
            user=user, partnership=partnership, role=role, region=region, organisation=organisation, title=title
        )
        membership.full_clean()
        membership.save()
    forget(user)
    return membership


def is_locked_out(username: str, address: str | None) -> bool:
    """Too many failed sign-ins for this user name, or from this address, within the window."""
    since = timezone.now() - dt.timedelta(seconds=settings.TWINCITY_LOGIN_WINDOW_SECONDS)
    recent = LoginAttempt.objects.filter(time__gte=since, succeeded=False)
    limit = settings.TWINCITY_LOGIN_MAX_FAILURES
    if recent.filter(username__iexact=username).count() >= limit:
        return True
    return bool(address) and recent.filter(address=address).count() >= limit * 4


def record_login_attempt(username: str, address: str | None, succeeded: bool) -> None:
    LoginAttempt.objects.create(username=username[:150], address=address, succeeded=succeeded)
    if succeeded:
        # A successful sign-in clears the user's failure count.
        LoginAttempt.objects.filter(username__iexact=username, succeeded=False).delete()

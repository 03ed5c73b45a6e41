"""Writes about people: memberships, API tokens and passwords."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from twincity.accounts.access import forget, may_reset_password, require_in
from twincity.accounts.choices import Action, Role
from twincity.accounts.models import ApiToken, Membership, PasswordChangeRequired
from twincity.audit.services import log_event

OFFICE_ONLY = gettext_lazy("Only the office gives people their roles.")


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


def enrol(
    partnership,
    *,
    acting_user,
    username: str,
    role: str,
    full_name: str = "",
    email: str = "",
    region=None,
    organisation=None,
    title: str = "",
) -> tuple:
    """The office gives a person a role; a new person gets an account with a one-time password.

    Returns ``(user, membership, initial_password)``; the password is None for an existing account.
    """
    User = get_user_model()
    with transaction.atomic():
        require_in(acting_user, Action.ADMINISTER, partnership.pk, OFFICE_ONLY)
        user = User.objects.filter(username__iexact=username).first()
        password = None
        if user is None:
            password = secrets.token_urlsafe(12)
            first, _sep, last = full_name.partition(" ")
            user = User.objects.create_user(
                username=username, email=email, password=password, first_name=first, last_name=last
            )
        membership = add_membership(user, partnership, role, region=region, organisation=organisation, title=title)
        log_event("membership.granted", membership, data={"user": user.username, "role": role})
    return user, membership, password


def revoke(membership, *, acting_user) -> None:
    """End a membership (archived, so the record of who held which role stays)."""
    with transaction.atomic():
        require_in(acting_user, Action.ADMINISTER, membership.partnership_id, OFFICE_ONLY)
        membership.archived_at = timezone.now()
        membership.version += 1
        membership.save()
        log_event("membership.revoked", membership, data={"user": membership.user.username})
    forget(membership.user)


def issue_api_token(user) -> tuple[ApiToken, str]:
    """A new API token for ``user`` (the key is returned once and not kept); their earlier tokens stop working."""
    with transaction.atomic():
        revoke_api_tokens(user, reason="replaced")
        token, key = ApiToken.issue(user)
        log_event(
            "api_token.created",
            token,
            data={"user": user.username, "prefix": token.prefix, "expires": token.expires_at.isoformat()},
        )
    return token, key


def revoke_api_tokens(user, *, reason: str = "revoked") -> int:
    """Close every API token of ``user``; calls with them answer 401 from now on."""
    with transaction.atomic():
        tokens = list(ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True))
        now = timezone.now()
        for token in tokens:
            token.revoked_at = now
            token.save(update_fields=["revoked_at"])
            data = {"user": user.username, "prefix": token.prefix, "reason": reason}
            log_event("api_token.revoked", token, data=data)
    return len(tokens)


def reset_password_by_office(target, membership: Membership, *, acting_user) -> str:
    """The office gives ``target`` a one-time password (returned once, not kept), ends their sessions and API
    tokens (both follow the password) and asks them to choose their own at the next sign-in."""
    with transaction.atomic():
        if membership.user_id != target.pk or not may_reset_password(acting_user, target, membership.partnership_id):
            raise PermissionDenied(_("Only the office resets the passwords of its own partnership's people."))
        password = secrets.token_urlsafe(12)
        target.set_password(password)
        target.save(update_fields=["password"])  # accounts.receivers revokes the tokens
        PasswordChangeRequired.objects.update_or_create(user=target)
        log_event(
            "account.password_reset",
            membership,
            user=acting_user,
            data={"user": target.username, "by": "office"},
        )
    return password


def record_password_reset_by_email(user) -> None:
    """The trace of a reset through the e-mailed link (Django's form has saved the new password)."""
    log_event("account.password_reset", None, user=user, data={"user": user.username, "by": "email"})

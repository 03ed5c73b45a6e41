"""The API's token sign-in: ``Authorization: Token <key>``, checked against accounts.ApiToken."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from twincity.accounts.models import ApiToken

LAST_USED_EVERY_SECONDS = 60  # enough to tell a person when a key was last used, without a write per call


class ApiTokenAuthentication(authentication.TokenAuthentication):
    """DRF's token header, but the key is looked up by its digest, and an expired or revoked key is refused."""

    def authenticate_credentials(self, key):
        token = ApiToken.lookup(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > LAST_USED_EVERY_SECONDS:
            # ApiToken is not an audited record (no change log): a one-column bookkeeping write, once a minute.
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

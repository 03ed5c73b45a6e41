"""Signal receivers of the accounts app (connected in AccountsConfig.ready)."""

from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

from twincity.accounts.signin import release


@receiver(user_login_failed, dispatch_uid="twincity.accounts.release_signin_place")
def release_signin_place(sender, credentials, request=None, **kwargs):
    # Connected after axes' receiver (axes comes first in INSTALLED_APPS): the failure is on record by now.
    release(request)

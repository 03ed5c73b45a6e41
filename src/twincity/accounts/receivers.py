"""Signal receivers of the accounts app (connected in AccountsConfig.ready)."""

from axes.utils import reset
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from twincity.accounts.middleware import MUST_CHANGE_PASSWORD
from twincity.accounts.models import PasswordChangeRequired
from twincity.accounts.services import revoke_api_tokens
from twincity.accounts.signin import release


@receiver(user_login_failed, dispatch_uid="twincity.accounts.release_signin_place")
def release_signin_place(sender, credentials, request=None, **kwargs):
    # Connected after axes' receiver (axes comes first in INSTALLED_APPS): the failure is on record by now.
    release(request)


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="twincity.accounts.notice_password_change")
def notice_password_change(sender, instance, update_fields=None, **kwargs):
    """Whatever changes a password (the password page, an office reset, the admin, ``set_password`` anywhere,
    a hash written directly), the user's API tokens end with it: see revoke_tokens_after_password_change."""
    if instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return
    before = sender._base_manager.filter(pk=instance.pk).values_list("password", flat=True).first()
    instance._twincity_password_changed = before is not None and before != instance.password


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="twincity.accounts.revoke_tokens")
def revoke_tokens_after_password_change(sender, instance, created, **kwargs):
    if getattr(instance, "_twincity_password_changed", False):
        instance._twincity_password_changed = False
        revoke_api_tokens(instance, reason="password_changed")
        # A new password (from the office, the e-mailed link, the admin) lifts a sign-in lockout of the old one.
        reset(username=instance.get_username())
        # A password of one's own (an office reset sets its mark again right after).
        PasswordChangeRequired.objects.filter(user=instance).delete()


@receiver(user_logged_in, dispatch_uid="twincity.accounts.ask_for_a_new_password")
def ask_for_a_new_password(sender, request, user, **kwargs):
    if request is not None and PasswordChangeRequired.objects.filter(user=user).exists():
        request.session[MUST_CHANGE_PASSWORD] = True

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from twincity.accounts.services import is_locked_out, record_login_attempt


def client_address(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's sign-in form, refusing a user name or address after repeated failures."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _("Too many failed sign-ins. Wait %(minutes)s minutes, or ask the office to reset your password."),
    }

    def clean(self):
        from django.conf import settings

        username = self.cleaned_data.get("username") or ""
        address = client_address(self.request)
        if is_locked_out(username, address):
            raise forms.ValidationError(
                self.error_messages["locked"],
                code="locked",
                params={"minutes": settings.TWINCITY_LOGIN_WINDOW_SECONDS // 60},
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            record_login_attempt(username, address, succeeded=False)
            raise
        record_login_attempt(username, address, succeeded=True)
        return cleaned

"""After an office reset, the person chooses their own password before anything else."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

MUST_CHANGE_PASSWORD = "tc_must_change_password"  # set in the session at sign-in (accounts.receivers)


class PasswordChangeRequiredMiddleware:
    """Reads only the session (already loaded for a signed-in person): no query per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.get(MUST_CHANGE_PASSWORD) and request.user.is_authenticated:
            path = request.path
            if path == reverse("password_change_done"):
                del session[MUST_CHANGE_PASSWORD]
            elif path not in (reverse("password_change"), reverse("logout")) and not path.startswith(
                (settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL, "/jsi18n/")
            ):
                return redirect("password_change")
        return self.get_response(request)

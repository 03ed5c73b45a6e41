from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from twincity.accounts import services
from twincity.accounts.access import memberships
from twincity.accounts.models import ApiToken


class LoginView(auth_views.LoginView):
    """Django's sign-in; django-axes (first of the authentication backends) counts and locks out."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True


@login_required
def profile(request):
    """Who I am here: my roles, and my API token (made on request and shown once; revocable)."""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "token":
            _token, key = services.issue_api_token(request.user)
            # Kept in the session for the one page that shows it, so that it never appears in a URL or a log.
            request.session["tc_api_token_key"] = key
            messages.success(request, _("A new API token was made. Earlier tokens no longer work."))
        elif action == "revoke" and services.revoke_api_tokens(request.user):
            messages.success(request, _("Your API token is revoked: calls with it are refused from now on."))
        return redirect("profile")
    return render(
        request,
        "accounts/profile.html",
        {
            "memberships": [m for m in memberships(request.user)],
            "token": ApiToken.objects.active().filter(user=request.user).first(),
            "new_key": request.session.pop("tc_api_token_key", None),
        },
    )


def locked_out(request, original_response=None, credentials=None):
    """What django-axes answers on every sign-in path (the app's page, the admin's) once a user name is locked."""
    from django.conf import settings

    context = {
        "lockout_minutes": max(1, settings.TWINCITY_LOGIN_WINDOW_SECONDS // 60),
        "password_reset_by_email": settings.TWINCITY_PASSWORD_RESET_BY_EMAIL,
    }
    return render(request, "accounts/locked_out.html", context, status=429)

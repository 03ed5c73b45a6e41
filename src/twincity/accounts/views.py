from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from rest_framework.authtoken.models import Token

from twincity.accounts.access import memberships


class LoginView(auth_views.LoginView):
    """Django's sign-in; django-axes (first of the authentication backends) counts and locks out."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True


@login_required
def profile(request):
    """Who I am here: my roles, and my API token (created or replaced on request)."""
    token = Token.objects.filter(user=request.user).first()
    if request.method == "POST" and request.POST.get("action") == "token":
        Token.objects.filter(user=request.user).delete()
        token = Token.objects.create(user=request.user)
    return render(
        request,
        "accounts/profile.html",
        {"memberships": [m for m in memberships(request.user)], "token": token},
    )


def locked_out(request, original_response=None, credentials=None):
    """What django-axes answers on every sign-in path (the app's page, the admin's) once a user name is locked."""
    from django.conf import settings

    context = {
        "lockout_minutes": max(1, settings.TWINCITY_LOGIN_WINDOW_SECONDS // 60),
        "password_reset_by_email": settings.TWINCITY_PASSWORD_RESET_BY_EMAIL,
    }
    return render(request, "accounts/locked_out.html", context, status=429)

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from twincity.accounts import services
from twincity.accounts.access import may_manage_people, may_reset_password, memberships, roles
from twincity.accounts.models import ApiToken, Membership


class LoginView(auth_views.LoginView):
    """Django's sign-in; django-axes (first of the authentication backends) counts and locks out."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        # Django's LoginView names the site after the request's host ("127.0.0.1:8000"): ours has a name.
        return {
            **super().get_context_data(**kwargs),
            "site_name": settings.TWINCITY_SITE_NAME,
            "password_reset_by_email": password_reset_by_email(),
        }


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
            "memberships": list(memberships(request.user)),
            "token": ApiToken.objects.active().filter(user=request.user).first(),
            "new_key": request.session.pop("tc_api_token_key", None),
        },
    )


def locked_out(request, original_response=None, credentials=None):
    """What django-axes answers on every sign-in path (the app's page, the admin's) once a user name is locked."""
    context = {
        "lockout_minutes": max(1, settings.TWINCITY_LOGIN_WINDOW_SECONDS // 60),
        "password_reset_by_email": password_reset_by_email(),
    }
    return render(request, "accounts/locked_out.html", context, status=429)


@login_required
@never_cache
def office_password_reset(request, partnership_pk: int, user_pk: int):
    """The office gives one of its partnership's people a one-time password, shown once on this page."""
    if not roles(request.user, partnership_pk):
        raise Http404  # not a member: the partnership is not there for them
    if not may_manage_people(request.user, partnership_pk):
        if request.method == "POST":
            raise PermissionDenied(_("Only the office resets the passwords of its own partnership's people."))
        raise Http404
    target = get_object_or_404(get_user_model(), pk=user_pk)
    membership = (
        Membership.objects.filter(user=target, partnership_id=partnership_pk, archived_at__isnull=True)
        .select_related("partnership")
        .first()
    )
    if membership is None or not may_reset_password(request.user, target, partnership_pk):
        raise Http404
    password = None
    if request.method == "POST":
        password = services.reset_password_by_office(target, membership, acting_user=request.user)
    return render(
        request,
        "accounts/office_password_reset.html",
        {"target": target, "membership": membership, "password": password},
    )


# ------------------------------------------------------------------------------------------------ reset by e-mail


def password_reset_by_email() -> bool:
    """On where the deployment says so and mail really leaves the machine (not the console or dummy backend)."""
    backend = getattr(settings, "EMAIL_BACKEND", "")
    return settings.TWINCITY_PASSWORD_RESET_BY_EMAIL and not backend.endswith(
        ("console.EmailBackend", "dummy.EmailBackend")
    )


class EmailResetEnabledMixin:
    def dispatch(self, request, *args, **kwargs):
        if not password_reset_by_email():
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class PasswordResetView(EmailResetEnabledMixin, auth_views.PasswordResetView):
    """Django's reset by e-mail. The answer is the same whether or not the address belongs to anyone."""

    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    @property
    def extra_email_context(self):
        # The link points at the configured address, never at whatever Host header the request came with.
        return {"site_name": settings.TWINCITY_SITE_NAME, "base_url": settings.TWINCITY_BASE_URL.rstrip("/")}


class PasswordResetDoneView(EmailResetEnabledMixin, auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(EmailResetEnabledMixin, auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)  # saves the password: accounts.receivers revokes the tokens
            services.record_password_reset_by_email(form.user)
        return response


class PasswordResetCompleteView(EmailResetEnabledMixin, auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"

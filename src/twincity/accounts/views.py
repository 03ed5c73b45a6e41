from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from rest_framework.authtoken.models import Token

from twincity.accounts.access import memberships
from twincity.accounts.forms import ThrottledAuthenticationForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = ThrottledAuthenticationForm
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

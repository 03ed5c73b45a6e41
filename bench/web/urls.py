"""The application's URLs plus the minimal views the benchmark measures the pages against."""

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import include, path


def minimal(request):
    """One trivial query and a two-byte answer, through the same middleware as every page."""
    get_user_model().objects.filter(pk=1).exists()
    return HttpResponse("ok")


@login_required
def minimal_signed_in(request):
    """The same, after the session and the user are loaded (what any signed-in page pays first)."""
    get_user_model().objects.filter(pk=1).exists()
    return HttpResponse("ok")


urlpatterns = [
    path("bench/minimal", minimal),
    path("bench/minimal-signed-in", minimal_signed_in),
    path("", include("twincity.urls")),
]

"""The password check, counted before it happens.

django-axes (first of the authentication backends) asks whether a user name is locked out *before* the
password is checked and records the failure *after* it. Guesses that arrive together all pass the question
before any of them is recorded: with axes alone, 20 of 24 simultaneous guesses reached the password check
(measured on PostgreSQL, accounts/tests/test_signin.py). This backend closes that window: each attempt first
takes a place among the attempts in flight for its user name (an atomic increment in the cache), and is
refused unless the failures already recorded plus the attempts in flight, itself included, stay within the
limit. The place is given back once the outcome is known: after a success here, after a failure once axes
has recorded it (``release`` on ``user_login_failed``, connected after axes' own receiver).

The count lives in Django's cache: shared by every worker with Redis (production); with the local-memory
cache of the single-process demo, per process.
"""

from __future__ import annotations

import contextlib
import hashlib

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_credentials
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import PermissionDenied

IN_FLIGHT_SECONDS = 120  # a place is never held longer than this, even if a request dies half-way


def _key(username: str) -> str:
    return "twincity:signin:" + hashlib.sha256(username.encode()).hexdigest()


def _take_place(key: str) -> int:
    cache.add(key, 0, IN_FLIGHT_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, IN_FLIGHT_SECONDS)
        return 1


def release(request) -> None:
    key = getattr(request, "_twincity_signin_place", None) if request is not None else None
    if key is None:
        return
    del request._twincity_signin_place
    with contextlib.suppress(ValueError):  # the place expired already
        cache.decr(key)


class CountedModelBackend(ModelBackend):
    """Django's ModelBackend, refusing a password check that could take a user name past the failure limit."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if request is None or username is None or not getattr(settings, "AXES_ENABLED", True):
            return super().authenticate(request, username, password, **kwargs)
        key = _key(str(username))
        in_flight = _take_place(key)
        request._twincity_signin_place = key
        try:
            failures = AxesProxyHandler.get_failures(request, get_credentials(username))
            if failures + in_flight > settings.AXES_FAILURE_LIMIT:
                raise PermissionDenied("too many sign-in attempts at once")  # recorded by axes as a failure
            user = super().authenticate(request, username, password, **kwargs)
        except PermissionDenied:
            raise  # Django sends user_login_failed: the place is released there, after axes recorded the failure
        except BaseException:
            release(request)
            raise
        if user is not None:
            release(request)
        return user

import contextlib
import os
import time

import pytest
from django.conf import settings
from django.core.cache.backends.redis import RedisCache
from django.test import override_settings
from django.utils import timezone, translation
from rest_framework.test import APIClient

from twincity.accounts.models import ApiToken
from twincity.core.cache import clear_own_cache

# Browser fixtures (Debian's Chromium through Playwright), shared by every app's browser tests.
from twincity.core.tests.browser import (  # noqa: F401
    browser_context_args_fixture,
    browser_page_fixture,
    browser_type_launch_args_fixture,
)
from twincity.testing import build_world

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

FUZZ_MODULE = "src/twincity/core/tests/test_api_fuzz.py"


def pytest_collection_modifyitems(config, items):
    """The schemathesis walk gives all its operations one test id; pytest-xdist then schedules none of them and
    says nothing. Refuse loudly rather than pass without walking (``make test`` runs it in one process)."""
    if hasattr(config, "workerinput") and any(item.nodeid.startswith(FUZZ_MODULE) for item in items):
        raise pytest.UsageError(
            f"{FUZZ_MODULE} cannot run under pytest-xdist (-n): run it in one process, as `make test` does."
        )  # Playwright's sync API beside the live server


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    """A fast hasher for the whole run, so that data built once for a class or module
    (``testing.built_once``) signs its people in as quickly as a test's own ``world`` does."""

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="session", autouse=True)
def _own_cache_prefix():
    """Each run and each xdist worker keeps its cache entries under a prefix of its own, so runs and workers that
    share one Redis (TWINCITY_CACHE_URL, as .ci/run sets it) never read each other's entries."""
    cache = dict(settings.CACHES["default"])
    cache["KEY_PREFIX"] = f"{cache.get('KEY_PREFIX') or 'twincity'}-test-{os.getpid()}-{time.time_ns()}"
    with override_settings(CACHES={**settings.CACHES, "default": cache}), _no_shared_flush():
        yield
        clear_own_cache()


@contextlib.contextmanager
def _no_shared_flush():
    """``cache.clear()`` on Redis is FLUSHDB: it would empty the entries of every other worker in the middle of their
    tests (a cached verdict vanished under test_benchmarking in CI). Tests call ``clear_own_cache()``."""

    def refuse(self):
        raise AssertionError("cache.clear() empties the Redis database every worker shares: call clear_own_cache()")

    real, RedisCache.clear = RedisCache.clear, refuse
    try:
        yield
    finally:
        RedisCache.clear = real


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with none of its prefix's entries (ids and stamps repeat between tests)."""
    clear_own_cache()


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the site's language: a page asked for in English (``accept-language: en``) leaves
    English active in the worker's thread, and a later test reading a service's message in Chinese then depended on
    which tests the worker ran before it."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def world(db):

    return build_world()


@pytest.fixture
def client_as(client, world):
    """Sign the test client in as one of the personas: ``client_as("tf-unit")``."""

    def login(persona: str):
        client.force_login(world.users[persona])
        return client

    return login


@pytest.fixture
def api_as(world):
    """An API client that sends the persona's token: ``api_as("tf-unit")`` (or a user object)."""

    keys = {}  # one token per person, as a script would keep it

    def make(who):
        user = world.users[who] if isinstance(who, str) else who
        if user.pk not in keys:
            token, keys[user.pk] = ApiToken.issue(user)
            # As a script that is already using its token: the once-a-minute "last used" write
            # (accounts/authentication.py) does not land in a test that counts a request's queries.
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {keys[user.pk]}")
        return client

    return make

"""Sign-in protection: django-axes counts failures on every path that checks a password."""

from __future__ import annotations

import contextlib
import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection
from django.urls import reverse

from twincity.testing import PASSWORD, make_user

LIMIT = 5  # settings.TWINCITY_LOGIN_MAX_FAILURES by default


def sign_in(client, username, password, *, address="10.0.0.1", path=None, **extra):
    return client.post(
        path or reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def signed_in_as(client) -> str | None:
    return client.session.get("_auth_user_id")


def test_after_the_limit_even_the_right_password_is_refused_with_a_page_that_says_what_to_do(client, world):
    for _ in range(LIMIT - 1):
        assert sign_in(client, "office", "wrong-password").status_code == 200
    assert sign_in(client, "office", "wrong-password").status_code == 429  # the failure that reaches the limit
    response = sign_in(client, "office", PASSWORD)
    assert response.status_code == 429
    assert signed_in_as(client) is None
    text = response.content.decode()
    assert "登录失败次数过多" in text
    assert "请联系双城办重置密码" in text

    client.cookies["django_language"] = "en"
    english = sign_in(client, "office", PASSWORD)
    assert english.status_code == 429
    assert "ask the office to reset your password" in english.content.decode()


def test_the_admin_sign_in_is_locked_out_too(client, db):
    make_user("root", superuser=True)
    admin_login = reverse("admin:login")
    for _ in range(LIMIT):
        sign_in(client, "root", "wrong-password", path=admin_login)
    response = sign_in(client, "root", PASSWORD, path=admin_login)
    assert response.status_code == 429
    assert signed_in_as(client) is None
    assert client.get(reverse("admin:index")).status_code == 302  # still sent to sign in


def test_twenty_failures_for_one_user_do_not_lock_out_another_user_behind_the_same_address(client, world):
    for _ in range(20):
        sign_in(client, "tf-coord", "wrong-password", address="192.0.2.7")
    response = sign_in(client, "lj-coord", PASSWORD, address="192.0.2.7")
    assert response.status_code == 302
    assert signed_in_as(client) == str(world.users["lj-coord"].pk)


def test_a_locked_user_name_stays_locked_from_another_address(client, world):
    for i in range(LIMIT):
        sign_in(client, "leader", "wrong-password", address=f"198.51.100.{i}")
    assert sign_in(client, "leader", PASSWORD, address="203.0.113.9").status_code == 429


def test_a_success_clears_only_that_users_failures(client, world):
    for _ in range(LIMIT - 1):
        sign_in(client, "tf-unit", "wrong-password")
        sign_in(client, "lj-unit", "wrong-password")
    assert sign_in(client, "tf-unit", PASSWORD).status_code == 302
    client.logout()
    assert sign_in(client, "lj-unit", "wrong-password").status_code == 429  # lj-unit's fifth failure
    for _ in range(LIMIT - 1):
        sign_in(client, "tf-unit", "wrong-password")
    assert sign_in(client, "tf-unit", PASSWORD).status_code == 302  # tf-unit started again from nought


def test_the_forwarded_address_counts_only_behind_a_proxy(client, world, settings):
    sign_in(client, "auditor", "wrong-password", address="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert AccessAttempt.objects.get().ip_address == "10.0.0.1"  # a header anyone can send is ignored
    AccessAttempt.objects.all().delete()
    settings.AXES_IPWARE_PROXY_COUNT = 0  # one nginx in front, which writes the address it saw
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    sign_in(client, "auditor", "wrong-password", address="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert AccessAttempt.objects.get().ip_address == "203.0.113.5"
    AccessAttempt.objects.all().delete()
    # A client that writes an address into the header itself makes it longer than one proxy makes it:
    # the header is not trusted, and the proxy's own address stands in (the user name is counted anyway).
    sign_in(client, "auditor", "wrong-password", address="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.66, 203.0.113.5")
    assert AccessAttempt.objects.get().ip_address == "10.0.0.1"


def _post_login(base_url: str, username: str, password: str) -> int:
    """One browser's sign-in against the live server: fetch the form (CSRF cookie and token), post it."""
    jar = http.cookiejar.CookieJar()

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    url = f"{base_url}{reverse('login')}"
    page = opener.open(url, timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token})
    request = urllib.request.Request(url, data=data.encode(), headers={"Referer": url})
    try:
        return opener.open(request, timeout=30).status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.django_db(transaction=True)
def test_parallel_guesses_are_all_counted_and_then_the_right_password_is_refused(live_server, monkeypatch):
    make_user("target")
    # How many guesses reach the password check at all: no more than the limit, however many arrive at once.
    checks = []
    check_password = AbstractBaseUser.check_password
    monkeypatch.setattr(
        AbstractBaseUser, "check_password", lambda user, raw: checks.append(raw) or check_password(user, raw)
    )
    guesses = 24
    start = threading.Barrier(guesses)
    answers: list[int] = []
    # On PostgreSQL the live server's threads use their own connections: the guesses really run at once.
    # The SQLite test database lives in memory behind ONE connection that the live server shares between
    # its threads, and that connection cannot serve two requests at once (a limit of the test harness;
    # a deployed SQLite is a file with a busy timeout), so there the guesses are sent one after another.
    one_at_a_time = threading.Lock() if connection.vendor == "sqlite" else contextlib.nullcontext()

    def guess(i: int) -> None:
        start.wait(timeout=30)
        with one_at_a_time:
            answers.append(_post_login(live_server.url, "target", f"guess-{i}"))

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(guesses)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(answers) == guesses, answers
    assert set(answers) <= {200, 429}, answers
    assert len(checks) <= LIMIT, checks

    assert sum(AccessAttempt.objects.filter(username="target").values_list("failures_since_start", flat=True)) >= LIMIT
    assert _post_login(live_server.url, "target", PASSWORD) == 429

"""API tokens: shown once, kept as a digest, expiring, revoked with the password or on request."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from twincity.accounts.models import ApiToken, token_digest
from twincity.audit.models import AuditEvent
from twincity.testing import PASSWORD, make_user

API = "/api/partnerships/"


def api_with(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def make_token_on_my_account(client) -> str:
    response = client.post(reverse("profile"), {"action": "token"})
    assert response.status_code == 302
    page = client.get(reverse("profile"))
    return page.context["new_key"]


def test_a_token_made_on_my_account_is_shown_once_and_kept_only_as_a_digest(client_as, world):
    client = client_as("tf-coord")
    key = make_token_on_my_account(client)
    assert key
    assert len(key) >= 40
    token = ApiToken.objects.get(user=world.users["tf-coord"])
    assert token.digest == token_digest(key)
    assert key not in (token.digest, token.prefix)
    assert api_with(key).get(API).status_code == 200

    again = client.get(reverse("profile")).content.decode()
    assert key not in again
    assert f"{token.prefix}…" in again
    event = AuditEvent.objects.get(verb="api_token.created")
    assert event.user_name == "tf-coord"
    assert key not in str(event.data)


def test_the_token_page_tells_when_a_token_was_made_last_used_and_expires(client_as, world, settings):
    client = client_as("leader")
    key = make_token_on_my_account(client)
    api_with(key).get(API)
    token = ApiToken.objects.get(user=world.users["leader"])
    assert token.last_used_at is not None
    assert token.expires_at.date() == (timezone.now() + dt.timedelta(days=settings.TWINCITY_API_TOKEN_DAYS)).date()
    page = client.get(reverse("profile")).content.decode()
    assert timezone.localtime(token.expires_at).strftime("%Y-%m-%d") in page
    assert timezone.localtime(token.last_used_at).strftime("%Y-%m-%d %H:%M") in page


def test_a_new_token_replaces_the_old_one(client_as, world):
    client = client_as("tf-unit")
    first = make_token_on_my_account(client)
    second = make_token_on_my_account(client)
    assert api_with(first).get(API).status_code == 401
    assert api_with(second).get(API).status_code == 200


def test_the_revoke_button_ends_the_token(client_as, world):
    client = client_as("auditor")
    key = make_token_on_my_account(client)
    assert client.post(reverse("profile"), {"action": "revoke"}).status_code == 302
    assert api_with(key).get(API).status_code == 401
    event = AuditEvent.objects.get(verb="api_token.revoked")
    assert event.data["reason"] == "revoked"
    assert event.user_name == "auditor"


def test_a_token_stops_working_when_it_expires(api_as, world):
    client = api_as("office")
    assert client.get(API).status_code == 200
    ApiToken.objects.filter(user=world.users["office"]).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(API).status_code == 401


def test_a_token_of_a_closed_account_is_refused(api_as, world):
    client = api_as("lj-unit")
    get_user_model().objects.filter(pk=world.users["lj-unit"].pk).update(is_active=False)
    assert client.get(API).status_code == 401


def test_changing_my_password_on_the_password_page_revokes_my_tokens(client_as, world):
    client = client_as("lj-coord")
    key = make_token_on_my_account(client)
    new = "a-new-and-long-passphrase-77"
    response = client.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    assert api_with(key).get(API).status_code == 401
    assert AuditEvent.objects.get(verb="api_token.revoked").data["reason"] == "password_changed"


def test_any_change_of_the_password_hash_revokes_the_tokens(api_as, world):
    user = world.users["tf-coord"]
    client = api_as(user)
    user.first_name = "Ming"
    user.save()  # a save that leaves the password alone leaves the token alone
    assert client.get(API).status_code == 200
    user.set_password("yet-another-passphrase-2026")
    user.save()
    assert client.get(API).status_code == 401


def test_a_password_set_in_the_admin_revokes_the_tokens(client, api_as, world):
    root = make_user("root", superuser=True)
    client.force_login(root)
    target = world.users["outsider"]
    api = api_as(target)
    new = "admin-chosen-passphrase-31"
    response = client.post(
        reverse("admin:auth_user_password_change", args=[target.pk]),
        {"password1": new, "password2": new, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert api.get(API).status_code == 401


def test_signing_out_does_not_revoke_a_token(client_as, world):
    client = client_as("office")
    key = make_token_on_my_account(client)
    client.post(reverse("logout"))
    assert client.get(reverse("profile")).status_code == 302  # the session has ended
    assert api_with(key).get(API).status_code == 200  # the script's credential has not


def test_an_unknown_key_is_refused(db):
    assert api_with("not-a-key").get(API).status_code == 401

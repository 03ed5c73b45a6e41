"""Password resets: by the office of one's own partnership, and by e-mail where the office has mail."""

from __future__ import annotations

import email
import email.policy
import re
import socket
import threading

import pytest
from aiosmtpd.controller import Controller
from django.urls import reverse

from twincity.accounts.choices import Role
from twincity.accounts.services import add_membership
from twincity.audit.models import AuditEvent
from twincity.testing import PASSWORD, build_world, make_user

API = "/api/partnerships/"


def reset_url(world, persona: str, partnership=None) -> str:
    partnership = partnership or world.partnership
    return reverse("office_password_reset", args=[partnership.pk, world.users[persona].pk])


def sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR="10.0.0.2")


def test_the_office_resets_a_members_password_who_then_must_choose_their_own(client, client_as, api_as, world):
    api = api_as("tf-unit")
    office = client_as("office")
    settings_page = office.get(reverse("regions:settings", args=[world.partnership.pk])).content.decode()
    assert reset_url(world, "tf-unit") in settings_page  # "Reset password" beside each person
    assert office.get(reset_url(world, "tf-unit")).status_code == 200
    page = office.post(reset_url(world, "tf-unit"))
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    one_time = re.search(r'id="one-time-password">([^<]+)<', page.content.decode()).group(1)
    assert api.get(API).status_code == 401  # the tokens went with the old password
    event = AuditEvent.objects.get(verb="account.password_reset")
    assert event.user_name == "office"
    assert event.partnership_id == world.partnership.pk
    assert event.data == {"user": "tf-unit", "by": "office"}
    assert one_time not in str(event.data)
    office.logout()

    assert sign_in(client, "tf-unit", PASSWORD).status_code == 200  # the old password is gone
    assert sign_in(client, "tf-unit", one_time).status_code == 302
    response = client.get(reverse("workspace:my_work"))
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change")
    new = "tf-unit-own-passphrase-2026"
    response = client.post(
        reverse("password_change"), {"old_password": one_time, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    client.get(response["Location"])
    assert client.get(reverse("workspace:my_work")).status_code == 200  # free to work again


def test_a_reset_by_the_office_lifts_a_sign_in_lockout(client, client_as, world):
    for _ in range(5):
        sign_in(client, "leader", "wrong-password")
    assert sign_in(client, "leader", PASSWORD).status_code == 429
    page = client_as("office").post(reset_url(world, "leader")).content.decode()
    one_time = re.search(r'id="one-time-password">([^<]+)<', page).group(1)
    client.logout()
    assert sign_in(client, "leader", one_time).status_code == 302


def test_a_coordinator_may_not_reset_a_password(client_as, world):
    client = client_as("tf-coord")
    assert client.get(reset_url(world, "tf-unit")).status_code == 404
    assert client.post(reset_url(world, "tf-unit")).status_code == 403
    assert not AuditEvent.objects.filter(verb="account.password_reset").exists()


def test_an_outsider_does_not_learn_the_page_exists(client_as, world):
    client = client_as("outsider")
    assert client.get(reset_url(world, "tf-unit")).status_code == 404
    assert client.post(reset_url(world, "tf-unit")).status_code == 404


def test_the_office_cannot_reset_across_partnerships(client_as, world):
    other = build_world(code_prefix="x-")
    client = client_as("office")
    # The other partnership's member, through our partnership's address and through theirs.
    assert (
        client.post(
            reverse("office_password_reset", args=[world.partnership.pk, other.users["tf-unit"].pk])
        ).status_code
        == 404
    )
    assert client.post(reset_url(other, "tf-unit")).status_code == 404
    # Someone who belongs to both partnerships: resetting them would reach into the other one.
    add_membership(world.users["lj-unit"], other.partnership, Role.LEADER)
    assert client.post(reset_url(world, "lj-unit")).status_code == 404
    assert not AuditEvent.objects.filter(verb="account.password_reset").exists()


def test_the_office_resets_its_own_password_on_the_password_page_not_here(client_as, world):
    assert client_as("office").post(reset_url(world, "office")).status_code == 404


def test_the_office_cannot_reset_a_superuser(client_as, world):
    root = make_user("root", superuser=True)
    add_membership(root, world.partnership, Role.LEADER)
    client = client_as("office")
    assert client.post(reverse("office_password_reset", args=[world.partnership.pk, root.pk])).status_code == 404


# ------------------------------------------------------------------------------------------------ by e-mail


class Inbox:
    """A real SMTP server on 127.0.0.1 (aiosmtpd): what it receives is what a mail server would."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):
        with self.arrived:
            self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
            self.arrived.notify_all()
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 10) -> list:
        with self.arrived:
            assert self.arrived.wait_for(lambda: len(self.messages) >= count, timeout=timeout), self.messages
        return self.messages


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    with socket.socket() as probe:  # a free port (aiosmtpd checks its own start by connecting to it)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.TWINCITY_PASSWORD_RESET_BY_EMAIL = True
    settings.TWINCITY_BASE_URL = "https://twincity.example.gov.cn"
    yield inbox
    controller.stop()


def test_reset_by_email_is_off_unless_the_office_turns_it_on(client, world):
    assert client.get(reverse("password_reset")).status_code == 404
    assert "password/reset" not in client.get(reverse("login")).content.decode()


def test_a_reset_link_arrives_by_mail_and_sets_a_new_password(client, api_as, world, smtp):
    api = api_as("lj-coord")
    assert reverse("password_reset") in client.get(reverse("login")).content.decode()
    response = client.post(reverse("password_reset"), {"email": "lj-coord@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    [mail] = smtp.wait_for(1)
    assert mail["To"] == "lj-coord@example.org"
    assert "双城办" in mail["Subject"]
    body = mail.get_content()
    assert "重置" in body  # in the language the person asked in (Chinese first)
    link = re.search(r"https://twincity\.example\.gov\.cn(/accounts/password/reset/\S+/\S+/)", body).group(1)

    form = client.get(link, follow=True)
    assert form.status_code == 200
    assert form.context["validlink"]
    new = "lj-coord-mailed-passphrase-88"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    assert done["Location"] == reverse("password_reset_complete")
    assert api.get(API).status_code == 401  # the tokens went with the old password
    assert AuditEvent.objects.get(verb="account.password_reset").data == {"user": "lj-coord", "by": "email"}
    assert sign_in(client, "lj-coord", new).status_code == 302

    again = client.get(link, follow=True)
    assert not again.context["validlink"]  # a link works once


def test_a_reset_does_not_tell_whether_an_address_exists(client, world, smtp):
    known = client.post(reverse("password_reset"), {"email": "tf-coord@example.org"})
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    smtp.wait_for(1)
    assert len(smtp.messages) == 1
    assert smtp.messages[0]["To"] == "tf-coord@example.org"

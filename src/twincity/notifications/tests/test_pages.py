"""The notices pages: my preferences (mine alone), the office's deliveries (failed shown in the reader's language,
retried) and group robots (added, changed, disabled, secrets never shown), attacked with hostile input."""

import pytest
from django.urls import reverse

from twincity.notifications.choices import Channel, DeliveryError, DeliveryState, RobotKind, Timing
from twincity.notifications.models import Delivery, Preference, Robot
from twincity.testing import build_second_partnership

pytestmark = pytest.mark.django_db


def failed(world, **fields):
    return Delivery.objects.create(
        key=fields.pop("key", "t:failed"),
        kind="agenda_published",
        channel=Channel.EMAIL,
        recipient=world.users["lj-coord"],
        address="lj-coord@example.org",
        partnership=fields.pop("partnership", world.partnership),
        subject="议程已发布",
        state=DeliveryState.FAILED,
        attempts=6,
        error_kind=DeliveryError.RATE_LIMITED,
        last_error="660026 send too fast",
        **fields,
    )


def test_my_preferences_are_mine_and_hostile_values_change_nothing(world, client_as):
    client = client_as("lj-unit")
    url = reverse("notifications:preferences")
    assert client.post(url, {"pref-agenda_published-email": "digest"}).status_code == 302
    assert Preference.objects.get().user == world.users["lj-unit"]
    for hostile in ({"pref-agenda_published-email": "<script>"}, {"pref-agenda_published-in_app": "digest"}):
        client.post(url, hostile)
    assert list(Preference.objects.values_list("kind", "channel", "timing")) == [
        ("agenda_published", "email", Timing.DIGEST)
    ]
    page = client_as("lj-coord").get(url).content.decode()
    assert 'value="digest" selected' not in page  # lj-coord sees their own (defaults), not lj-unit's


def test_the_office_sees_a_failed_delivery_in_its_language_and_retries_it(world, client_as):
    row = failed(world)
    client = client_as("office")
    page = client.get(
        reverse("notifications:deliveries", args=[world.partnership.pk]) + "?state=failed",
        headers={"Accept-Language": "zh-hans"},
    )
    body = page.content.decode()
    assert "660026 send too fast" in body
    assert "请求过于频繁" in body  # the error's kind, in Chinese
    assert client.post(reverse("notifications:retry", args=[row.pk])).status_code == 302
    row.refresh_from_db()
    assert (row.state, row.attempts) == (DeliveryState.QUEUED, 0)


def test_nobody_but_the_partnerships_office_sees_or_retries_its_deliveries(world, client, client_as):
    row = failed(world)
    other = build_second_partnership("Z")
    client.force_login(other.users["office"])
    assert client.get(reverse("notifications:deliveries", args=[world.partnership.pk])).status_code == 404
    assert client.post(reverse("notifications:retry", args=[row.pk])).status_code == 404
    for persona in ("tf-coord", "lj-coord", "leader", "auditor", "outsider"):
        assert client_as(persona).post(reverse("notifications:retry", args=[row.pk])).status_code == 404
    row.refresh_from_db()
    assert row.state == DeliveryState.FAILED


def robot_form(**fields):
    data = {"name": "两江群", "kind": RobotKind.FEISHU, "webhook_url": "https://open.feishu.cn/hook/x", "active": "on"}
    data.update(fields)
    return data


def test_the_office_adds_changes_and_disables_a_robot_and_its_secret_is_never_shown(world, client_as):
    client = client_as("office")
    url = reverse("notifications:robots", args=[world.partnership.pk])
    assert client.post(url, robot_form(secret="TOPSECRET", side=world.lj.pk)).status_code == 302
    robot = Robot.objects.get()
    assert (robot.secret, robot.side) == ("TOPSECRET", world.lj)
    edit = reverse("notifications:robot_edit", args=[robot.pk])
    assert "TOPSECRET" not in client.get(edit).content.decode()
    assert "TOPSECRET" not in client.get(url).content.decode()
    response = client.post(edit, robot_form(name="两江工作群", secret="", version=robot.version))
    assert response.status_code == 302
    robot.refresh_from_db()
    assert (robot.name, robot.secret, robot.active, robot.version) == ("两江工作群", "TOPSECRET", True, 2)
    client.post(edit, robot_form(name="两江工作群", active="", version=robot.version))
    robot.refresh_from_db()
    assert not robot.active
    stale = client.post(edit, robot_form(name="旧的", version=1))
    assert stale.status_code == 200
    assert Robot.objects.get().name == "两江工作群"


def test_hostile_robots_are_refused_with_a_reason_and_nothing_written(world, client_as):
    client = client_as("office")
    url = reverse("notifications:robots", args=[world.partnership.pk])
    other = build_second_partnership("Y")
    for hostile in (
        robot_form(webhook_url="javascript:alert(1)"),
        robot_form(webhook_url="ftp://example.org/x"),
        robot_form(kind="telegram"),
        robot_form(side=other.tf.pk),
        robot_form(kinds=["no_such_kind"]),
        robot_form(name=""),
    ):
        response = client.post(url, hostile)
        assert response.status_code == 200, hostile
        assert "invalid-feedback" in response.content.decode() or "alert-danger" in response.content.decode()
    assert not Robot.objects.exists()
    for persona in ("tf-coord", "lj-coord", "tf-unit", "leader", "auditor", "outsider"):
        assert client_as(persona).post(url, robot_form()).status_code == 404
    assert not Robot.objects.exists()

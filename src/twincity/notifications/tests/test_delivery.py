"""Notices delivered: the outbox announce() fills, drained to a real SMTP server and to robots answering as WeCom,
DingTalk and Feishu do (errors, rate limits, signatures), with back-off, exactly once; people's preferences."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from twincity.audit.models import AuditEvent
from twincity.notifications import delivery, services
from twincity.notifications.choices import (
    Channel,
    DeliveryError,
    DeliveryState,
    Event,
    NotificationKind,
    RobotKind,
    Timing,
)
from twincity.notifications.models import Delivery, Notification, Preference, Robot

pytestmark = pytest.mark.django_db

KIND = NotificationKind.AGENDA_PUBLISHED


def tell(world, *personas, key="agenda_published:session:1", side_ids=None):
    with transaction.atomic():
        return services.announce(
            KIND,
            recipients=[world.users[p] for p in personas],
            subject="议程已发布：第2次联席会议",
            body="请查看议程",
            url="/meetings/sessions/1/",
            partnership_id=world.partnership.pk,
            key=key,
            side_ids=side_ids,
        )


def robot(world, robots, kind, name, *, secret="", side=None, kinds=()):
    path = f"/{kind}/{name}"
    if secret:
        robots.secrets[path] = secret
    return Robot.objects.create(
        partnership=world.partnership,
        side=side,
        name=name,
        kind=kind,
        webhook_url=robots.url(path),
        secret=secret,
        kinds=list(kinds),
    ), path


def later(minutes=0, seconds=0):
    return timezone.now() + dt.timedelta(minutes=minutes, seconds=seconds)


def test_a_notice_is_in_the_app_at_once_and_its_email_goes_once(world, smtp):
    assert tell(world, "lj-coord", "tf-coord") == 2
    assert Notification.objects.filter(user=world.users["lj-coord"], kind=KIND).count() == 1
    assert Delivery.objects.filter(channel=Channel.EMAIL, state=DeliveryState.QUEUED).count() == 2
    assert delivery.drain() == {"sent": 2}
    smtp.wait_for(2)
    [mail] = smtp.to("lj-coord@example.org")
    assert "议程已发布" in mail["Subject"]
    assert "https://twincity.example.gov.cn/meetings/sessions/1/" in mail.get_content()
    # Announced again, drained again: nothing more anywhere.
    assert tell(world, "lj-coord", "tf-coord") == 0
    assert delivery.drain() == {}
    assert len(smtp.messages) == 2
    assert Notification.objects.filter(user=world.users["lj-coord"], kind=KIND).count() == 1


def test_nothing_is_written_when_the_event_rolls_back(world):
    def event():
        with transaction.atomic():
            services.announce(KIND, recipients=[world.users["lj-coord"]], subject="x", key="k:1")
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError, match="change failed"):
        event()
    assert not Delivery.objects.exists()
    assert not Notification.objects.exists()


def test_a_mail_server_saying_try_later_is_retried_with_back_off_and_delivered_once(world, smtp, settings):
    settings.TWINCITY_DELIVERY_BACKOFF_SECONDS = 60
    smtp.refuse_next = 2
    tell(world, "lj-coord")
    now = timezone.now()
    assert delivery.drain(now=now) == {"retried": 1}
    row = Delivery.objects.get()
    assert (row.attempts, row.error_kind) == (1, DeliveryError.SERVER_ERROR)
    assert "451" in row.last_error
    assert row.due_at == now + dt.timedelta(seconds=60)
    assert delivery.drain(now=now + dt.timedelta(seconds=59)) == {}  # not due yet
    assert delivery.drain(now=now + dt.timedelta(seconds=60)) == {"retried": 1}
    row.refresh_from_db()
    assert row.due_at == now + dt.timedelta(seconds=60 + 120)  # doubled
    assert delivery.drain(now=now + dt.timedelta(seconds=180)) == {"sent": 1}
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error) == (DeliveryState.SENT, 3, "")
    assert len(smtp.wait_for(1)) == 1
    assert delivery.drain(now=now + dt.timedelta(days=1)) == {}
    assert len(smtp.messages) == 1


def test_an_unreachable_server_ends_failed_after_the_last_attempt_and_is_shown_not_dropped(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens
    settings.TWINCITY_DELIVERY_MAX_ATTEMPTS = 3
    tell(world, "lj-coord")
    moment = timezone.now()
    for expected in ("retried", "retried", "failed"):
        assert delivery.drain(now=moment) == {expected: 1}
        moment = Delivery.objects.get().due_at
    row = Delivery.objects.get()
    assert (row.state, row.attempts, row.error_kind) == (DeliveryState.FAILED, 3, DeliveryError.UNREACHABLE)
    assert AuditEvent.objects.filter(verb=Event.DELIVERY_FAILED, object_id=row.pk).count() == 1
    assert delivery.drain(now=moment + dt.timedelta(days=2)) == {}


def test_the_office_retries_a_failed_delivery_and_nobody_else_may(world, smtp):
    tell(world, "lj-coord")
    row = Delivery.objects.get()
    with pytest.raises(ValueError, match="failed"):
        services.retry_delivery(row, user=world.users["office"])
    Delivery.objects.filter(pk=row.pk).update(state=DeliveryState.FAILED, attempts=6, last_error="boom")
    services.retry_delivery(row, user=world.users["office"])
    assert delivery.drain() == {"sent": 1}
    assert len(smtp.wait_for(1)) == 1


def test_off_sends_nothing_and_digest_batches_into_one_email(world, smtp):
    lj = world.users["lj-coord"]
    services.set_preferences(lj, {(KIND, Channel.EMAIL): Timing.DIGEST})
    tf = world.users["tf-coord"]
    services.set_preferences(tf, {(KIND, Channel.EMAIL): Timing.OFF, (KIND, Channel.IN_APP): Timing.OFF})
    tell(world, "lj-coord", "tf-coord", key="agenda:1")
    tell(world, "lj-coord", "tf-coord", key="agenda:2")
    assert not Notification.objects.filter(user=tf).exists()
    assert not Delivery.objects.filter(recipient=tf).exists()
    assert Notification.objects.filter(user=lj).count() == 2  # in the application at once
    assert delivery.drain() == {}  # the digest waits for its day
    assert delivery.send_digest() == 1
    [mail] = smtp.wait_for(1)
    assert mail["To"] == "lj-coord@example.org"
    assert mail.get_content().count("议程已发布：第2次联席会议") == 2
    assert delivery.send_digest() == 0
    assert len(smtp.messages) == 1


def test_preferences_refuse_what_does_not_exist(world):
    user = world.users["lj-unit"]
    for bad in (
        {("no_such_kind", Channel.EMAIL): Timing.OFF},
        {(KIND, Channel.ROBOT): Timing.OFF},
        {(KIND, Channel.EMAIL): "sometimes"},
        {(KIND, Channel.IN_APP): Timing.DIGEST},
    ):
        with pytest.raises(ValueError, match=r"unknown choice|no digest"):
            services.set_preferences(user, bad)
    assert not Preference.objects.exists()
    assert services.set_preferences(user, {(KIND, Channel.EMAIL): Timing.OFF}) == 1
    assert services.set_preferences(user, {(KIND, Channel.EMAIL): Timing.IMMEDIATE}) == 1
    assert not Preference.objects.exists()  # the default is no row


def test_each_robot_gets_each_event_once_signed_as_its_tool_wants(world, robots):
    _wecom, wecom_path = robot(world, robots, RobotKind.WECOM, "wc")
    _ding, ding_path = robot(world, robots, RobotKind.DINGTALK, "dt", secret="SEC-ding-0123456789")
    _feishu, feishu_path = robot(world, robots, RobotKind.FEISHU, "fs", secret="feishu-secret")
    tell(world, "lj-coord")
    tell(world, "lj-coord")  # the same event again
    Delivery.objects.filter(channel=Channel.EMAIL).delete()
    assert delivery.drain() == {"sent": 3}
    assert delivery.drain() == {}
    [w] = robots.received[wecom_path]
    assert w["msgtype"] == "markdown"
    assert "议程已发布：第2次联席会议" in w["markdown"]["content"]
    [d] = robots.received[ding_path]
    assert d["markdown"]["title"] == "议程已发布：第2次联席会议"
    [f] = robots.received[feishu_path]
    assert f["msg_type"] == "text"
    assert "议程已发布" in f["content"]["text"]


def test_a_robot_answering_an_error_then_recovering_is_retried_and_gets_the_message_once(world, robots):
    _r, path = robot(world, robots, RobotKind.DINGTALK, "flaky", secret="s3cret")
    robots.script[path] = ["busy", 502]
    tell(world)
    assert delivery.drain() == {"retried": 1}
    row = Delivery.objects.get(channel=Channel.ROBOT)
    assert row.error_kind == DeliveryError.SERVER_ERROR
    assert "system busy" in row.last_error
    assert delivery.drain(now=row.due_at) == {"retried": 1}
    row.refresh_from_db()
    assert row.last_error == "HTTP 502"
    assert delivery.drain(now=row.due_at) == {"sent": 1}
    assert len(robots.received[path]) == 1
    assert len(robots.requests) == 3


def test_a_rate_limited_robot_is_slowed_down_not_dropped(world, robots):
    _r, path = robot(world, robots, RobotKind.FEISHU, "busy", secret="fs")
    robots.per_minute = 2
    for n in range(3):
        tell(world, key=f"agenda:{n}")
    assert delivery.drain() == {"sent": 2, "retried": 1}
    row = Delivery.objects.get(state=DeliveryState.QUEUED)
    assert row.error_kind == DeliveryError.RATE_LIMITED
    robots.per_minute = None  # the minute has passed
    assert delivery.drain(now=row.due_at) == {"sent": 1}
    assert len(robots.received[path]) == 3


def test_a_wrong_signature_fails_at_once_with_the_tools_answer(world, robots):
    _r, path = robot(world, robots, RobotKind.DINGTALK, "wrong", secret="right")
    Robot.objects.update(secret="wrong")
    tell(world)
    assert delivery.drain() == {"failed": 1}
    row = Delivery.objects.get()
    assert (row.error_kind, row.attempts) == (DeliveryError.REFUSED, 1)
    assert "310000" in row.last_error
    assert path not in robots.received


def test_a_sides_robot_takes_its_sides_notices_and_only_the_kinds_it_takes(world, robots):
    lj_robot, lj_path = robot(world, robots, RobotKind.WECOM, "lj", side=world.lj)
    _picky, picky_path = robot(world, robots, RobotKind.WECOM, "picky", kinds=[NotificationKind.SESSION_SOON])
    off, off_path = robot(world, robots, RobotKind.WECOM, "off")
    Robot.objects.filter(pk=off.pk).update(active=False)
    tell(world, key="tf-only", side_ids=[world.tf.pk])
    tell(world, key="lj-too", side_ids=[world.lj.pk])
    assert set(Delivery.objects.filter(channel=Channel.ROBOT).values_list("key", flat=True)) == {
        f"lj-too:r{lj_robot.pk}"
    }
    delivery.drain()
    assert len(robots.received[lj_path]) == 1
    assert picky_path not in robots.received
    assert off_path not in robots.received


@pytest.mark.django_db(transaction=True)
def test_the_worker_delivers_what_a_committed_event_queued(world, smtp, robots):
    _r, path = robot(world, robots, RobotKind.WECOM, "worker")
    with transaction.atomic():
        services.announce(
            KIND,
            recipients=[world.users["lj-coord"]],
            subject="议程已发布",
            partnership_id=world.partnership.pk,
            key="agenda:worker",
        )
        services.announce(
            KIND, recipients=[world.users["tf-coord"]], subject="另一条", partnership_id=world.partnership.pk, key="k2"
        )
        assert not DBTaskResult.objects.exists()  # not before the commit
    assert DBTaskResult.objects.count() == 1  # one drain per transaction
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    assert len(smtp.wait_for(2)) == 2
    assert len(robots.received[path]) == 2
    assert set(Delivery.objects.values_list("state", flat=True)) == {DeliveryState.SENT}

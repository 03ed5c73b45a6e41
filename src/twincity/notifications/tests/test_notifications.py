"""People see their own notifications, mark them read, and manage their secret calendar address."""

import re

import pytest
from django.urls import reverse

from twincity.notifications import services
from twincity.notifications.choices import NotificationKind
from twincity.notifications.models import CalendarToken, Notification, hash_token

pytestmark = pytest.mark.django_db


def note(user, title="议程已发布：第2次联席会议", **kwargs):
    return services.notify(user, kind=NotificationKind.AGENDA_PUBLISHED, title=title, **kwargs)


def test_a_contact_sees_their_own_notifications_and_not_anyone_elses(world, client_as):
    note(world.users["tf-unit"], title="督办事项2020-1-2已逾期1天")
    note(world.users["lj-unit"], title="两江的消息")
    page = client_as("tf-unit").get(reverse("notifications:list"))
    assert page.status_code == 200
    assert "督办事项2020-1-2已逾期1天" in page.content.decode()
    assert "两江的消息" not in page.content.decode()


def test_opening_a_notification_marks_it_read_and_follows_its_link(world, client_as):
    n = note(world.users["tf-unit"], url="/matters/my-work/")
    response = client_as("tf-unit").get(reverse("notifications:open", args=[n.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/matters/my-work/"
    n.refresh_from_db()
    assert n.is_read


def test_a_notification_never_redirects_to_another_site(world, client_as):
    n = note(world.users["tf-unit"], url="https://evil.example.com/")
    response = client_as("tf-unit").get(reverse("notifications:open", args=[n.pk]))
    assert response["Location"] == reverse("notifications:list")


def test_someone_elses_notification_is_a_404_and_stays_unread(world, client_as):
    n = note(world.users["lj-unit"])
    client = client_as("tf-unit")
    assert client.get(reverse("notifications:open", args=[n.pk])).status_code == 404
    assert client.post(reverse("notifications:mark_read", args=[n.pk])).status_code == 404
    n.refresh_from_db()
    assert not n.is_read


def test_a_contact_marks_one_then_all_notifications_read(world, client_as):
    user = world.users["tf-unit"]
    first, _second, _third = note(user), note(user), note(user)
    client = client_as("tf-unit")
    response = client.post(reverse("notifications:mark_read", args=[first.pk]), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert f'id="notification-{first.pk}"' in response.content.decode()
    assert Notification.objects.filter(user=user).unread().count() == 2
    client.post(reverse("notifications:mark_all_read"))
    assert Notification.objects.filter(user=user).unread().count() == 0
    assert client.get(reverse("notifications:list") + "?unread=1").content.decode().count("notification-") == 0


def test_the_calendar_address_is_shown_once_and_only_its_digest_is_kept(world, client_as):
    client = client_as("tf-coord")
    response = client.post(reverse("notifications:calendar_issue"), follow=True)
    html = response.content.decode()
    token = CalendarToken.objects.get(user=world.users["tf-coord"], revoked_at__isnull=True)
    url = re.search(r'value="(http://testserver/notifications/calendar/[^"]+\.ics)" id="feed-url"', html).group(1)
    secret = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert hash_token(secret) == token.token_hash
    assert secret not in token.token_hash
    assert secret not in client.get(reverse("notifications:calendar")).content.decode()  # not shown again
    client.post(reverse("notifications:calendar_revoke"))
    assert not CalendarToken.objects.active().filter(user=world.users["tf-coord"]).exists()
    assert client.get(reverse("notifications:feed", args=[secret])).status_code == 404


def test_the_pages_need_a_sign_in(world, client):
    assert client.get(reverse("notifications:list")).status_code == 302
    assert client.post(reverse("notifications:calendar_issue")).status_code == 302


def test_notices_in_bulk_follow_each_persons_preference_and_are_written_once(world):
    from twincity.notifications.choices import Channel, DeliveryState, Timing  # noqa: PLC0415
    from twincity.notifications.models import Delivery, ReminderLog  # noqa: PLC0415

    quiet, digest, plain = world.users["tf-unit"], world.users["lj-unit"], world.users["tf-coord"]
    services.set_preferences(quiet, {("sheet_issued", Channel.IN_APP): Timing.OFF, ("sheet_issued", "email"): "off"})
    services.set_preferences(digest, {("sheet_issued", Channel.EMAIL): Timing.DIGEST})

    def message(key):
        return services.Message(
            kind="sheet_issued",
            key=key,
            subject="2 份新督办单",
            body="督〔2026〕1号\n督〔2026〕2号",
            partnership_id=world.partnership.pk,
        )

    item = message("sheet_issued:sheet:1")
    counts = services.announce_digests(
        [(message("sheet_issued:p1:d:s1"), user) for user in (quiet, digest, plain)], records=[item]
    )
    assert counts == [0, 1, 1]  # the one who turned the kind off is not told at all
    assert sorted(Notification.objects.values_list("user__username", flat=True)) == sorted(
        [digest.username, plain.username]
    )
    states = dict(Delivery.objects.values_list("recipient__username", "state"))
    assert states == {digest.username: DeliveryState.DIGEST, plain.username: DeliveryState.QUEUED}
    assert ReminderLog.objects.filter(key="sheet_issued:sheet:1", recipient=None).exists()
    # the keys are the caller's to make new: the same ones again fail the transaction, nothing half-written
    from django.db import IntegrityError, transaction  # noqa: PLC0415

    with pytest.raises(IntegrityError), transaction.atomic():
        services.announce_digests([(message("sheet_issued:p1:d:s1"), plain)])
    assert Notification.objects.count() == 2


def test_bulk_rows_go_only_to_the_trail_and_registered_plain_tables():
    from twincity.audit.services import allow_insert_rows, insert_rows  # noqa: PLC0415
    from twincity.notifications.models import Robot  # noqa: PLC0415

    with pytest.raises(ValueError, match="audited"):
        allow_insert_rows(Robot)  # an audited model: its writes must leave the trail
    with pytest.raises(ValueError, match="audit trail only"):
        insert_rows(Robot, [{"name": "x"}])

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

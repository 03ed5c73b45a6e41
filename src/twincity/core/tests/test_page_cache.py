"""Whole pages from the cache (core.cache.cached_page): a repeat view costs only the key's queries, and nothing a
reader must see is ever replayed stale: writes, their own notices and to-dos, messages, another person's name, an
old CSRF token.

Runs on both databases; under PostgreSQL the suite's cache is Redis (``.ci/run``), so the replay goes through the
shared cache the production profile uses."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from twincity.accounts.choices import Role
from twincity.accounts.services import add_membership
from twincity.audit.context import acting
from twincity.core.cache import CSRF_MARK, clear_own_cache
from twincity.matters import services as matter_services
from twincity.notifications import services as notices
from twincity.regions.models import Partnership
from twincity.supervision.models import Todo
from twincity.supervision.todos import count_for, rebuild
from twincity.testing import build_second_partnership, make_matter, make_user, populate

pytestmark = pytest.mark.django_db

MATTERS = reverse("matters:list")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')
ANY_TOKEN = re.compile(r"\b[A-Za-z0-9]{64}\b")  # a masked CSRF token, wherever the page carries it
KEY_QUERIES = 3  # the session, the user, their memberships (with their partnerships' stamps)


@pytest.fixture(autouse=True)
def empty_cache():
    clear_own_cache()
    yield
    clear_own_cache()


@pytest.fixture
def scene(world):
    return populate(world)


def view(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.status_code)
    return response, len(queries)


def pages(w) -> list[str]:
    return [
        reverse("dashboard", args=[w.partnership.pk]),
        MATTERS + f"?partnership={w.partnership.pk}",
        reverse("matters:matter", args=[w.matter.pk]),
        reverse("audit:log"),
        reverse("meetings:index") + f"?partnership={w.partnership.pk}",
        reverse("petitions:petition_list") + f"?partnership={w.partnership.pk}",
        reverse("indicators:home", args=[w.partnership.pk]),
        reverse("supervision:todos"),
    ]


# ---------------------------------------------------------------------------------------------- a hit


def test_a_repeat_view_is_answered_whole_from_the_cache(scene, client):
    client.force_login(scene.users["office"])
    for url in pages(scene):
        first, missed = view(client, url)
        second, hit = view(client, url)
        assert "X-Twincity-Cache" not in first, url
        assert second["X-Twincity-Cache"] == "hit", url
        # The key's queries, and one more for a page that checks its partnership first (the meetings' members-only).
        assert KEY_QUERIES <= hit <= KEY_QUERIES + 1 < missed, (url, missed, hit)
        assert second["Content-Type"] == first["Content-Type"]
        assert ANY_TOKEN.sub("", second.content.decode()) == ANY_TOKEN.sub("", first.content.decode()), url
        assert "private" in second["Cache-Control"]
        assert "no-store" in second["Cache-Control"]


def test_the_htmx_fragment_is_another_entry_than_the_page(world, client):
    make_matter(world, title="片段")
    client.force_login(world.users["office"])
    page, _ = view(client, MATTERS)
    fragment, _ = view(client, MATTERS, HX_Request="true")
    assert "X-Twincity-Cache" not in fragment  # not the page's entry
    assert b"<html" in page.content
    assert b"<html" not in fragment.content
    again, _ = view(client, MATTERS, HX_Request="true")
    assert again["X-Twincity-Cache"] == "hit"
    assert b"<html" not in again.content


def test_a_superuser_and_a_visitor_are_never_served_from_the_cache(world, client):
    root = make_user("root", superuser=True)
    client.force_login(root)
    view(client, MATTERS)
    second, _ = view(client, MATTERS)
    assert "X-Twincity-Cache" not in second
    client.logout()
    assert client.get(MATTERS).status_code == 302  # to the sign-in page, never a stored page


# ---------------------------------------------------------------------------------------------- tokens


def test_a_replayed_page_carries_a_fresh_token_that_works(world):
    make_matter(world, title="令牌")
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["office"])
    first, _ = view(client, MATTERS)
    second, _ = view(client, MATTERS)
    assert second["X-Twincity-Cache"] == "hit"
    assert CSRF_MARK not in second.content
    old, new = TOKEN.findall(first.content.decode()), TOKEN.findall(second.content.decode())
    assert old
    assert new
    assert len(set(new)) == 1
    assert new[0] != old[0]  # masked afresh for this answer
    assert f'"X-CSRFToken": "{new[0]}"' in second.content.decode()  # the htmx header too
    answer = client.post(reverse("set_language"), {"language": "en", "next": MATTERS, "csrfmiddlewaretoken": new[0]})
    assert answer.status_code == 302, answer.status_code  # the token of the replayed page is accepted


def test_a_token_is_never_shared_between_people_of_the_same_access(world):
    twin = make_user("tf-coord-2")
    twin.first_name = "二号"
    twin.save()
    add_membership(twin, world.partnership, Role.REGION_COORDINATOR, region=world.tf)
    one, two = Client(), Client()
    one.force_login(world.users["tf-coord"])
    two.force_login(twin)
    view(one, MATTERS)
    first, _ = view(one, MATTERS)
    second, _ = view(two, MATTERS)
    assert "X-Twincity-Cache" not in second  # the page is each person's own: their name is on it
    assert "二号" in second.content.decode()
    assert "二号" not in first.content.decode()
    assert not set(TOKEN.findall(first.content.decode())) & set(TOKEN.findall(second.content.decode()))


# ---------------------------------------------------------------------------------------------- what must show


def test_a_write_shows_on_the_matter_page_at_once(scene, client):
    client.force_login(scene.users["office"])
    url = reverse("matters:matter", args=[scene.matter.pk])
    view(client, url)
    with acting(scene.users["tf-unit"]):
        matter_services.file_progress(
            scene.matter,
            user=scene.users["tf-unit"],
            side_id=scene.tf.pk,
            period="2020-07",
            text="缓存之后的进展",
            percent_complete=60,
        )
    after, _ = view(client, url)
    assert "X-Twincity-Cache" not in after
    assert "缓存之后的进展" in after.content.decode()


def test_a_notice_shows_its_badge_at_once_and_reading_them_all_takes_it_away(world, client):
    user = world.users["tf-unit"]
    client.force_login(user)
    before, _ = view(client, MATTERS)
    view(client, MATTERS)
    notices.notify(user, kind="reminder", title="请报送进展")  # a notice belongs to no partnership's stamp
    after, _ = view(client, MATTERS)
    assert "X-Twincity-Cache" not in after
    badge = re.compile(r'id="nav-notifications".*?</a>', re.S)
    assert "badge" not in badge.search(before.content.decode()).group(0)
    assert "badge" in badge.search(after.content.decode()).group(0)
    view(client, MATTERS)
    notices.mark_all_read(user)  # an UPDATE: no signal
    read, _ = view(client, MATTERS)
    assert "X-Twincity-Cache" not in read
    assert "badge" not in badge.search(read.content.decode()).group(0)


def test_to_dos_opened_by_the_supervision_run_show_at_once(scene, client):
    user = scene.users["tf-unit"]
    assert count_for(user) > 0, "the scene gives the unit something to do"
    Todo.objects.all()._raw_delete(Todo.objects.db)  # gone without a signal or a stamp
    client.force_login(user)
    before, _ = view(client, MATTERS)
    assert 'data-count="' not in before.content.decode()
    stamp = Partnership.objects.values_list("changed_at", flat=True).get(pk=scene.partnership.pk)
    assert rebuild(scene.partnership) > 0  # rows made in bulk: the run moves the stamp itself
    assert Partnership.objects.values_list("changed_at", flat=True).get(pk=scene.partnership.pk) > stamp
    after, _ = view(client, MATTERS)
    assert "X-Twincity-Cache" not in after
    assert f'data-count="{count_for(user)}"' in after.content.decode()


def test_a_message_waiting_is_shown_once_and_never_stored(scene, client):
    office = scene.users["office"]
    client.force_login(office)
    url = reverse("matters:matter", args=[scene.matter.pk])
    view(client, url)
    view(client, url)
    answer = client.post(
        reverse("matters:add_note", args=[scene.matter.pk]), {"kind": "note", "text": "留言一条"}, follow=False
    )
    assert answer.status_code == 302
    shown, _ = view(client, answer["Location"])
    assert "X-Twincity-Cache" not in shown
    assert 'role="alert"' in shown.content.decode()
    again, _ = view(client, answer["Location"])
    assert 'role="alert"' not in again.content.decode()  # shown once, not replayed
    assert not list(get_messages(again.wsgi_request))


def test_the_day_is_in_the_key(world, client, monkeypatch):
    make_matter(world, title="明天再看")
    client.force_login(world.users["office"])
    view(client, MATTERS)
    assert view(client, MATTERS)[0]["X-Twincity-Cache"] == "hit"
    tomorrow = timezone.localdate() + dt.timedelta(days=2)
    monkeypatch.setattr("twincity.core.cache.timezone.localdate", lambda *a, **k: tomorrow)
    assert "X-Twincity-Cache" not in view(client, MATTERS)[0]  # lights and "overdue" are the day's


# ---------------------------------------------------------------------------------------------- the API's lists


def test_an_api_list_is_answered_from_the_cache_until_a_write(world, client):
    matter = make_matter(world, title="接口事项")
    client.force_login(world.users["office"])
    url = reverse("api:matter-list") + f"?partnership={world.partnership.pk}&limit=5"
    first, missed = view(client, url)
    second, hit = view(client, url)
    assert second.json() == first.json()
    assert hit < missed, (missed, hit)
    with acting(world.users["office"]):
        matter_services.update_matter(
            matter, user=world.users["office"], version=matter.version, title="改过的接口事项"
        )
    third, _ = view(client, url)
    assert [row["title"] for row in third.json()["results"]] == ["改过的接口事项"]


def test_an_api_list_is_never_shared_across_access(world, client):
    make_matter(world, title="本方事项")
    other = build_second_partnership("X")
    url = reverse("api:matter-list")
    client.force_login(world.users["office"])
    mine = view(client, url)[0].json()
    client.logout()
    client.force_login(other.users["office"])
    theirs = view(client, url)[0].json()
    assert "本方事项" in str(mine)
    assert "本方事项" not in str(theirs)
    assert other.matter.title in str(theirs)


def test_an_api_error_is_not_kept(world, client):
    client.force_login(world.users["office"])
    url = reverse("api:matter-list") + "?year=notayear"
    assert client.get(url).status_code == 400
    assert client.get(url).status_code == 400

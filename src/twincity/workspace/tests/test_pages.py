"""The workspace's pages: the partnership dashboard (with the registers' panels) and my work, which
moved here from the matters app; the old address of my work still leads to it."""

import pytest
from django.urls import reverse

from twincity.core import registry
from twincity.meetings import calendars
from twincity.testing import make_matter

pytestmark = pytest.mark.django_db


def test_the_dashboard_keeps_its_address_and_shows_the_years_matters(client_as, world):
    make_matter(world, title="共建内陆开放门户")
    url = reverse("dashboard", args=[world.partnership.pk])
    assert url == f"/p/{world.partnership.pk}/"
    response = client_as("leader").get(url)
    assert response.status_code == 200
    assert next(t.name for t in response.templates) == "workspace/dashboard.html"
    assert response.context["total"] == 1


def test_the_dashboard_shows_a_registered_panel_with_items_and_leaves_out_an_empty_one(client_as, world):
    said = registry.DashboardPanel(
        key="test-said", title="有话要说", items=lambda p, today, rows: [registry.PanelItem("第一件事", badge="新")]
    )
    silent = registry.DashboardPanel(key="test-silent", title="无话可说", items=lambda p, today, rows: [])
    registry.add_panel(said)
    registry.add_panel(silent)
    try:
        body = client_as("leader").get(reverse("dashboard", args=[world.partnership.pk])).content.decode()
    finally:
        registry._PANELS.remove(said)
        registry._PANELS.remove(silent)
    assert 'data-panel="test-said"' in body
    assert "第一件事" in body
    assert 'data-panel="test-silent"' not in body
    assert "无话可说" not in body


def test_my_work_lives_in_the_workspace_and_lists_my_units_matters(client_as, world):
    matter = make_matter(world, title="市场监管互认")
    response = client_as("tf-unit").get(reverse("workspace:my_work"))
    assert response.status_code == 200
    assert next(t.name for t in response.templates) == "workspace/my_work.html"
    assert matter.code in response.content.decode()


def test_the_old_address_of_my_work_leads_there_and_still_asks_strangers_to_sign_in(client, client_as, world):
    old = reverse("matters:my_work")
    assert old == "/matters/my-work/"
    assert client.get(old)["Location"].startswith(reverse("login"))
    response = client_as("tf-unit").get(old + "?x=1")
    assert response.status_code == 302
    assert response["Location"] == reverse("workspace:my_work") + "?x=1"


def test_the_menu_lists_the_registers_from_the_core_registry(client_as, world):
    body = client_as("leader").get(reverse("workspace:my_work")).content.decode()
    for entry in registry.menu_entries():
        assert entry.list_url in body


def test_the_calendar_address_serves_the_meetings_feeds_wired_by_the_workspace():
    feeds = registry.calendar_feeds()
    assert feeds.user_feed is calendars.user_feed
    assert feeds.series_feed is calendars.series_feed
    assert feeds.visible_series is calendars.visible_series

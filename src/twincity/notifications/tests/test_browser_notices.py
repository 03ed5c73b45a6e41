"""In Chromium: the bell tells lj-coord of a published agenda without any cron run, and the office's deliveries
and robots pages and a person's preferences page work (screenshots kept in the pytest temporary folder)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from twincity.audit.context import acting
from twincity.core.tests.browser import login
from twincity.meetings import services as meeting_services
from twincity.meetings.tests.helpers import add_session, joint_office, make_series
from twincity.notifications.choices import DeliveryState, NotificationKind
from twincity.notifications.models import Delivery, Notification

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_lj_coord_sees_the_published_agenda_on_the_bell_without_cron(browser_page, live_server, world, smtp, tmp_path):
    page = browser_page
    page.on("dialog", lambda dialog: dialog.accept())
    joint_office(world, world.tf)
    joint_office(world, world.lj)
    series = make_series(world)
    session = add_session(world, series, timezone.localdate() + dt.timedelta(days=7))
    with acting(world.users["office"]):
        meeting_services.add_item(session, user=world.users["office"], title="合作事项推进情况", side=session.host)

    login(page, live_server, "lj-coord")
    expect(page.locator("#nav-notifications .badge")).to_have_count(0)
    page.context.clear_cookies()

    login(page, live_server, "office")
    page.goto(live_server.url + session.get_absolute_url())
    page.click("#publish-agenda")
    page.wait_for_load_state()
    assert Notification.objects.filter(user=world.users["lj-coord"], kind=NotificationKind.AGENDA_PUBLISHED).exists()

    page.context.clear_cookies()
    login(page, live_server, "lj-coord")
    expect(page.locator("#nav-notifications .badge")).to_have_text("1")
    page.click("#nav-notifications")
    expect(page.locator("#notifications")).to_contain_text("议程已发布")
    page.screenshot(path=str(tmp_path / "bell.png"))

    # The e-mails wait in the outbox until the worker (no cron) takes them.
    assert Delivery.objects.filter(state=DeliveryState.QUEUED).exists()
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    assert not Delivery.objects.filter(state=DeliveryState.QUEUED).exists()
    assert smtp.to("lj-coord@example.org")

    page.goto(live_server.url + "/notifications/preferences/")
    page.select_option("select[name='pref-agenda_published-email']", "digest")
    page.click("#preferences button[type=submit]")
    expect(page.locator("select[name='pref-agenda_published-email']")).to_have_value("digest")
    page.screenshot(path=str(tmp_path / "preferences.png"), full_page=True)

    page.context.clear_cookies()
    login(page, live_server, "office")
    page.goto(live_server.url + f"/notifications/office/{world.partnership.pk}/deliveries/")
    expect(page.locator("#deliveries")).to_contain_text("lj-coord")
    page.screenshot(path=str(tmp_path / "deliveries.png"), full_page=True)
    page.goto(live_server.url + f"/notifications/office/{world.partnership.pk}/robots/")
    page.fill("#id_name", "两江工作群")
    page.select_option("#id_kind", "dingtalk")
    page.fill("#id_webhook_url", "https://oapi.dingtalk.com/robot/send?access_token=abc")
    page.fill("#id_secret", "SECabc")
    page.click("#robot-form button[type=submit]")
    expect(page.locator("#robots")).to_contain_text("两江工作群")
    assert "SECabc" not in page.content()
    page.screenshot(path=str(tmp_path / "robots.png"), full_page=True)
    print(tmp_path)

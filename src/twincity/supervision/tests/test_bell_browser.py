"""In Chromium: lj-coord sees a newly assigned joint action on the bell at once, without any cron run (the notice
is written with the assignment, in its transaction)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from twincity.core.tests.browser import login
from twincity.notifications.models import ReminderLog
from twincity.supervision.services import case_of
from twincity.supervision.tests.test_todo import held_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_lj_coord_sees_a_newly_assigned_action_on_the_bell_without_cron(browser_page, live_server, world):
    page = browser_page
    login(page, live_server, "lj-coord")
    expect(page.locator("#nav-notifications .badge")).to_have_count(0)

    _session, action = held_session(world)  # the office records a decision with an action for both sides
    assert not ReminderLog.objects.filter(kind__in=["action_due", "action_overdue"]).exists()  # no reminder run

    page.reload()
    expect(page.locator("#nav-notifications .badge")).to_have_text("2")  # the agenda published, the action assigned
    page.click("#nav-notifications")
    notices = page.locator("#notifications")
    expect(notices).to_contain_text(action.title)
    page.locator("#notifications a", has_text=action.title).first.click()
    expect(page).to_have_url(f"{live_server.url}{case_of(action).get_absolute_url()}")  # the case: each side's step
    expect(page.locator("body")).to_contain_text(action.title)

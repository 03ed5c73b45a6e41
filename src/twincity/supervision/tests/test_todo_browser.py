"""The to-do in real Chromium: a unit contact sees a newly assigned action on the 待办 badge without any
cron run, follows it from the to-do page to the action, acknowledges it there, and what waits for the unit
becomes the report."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from twincity.core.tests.browser import login
from twincity.supervision.tests.test_todo import held_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("TWINCITY_SCREENSHOTS")  # a folder: the pages are saved there to be looked at


def shot(page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"todo-{name}.png"), full_page=True)


def test_a_unit_sees_a_new_action_on_the_badge_and_acknowledges_it(browser_page, live_server, world):
    page = browser_page
    _session, action = held_session(world)  # an action owned by both market-supervision bureaus

    login(page, live_server, "lj-unit")
    page.goto(f"{live_server.url}/my-work/")
    badge = page.locator("#nav-todo-count .badge")
    expect(badge).to_have_attribute("data-count", "1")
    card = page.locator("#my-todos")
    expect(card.locator('[data-kind="sign_off_case"]')).to_be_visible()
    shot(page, "my-work")
    page.click("#nav-todo-count")
    expect(page.locator("#todo-table tbody tr")).to_have_count(1)
    shot(page, "list")
    page.click("#todo-table tbody tr a")
    expect(page).to_have_url(f"{live_server.url}/meetings/actions/{action.pk}/")
    page.click("#step-acknowledge button[type=submit]")
    # Signed off: what waits now is the feedback and the report (the action is due in two days), no longer the
    # sign-off.
    page.goto(f"{live_server.url}/supervision/todo/")
    rows = page.locator("#todo-table tbody tr")
    expect(rows.and_(page.locator('[data-kind="report_completion"]'))).to_have_count(1)
    expect(rows.and_(page.locator('[data-kind="sign_off_case"]'))).to_have_count(0)
    expect(page.locator("#nav-todo-count .badge")).to_have_attribute("data-count", str(rows.count()))

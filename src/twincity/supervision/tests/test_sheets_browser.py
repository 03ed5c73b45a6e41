"""The sheets register in real Chromium: a leader follows the menu to the register, filters it to the red
sheets, opens one, sees its trail and follows it to the item; the screenshots go to var/screenshots/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import expect

from twincity.core.tests.browser import login
from twincity.supervision.choices import SheetLevel
from twincity.supervision.models import Sheet
from twincity.supervision.run import supervise
from twincity.supervision.tests.sheetkit import make_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[4] / "var" / "screenshots"
D = dt.date


def test_a_leader_filters_the_register_to_red_and_follows_a_sheet_to_its_item(browser_page, live_server, world):
    make_case(world, title="共建内陆开放门户", due_on=D(2026, 3, 31))
    make_case(world, title="川渝电子证照互认", due_on=D(2026, 4, 10), sides=[(world.tf, world.tf_dept)])
    supervise(D(2026, 4, 1))
    supervise(D(2026, 4, 4))
    supervise(D(2026, 4, 8))
    red = Sheet.objects.get(level=SheetLevel.RED)
    SHOTS.mkdir(parents=True, exist_ok=True)

    page = browser_page
    login(page, live_server, "leader")
    page.goto(f"{live_server.url}/supervision/sheets/?partnership={world.partnership.pk}")
    expect(page.locator("#sheet-table")).to_contain_text("川渝电子证照互认")
    page.screenshot(path=str(SHOTS / "sheets-list.png"), full_page=True)

    page.goto(f"{live_server.url}/supervision/sheets/?partnership={world.partnership.pk}&level=red")
    expect(page.locator("#sheet-table")).not_to_contain_text("川渝电子证照互认")
    page.get_by_role("link", name=red.display_number).click()
    expect(page.locator("h1")).to_contain_text(red.display_number)
    expect(page.locator("#sheet-steps li")).to_have_count(3)  # issued red, to the coordinators, to the leaders
    page.screenshot(path=str(SHOTS / "sheet-detail.png"), full_page=True)
    page.locator("#sheet-item").click()
    page.wait_for_url("**/matters/**")

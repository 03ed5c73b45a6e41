"""At 1400 px, in both languages, as the office (the longest menu: the audit log too), no main page is wider than
the window: the language switch and every menu entry stay on screen (issue 13)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from twincity.core.tests.browser import login
from twincity.testing import make_matter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = ("/p/{p}/", "/matters/?partnership={p}", "/meetings/?partnership={p}", "/indicators/p/{p}/",
         "/supervision/todo/", "/indicators/runs/?partnership={p}")  # fmt: skip


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_no_main_page_overflows_the_window_in_either_language(browser_page, live_server, world, language):
    page = browser_page
    make_matter(world)
    page.goto(f"{live_server.url}/accounts/login/")
    page.click(f"button[value={language}]")
    login(page, live_server, "office")
    for path in PAGES:
        page.goto(live_server.url + path.format(p=world.partnership.pk))
        expect(page.locator("nav.tc-navbar")).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= page.viewport_size["width"], f"{language} {path}: {width} px"
        switch = page.locator(f"button[value={language}]").bounding_box()
        assert switch["x"] + switch["width"] <= page.viewport_size["width"], f"{language} {path}: the switch is cut"

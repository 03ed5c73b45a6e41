"""A page on paper, in real Chromium: the content without the menu and buttons, every tab of the page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from twincity.core.tests.browser import login
from twincity.testing import make_matter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_matter_prints_its_content_and_every_tab(browser_page, live_server, world):
    page = browser_page
    matter = make_matter(world)
    login(page, live_server, "office")
    page.goto(f"{live_server.url}/matters/{matter.pk}/")
    expect(page.locator("#milestones")).to_be_hidden()  # on screen, one tab at a time
    page.emulate_media(media="print")
    expect(page.locator("nav.tc-navbar")).to_be_hidden()
    expect(page.locator(".nav-tabs").first).to_be_hidden()
    expect(page.locator("#parity")).to_be_visible()
    expect(page.locator("#overview")).to_be_visible()
    expect(page.locator("#milestones")).to_be_visible()
    page.emulate_media(media="screen")
    expect(page.locator("nav.tc-navbar")).to_be_visible()

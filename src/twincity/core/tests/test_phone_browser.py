"""On a phone (390 px) and on paper (issue 13).

At 390 px no main page is wider than the window (nothing to scroll sideways), and the matter list shows its rows as
cards whose title reads across the card, not two characters wide. Printed, a page has no menu and a matter prints
every tab, each under its heading."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from twincity.audit.context import acting
from twincity.core.tests.browser import login
from twincity.core.tests.test_a11y_browser import build_scene, main_pages
from twincity.meetings import services as meeting_services
from twincity.meetings.choices import OutcomeKind
from twincity.regions.models import Organisation
from twincity.testing import make_matter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _session(w):
    """A held session of a joint meeting: its agenda published, a decision recorded, someone attending."""
    office = w.users["office"]
    with acting(office):
        series = meeting_services.create_series(partnership=w.partnership, user=office, name="联席会议")
        session = meeting_services.add_session(series, user=office, starts_at=timezone.now() - dt.timedelta(days=3))
        meeting_services.add_item(session, user=office, title="合作事项推进情况", side=w.tf)
        meeting_services.publish_agenda(session, user=office)
        meeting_services.record_outcome(session, user=office, kind=OutcomeKind.DECISION, text="同意")
        meeting_services.record_attendance(session, user=office, side=w.tf, name="王主任")
    return session


def test_every_main_page_fits_a_phone_and_lists_are_cards(browser_page, live_server, world):
    page = browser_page
    # A unit with a long name, as real ones have: its badge on the matter list must wrap, not push the card out.
    Organisation.objects.filter(pk=world.tf_dept.pk).update(name="天府新区市场监督管理局（知识产权局）综合行政执法支队")
    build_scene(world)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/accounts/login/")
    too_wide = []
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        too_wide.append(f"/accounts/login/: {width} px")
    login(page, live_server, "office")
    for path in main_pages(world):
        page.goto(live_server.url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > page.evaluate("window.innerWidth"):
            too_wide.append(f"{path}: {width} px")
    assert not too_wide, f"wider than a {PHONE['width']} px phone:\n  " + "\n  ".join(too_wide)

    # The matter list: each row a card, the title across it, each other cell led by its column's name.
    page.goto(live_server.url + reverse("matters:list") + f"?partnership={world.partnership.pk}")
    row = page.locator("#matter-table tbody tr").first
    expect(row).to_be_visible()
    assert page.locator("#matter-table thead").bounding_box()["height"] <= 1, "the header row is still shown"
    title = row.locator("td.tc-card-title").bounding_box()
    assert title["width"] > 200, f"the title is {title['width']:.0f} px wide"
    card = row.bounding_box()
    assert card["x"] >= 0
    assert card["x"] + card["width"] <= PHONE["width"]
    status = row.locator("td[data-label]").nth(1)
    label = page.evaluate("el => getComputedStyle(el, '::before').content", status.element_handle())
    assert label.strip('"') == status.get_attribute("data-label") != ""


def test_printed_pages_have_no_menu_and_a_matter_prints_every_tab(browser_page, live_server, world):
    page = browser_page
    matter, session = make_matter(world), _session(world)
    login(page, live_server, "office")
    page.emulate_media(media="print")
    page.goto(live_server.url + reverse("matters:matter", args=[matter.pk]))
    expect(page.locator("nav.tc-navbar")).to_be_hidden()
    expect(page.locator(".nav-tabs")).to_be_hidden()
    panes = page.locator(".tab-content > .tab-pane")
    assert panes.count() == 5
    for i in range(panes.count()):
        expect(panes.nth(i)).to_be_visible()
        expect(panes.nth(i).locator("> h2")).to_be_visible()
    expect(page.locator("main .btn").first).to_be_hidden()

    # A list prints as its table under the page's title, without the filters or the bulk controls.
    page.goto(live_server.url + reverse("matters:list") + f"?partnership={world.partnership.pk}")
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("#matter-table")).to_be_visible()
    expect(page.locator("#matter-table tbody tr").first).to_be_visible()
    expect(page.locator(".tc-filter")).to_be_hidden()
    expect(page.locator("[data-bulk-action]")).to_be_hidden()
    assert page.locator("#matter-table").bounding_box()["width"] > 500

    # A meeting prints its agenda and minutes without the forms that edit them.
    page.goto(live_server.url + reverse("meetings:session", args=[session.pk]))
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("nav.tc-navbar")).to_be_hidden()
    expect(page.locator("main form").first).to_be_hidden()

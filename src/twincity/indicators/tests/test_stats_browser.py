"""Figures in real Chromium: a Liangjiang unit contact enters a figure on the entry grid, and the office
finalises it. Written as steps (``enter_figure``, ``finalise_all``) so that the index-run part of the
issue's browser test can carry on from here with the figures in place."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from twincity.core.tests.browser import login
from twincity.indicators.choices import ObservationStatus
from twincity.indicators.models import Observation
from twincity.indicators.tests.helpers import build_statistics

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = "/tmp/indicators-stats-{}.png"


def sign_in_as(page, live_server, username):
    page.context.clear_cookies()
    login(page, live_server, username)


def enter_figure(page, live_server, w, *, element, region, period: str, value: str) -> None:
    """On the entry grid: choose the element and the period, type the value in the region's cell, save."""
    page.goto(f"{live_server.url}/indicators/p/{w.partnership.pk}/")
    page.click("#entry-link")
    page.locator("#entry-choice select[name=elements]").select_option(str(element.pk))
    page.locator("#entry-choice input[name=periods]").fill(period)
    page.click("#entry-show")
    cell = page.locator(f"#c-{element.pk}-{region.pk}-{period}")
    expect(cell).to_be_visible()
    cell.fill(value)
    page.screenshot(path=SHOTS.format("entry"), full_page=True)
    page.click("#entry-save")
    expect(page.locator(".alert-success, .toast-body, [role=alert]").first).to_be_visible()
    expect(page.locator(f"#c-{element.pk}-{region.pk}-{period}")).to_have_value(value.replace(",", ""))


def finalise_all(page, live_server, w) -> None:
    """The office opens the figures, goes to finalising, and finalises every provisional figure ticked there."""
    page.goto(f"{live_server.url}/indicators/p/{w.partnership.pk}/figures/")
    page.screenshot(path=SHOTS.format("figures"), full_page=True)
    page.click("#finalise-link")
    page.screenshot(path=SHOTS.format("finalise"), full_page=True)
    page.click("#finalise-submit")
    expect(page.locator("#finalise-submit")).to_have_count(0)  # nothing provisional is left


def test_a_liangjiang_unit_contact_enters_a_figure_and_the_office_finalises_it(browser_page, live_server):
    page = browser_page
    w = build_statistics()

    sign_in_as(page, live_server, "lj-unit")
    page.goto(f"{live_server.url}/indicators/p/{w.partnership.pk}/")
    page.screenshot(path=SHOTS.format("home"), full_page=True)
    enter_figure(page, live_server, w, element=w.gdp, region=w.lj, period="2024", value="2345.6")
    # Tianfu's cells are not offered to a Liangjiang contact
    expect(page.locator(f"#c-{w.gdp.pk}-{w.tf.pk}-2024")).to_have_count(0)
    obs = Observation.objects.get()
    assert (obs.value, obs.region_id, obs.organisation_id) == (Decimal("2345.6"), w.lj.pk, w.lj_dept.pk)
    assert obs.status == ObservationStatus.PROVISIONAL

    sign_in_as(page, live_server, "office")
    finalise_all(page, live_server, w)
    obs.refresh_from_db()
    assert obs.status == ObservationStatus.FINAL

    page.goto(f"{live_server.url}/indicators/figures/{obs.pk}/")
    expect(page.locator("#revise-submit")).to_be_visible()  # a final figure changes only through a revision
    page.screenshot(path=SHOTS.format("figure"), full_page=True)

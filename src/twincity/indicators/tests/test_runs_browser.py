"""In real Chromium: the office runs an index from the run form, opens its benchmarking page (charts drawn),
adds the largest gap to the gaps register and finds it on the visits register, linked back to the run."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from twincity.core.tests.browser import login
from twincity.indicators.tests.test_runs import build_run_scene
from twincity.visits.models import Gap

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = "/tmp/runs-{}.png"


def test_the_office_runs_an_index_and_adds_a_gap_to_the_register(browser_page, live_server):
    w = build_run_scene()
    page = browser_page
    login(page, live_server, "office")
    page.goto(f"{live_server.url}/indicators/runs/")
    page.click("#run-create")
    page.fill("input[name=title]", "2021年高质量发展测算")
    page.select_option("select[name=framework]", str(w.fw.pk))
    page.fill("input[name=periods]", "2020 2021")
    page.select_option("select[name=panel]", str(w.panel.pk))
    page.screenshot(path=SHOTS.format("form"), full_page=True)
    page.click("#run-submit")
    expect(page.locator("#run-status")).to_be_visible()
    expect(page.locator("#regenerated")).to_contain_text("✓")
    page.screenshot(path=SHOTS.format("detail"), full_page=True)

    page.click("#benchmark-link")
    expect(page.locator("[data-chart='chart-coupling'] svg")).to_have_count(1)
    expect(page.locator("[data-chart='chart-radar'] svg")).to_have_count(1)
    page.screenshot(path=SHOTS.format("benchmark"), full_page=True)
    first = page.locator("#gap-table tbody tr").first
    first.locator("button.add-gap").click()
    expect(page.locator(".alert-success, .toast, [role=alert]").first).to_be_visible()

    gap = Gap.objects.get()
    page.goto(f"{live_server.url}/visits/gaps/?partnership={w.partnership.pk}")
    expect(page.locator("body")).to_contain_text(gap.title[:20])
    page.goto(f"{live_server.url}{gap.get_absolute_url()}")
    expect(page.locator("#entry-origins a")).to_contain_text("2021年高质量发展测算")
    page.screenshot(path=SHOTS.format("gap"), full_page=True)

"""The issue's path in real Chromium, end to end: a Liangjiang unit contact enters a figure, the office finalises
it, an index run uses it, and the benchmarking page shows it (in the gap table, as the indicator it feeds)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from twincity.indicators.models import IndexRun
from twincity.indicators.tests.helpers import figures
from twincity.indicators.tests.test_runs import build_run_scene
from twincity.indicators.tests.test_stats_browser import enter_figure, finalise_all, sign_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_figure_entered_by_liangjiang_reaches_the_benchmarking_page(browser_page, live_server):
    w = build_run_scene()
    page = browser_page
    # 2022: every figure is in but Liangjiang's R&D spending, which Liangjiang's statistics contact will enter.
    rows = []
    for i, region in enumerate(w.regions):
        rows += [(w.gdp, region, "2022", 1000 + 300 * i + 100), (w.pop, region, "2022", 100 + 40 * ((i * 2) % 6) + 2)]
        if region != w.lj:
            rows.append((w.rd, region, "2022", 20 + 7 * ((i * 3) % 5) + 4))
    figures(w, w.users["office"], rows)

    sign_in_as(page, live_server, "lj-unit")
    enter_figure(page, live_server, w, element=w.rd, region=w.lj, period="2022", value="123.4")

    sign_in_as(page, live_server, "office")
    finalise_all(page, live_server, w)

    page.goto(f"{live_server.url}/indicators/runs/new/?partnership={w.partnership.pk}")
    page.fill("input[name=title]", "2022年测算")
    page.select_option("select[name=framework]", str(w.fw.pk))
    page.fill("input[name=periods]", "2020 2021 2022")
    page.select_option("select[name=panel]", str(w.panel.pk))
    page.click("#run-submit")
    expect(page.locator("#run-status")).to_be_visible()
    run = IndexRun.objects.get(title="2022年测算")
    assert run.inputs  # the figure is among the values the run stored

    page.click("#benchmark-link")
    # Liangjiang's R&D intensity in 2022 is its figure over its GDP: 123.4 ÷ 1,400 × 100 = 8.81 %.
    row = page.locator("#gap-table tbody tr", has_text="研发投入强度")
    expect(row).to_contain_text("8.81")
    page.screenshot(path="/tmp/indicators-e2e-benchmark.png", full_page=True)

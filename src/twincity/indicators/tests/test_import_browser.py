"""A figure import in real Chromium: the office uploads a file, sees the preview with an error named by row
and column, fixes the file, checks it again, applies it and sees the figures recorded."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from twincity.core.tests.browser import login
from twincity.indicators.models import Observation
from twincity.indicators.tests.helpers import build_statistics

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = "/tmp/indicators-import-{}.png"
HEAD = "地区,时期,指标,数值,单位\n"


def test_the_office_uploads_sees_an_error_fixes_and_applies(browser_page, live_server, tmp_path):
    w = build_statistics()
    page = browser_page
    login(page, live_server, "office")
    bad = tmp_path / "gdp.csv"
    bad.write_text(
        "地区,时期,指标,数值,单位\n四川省,2020,GDP,48598.8,亿元\n重庆市,2020,GDP,2531 ?,亿元\n", encoding="utf-8"
    )
    page.goto(f"{live_server.url}/indicators/p/{w.partnership.pk}/import/")
    page.set_input_files("input[name=file]", str(bad))
    page.click("#import-check")
    expect(page.locator("#import-errors")).to_contain_text("2531 ?")
    expect(page.locator("#import-errors tbody tr")).to_have_count(1)
    expect(page.locator("#import-errors tbody tr td").first).to_have_text("3")
    expect(page.locator("#import-apply")).to_have_count(0)
    page.screenshot(path=SHOTS.format("error"), full_page=True)

    good = tmp_path / "gdp-fixed.csv"
    good.write_text(
        "地区,时期,指标,数值,单位\n四川省,2020,GDP,48598.8,亿元\n重庆市,2020,GDP,25002.8,亿元\n", encoding="utf-8"
    )
    page.click("#import-another")
    page.set_input_files("input[name=file]", str(good))
    page.click("#import-check")
    expect(page.locator("#import-preview tbody tr")).to_have_count(2)
    expect(page.locator("#count-new")).to_have_text("2")
    page.screenshot(path=SHOTS.format("preview"), full_page=True)
    assert not Observation.objects.exists()
    page.click("#import-apply")
    expect(page.locator("#import-applied")).to_be_visible()
    page.screenshot(path=SHOTS.format("applied"), full_page=True)
    assert sorted(str(v) for v in Observation.objects.values_list("value", flat=True)) == [
        "25002.800000",
        "48598.800000",
    ]

"""A leader opens the monthly briefing in Chromium and follows a red sheet to its item.

The sheet's own page (``supervision:sheet_detail``) belongs to the sheets work; where it is installed the sheet's
number links to it (``Sheet.get_absolute_url``), and the item's title links to the item (``Case.url``)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from playwright.sync_api import expect

from twincity.core.tests.browser import login
from twincity.supervision.choices import Rating, SheetLevel
from twincity.supervision.tests import scorekit as kit
from twincity.testing import make_matter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_leader_opens_the_monthly_briefing_and_follows_a_red_sheet_to_its_item(browser_page, live_server, world):
    page = browser_page
    today = timezone.localdate()
    matter = make_matter(world, year=today.year, title="共建内陆开放门户")
    item_url = reverse("matters:matter", args=[matter.pk])
    overdue = kit.case(
        world, owners=[world.tf_dept], due_on=today - dt.timedelta(days=1), title="共建内陆开放门户", url=item_url
    )
    sheet = kit.sheet(overdue, level=SheetLevel.RED, raised_on=today)
    kit.case(world, owners=[world.lj_dept], due_on=today, closed_on=today, rating=Rating.GOOD, title="政务服务通办")

    login(page, live_server, "leader")
    page.locator("#nav-supervision").click()
    page.locator("#menu-briefing").click()
    expect(page.locator("h1")).to_contain_text("月度通报")
    expect(page.locator("#count-red")).to_have_text("1")
    red = page.locator("#turned-red li")
    expect(red).to_have_count(1)
    expect(red).to_contain_text(sheet.display_number)
    expect(page.locator("[data-chart='chart-colours'] svg")).to_have_count(1)  # the ECharts bar drew
    page.screenshot(path="var/screenshot-briefing.png", full_page=True)
    try:
        sheet_url = sheet.get_absolute_url()
    except NoReverseMatch:
        sheet_url = ""
    if sheet_url:  # the sheets page is installed: the number leads to the sheet
        expect(red.locator(f"a[href='{sheet_url}']")).to_have_count(1)
    red.locator("a.red-item").click()
    expect(page).to_have_url(f"{live_server.url}{item_url}")
    expect(page.locator("h1")).to_have_text("共建内陆开放门户")


def test_the_league_table_draws_its_charts_and_a_unit_shows_how_its_score_was_computed(
    browser_page, live_server, world
):
    page = browser_page
    today = timezone.localdate()
    kit.case(
        world,
        owners=[world.tf_dept],
        due_on=today.replace(day=1),
        closed_on=today.replace(day=1),
        rating=Rating.EXCELLENT,
    )
    late = kit.case(world, owners=[world.lj_dept], due_on=today.replace(day=1), title="两江逾期事项")
    kit.sheet(late, raised_on=today.replace(day=1))
    login(page, live_server, "lj-unit")
    page.goto(f"{live_server.url}{reverse('supervision:scores')}")
    expect(page.locator("#league-table tbody tr")).to_have_count(2)
    expect(page.locator("[data-chart='chart-scores'] svg")).to_have_count(1)
    expect(page.locator("[data-chart='chart-trend'] svg")).to_have_count(1)
    page.screenshot(path="var/screenshot-scores.png", full_page=True)
    page.locator("#league-table a", has_text=world.lj_dept.name).click()
    expect(page.locator("#unit-cases")).to_contain_text("两江逾期事项")
    expect(page.locator("#unit-formula")).to_contain_text("÷")
    page.screenshot(path="var/screenshot-score-detail.png", full_page=True)

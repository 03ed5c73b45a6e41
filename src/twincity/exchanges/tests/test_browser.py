"""A secondment worked in real Chromium by the people who do it.

The dashboard warns the Liangjiang home unit of a term ending within 60 days; its contact opens the
secondment and files the quarterly report; the Tianfu host unit's contact evaluates a term that has
ended, and the rating shows on the page. Every page is watched for console errors and CSP violations.
"""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from twincity.core.tests.browser import login
from twincity.exchanges.choices import Rating
from twincity.exchanges.models import SecondmentReport
from twincity.exchanges.tests.test_services import second

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in_as(page, live_server, username):
    page.context.clear_cookies()
    login(page, live_server, username)


def test_the_home_unit_reports_from_the_dashboard_and_the_host_unit_evaluates(browser_page, live_server, world):
    page = browser_page
    ending = second(world, person_name="王某某（示例）", start=-300, end=20)
    ended = second(world, person_name="李某某（示例）", start=-365, end=-3)

    sign_in_as(page, live_server, "lj-unit")
    page.goto(f"{live_server.url}/p/{world.partnership.pk}/")
    panel = page.locator("[data-panel='secondments_ending']")
    expect(panel).to_contain_text("王某某（示例）")
    expect(panel).not_to_contain_text("李某某（示例）")
    panel.get_by_role("link", name="王某某（示例）", exact=False).click()
    expect(page.locator("#entry-status")).to_have_attribute("data-status", "active")
    form = page.locator("#report-form")
    form.locator("input[name=period]").fill("2020-q3")
    form.locator("textarea[name=text]").fill("参与两地企业登记规则统一工作，完成对接会两次。")
    form.locator("button[type=submit]").click()
    expect(page.locator("#reports [data-period='2020-Q3']")).to_contain_text("企业登记规则统一")
    assert SecondmentReport.objects.get(secondment=ending).filed_by == world.users["lj-unit"]

    sign_in_as(page, live_server, "tf-unit")
    page.goto(f"{live_server.url}{ended.get_absolute_url()}")
    form = page.locator("#evaluation-form")
    form.locator("select[name=rating]").select_option(Rating.EXCELLENT)
    form.locator("textarea[name=evaluation]").fill("挂职期间工作扎实，推动两地市场监管一体化成效明显。")
    form.locator("input[name=evaluated_on]").fill(timezone.localdate().isoformat())
    form.locator("button[type=submit]").click()
    expect(page.locator("#entry-rating")).to_have_attribute("data-rating", Rating.EXCELLENT)
    expect(page.locator("#evaluation-text")).to_contain_text("推动两地市场监管一体化")

    # The home side reads the evaluation but does not find the step.
    sign_in_as(page, live_server, "lj-coord")
    page.goto(f"{live_server.url}{ended.get_absolute_url()}")
    expect(page.locator("#evaluation-text")).to_be_visible()
    expect(page.locator("#evaluation-form")).to_have_count(0)

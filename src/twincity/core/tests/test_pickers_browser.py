"""Searchable pickers for units and people, and the top bar's search box, in real Chromium.

The browser fixtures fail a test on any console error or CSP violation (``style-src 'self'``): Tom Select
must work without one.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from twincity.core.tests.browser import login
from twincity.matters.models import MatterOwner
from twincity.matters.services import OwnerSpec
from twincity.testing import make_matter, populate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_type_part_of_a_units_name_pick_it_and_save(browser_page, live_server, world):
    page = browser_page
    matter = make_matter(world, title="共建内陆开放门户")
    login(page, live_server, "office")
    page.goto(live_server.url + reverse("matters:edit", args=[matter.pk]))
    field = f"id_support_{world.tf.pk}"
    # The native multi-select is hidden behind the picker, which one types into.
    expect(page.locator(f"#{field}")).to_have_class(re.compile(r"\bts-hidden-accessible\b"))
    control = page.locator(f"#{field}-ts-control")
    control.click()
    control.press_sequentially("教育")
    option = page.locator(".ts-dropdown.multi .option", has_text="天府新区教育局")
    expect(option).to_be_visible()
    expect(page.locator(".ts-dropdown.multi .option", has_text="市场监管局")).to_have_count(0)
    option.click()
    expect(page.locator(f"#{field}").locator("option:checked")).to_have_text("天府新区教育局")
    page.keyboard.press("Escape")
    page.locator("form button[type=submit]").filter(has_text="保存").first.click()
    expect(page).to_have_url(live_server.url + matter.get_absolute_url())
    assert MatterOwner.objects.filter(matter=matter, organisation=world.tf_dept2, role="support").exists()


def test_a_filters_unit_is_a_picker_and_filters_the_list(browser_page, live_server, world):
    page = browser_page
    populate(world)
    login(page, live_server, "leader")
    page.goto(live_server.url + reverse("meetings:actions"))
    table = page.locator("#action-table")
    expect(table).to_contain_text(world.action.title)
    # A single picker shows its choice in place of the typing box until it is opened.
    page.locator("#id_organisation-ts-control").locator("xpath=..").click()
    page.keyboard.type("两江新区教育")
    page.locator(".ts-dropdown .option", has_text="两江新区教育局").click()
    expect(page).to_have_url(re.compile(f"organisation={world.lj_dept2.pk}"))
    expect(page.locator("#results")).not_to_contain_text(world.action.title)
    # The export links follow the filters changed on the page.
    expect(page.locator("#pdf-link")).to_have_attribute("href", f"{reverse('meetings:actions_pdf')}?{_q(page)}")


def _q(page) -> str:
    return page.evaluate("new URLSearchParams(location.search).toString()")


def test_the_top_bar_search_box_by_keyboard(browser_page, live_server, world):
    page = browser_page
    matter = make_matter(world, title="共建内陆开放门户")
    login(page, live_server, "tf-unit")
    box = page.locator("nav .tc-search")
    box.focus()
    box.fill("开放门户")
    box.press("Enter")
    expect(page.locator("[data-kind=matters] [data-count]")).to_have_text("1")
    page.keyboard.press("Tab")
    page.locator(f'a[href="{matter.get_absolute_url()}"]').focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server.url + matter.get_absolute_url())


def test_the_matter_lists_unit_picker_loads_its_units_when_opened(browser_page, live_server, world):
    page = browser_page
    make_matter(world, title="共建内陆开放门户")
    make_matter(world, title="教育资源共享", owners=[OwnerSpec(world.tf_dept2)])
    login(page, live_server, "leader")
    page.goto(live_server.url + reverse("matters:list") + f"?partnership={world.partnership.pk}")
    page.locator("#id_organisation-ts-control").locator("xpath=..").click()
    page.keyboard.type("教育局")
    page.locator(".ts-dropdown .option", has_text="天府新区教育局").click()
    expect(page).to_have_url(re.compile(f"organisation={world.tf_dept2.pk}"))
    expect(page.locator("#matter-table")).to_contain_text("教育资源共享")
    expect(page.locator("#matter-table")).not_to_contain_text("共建内陆开放门户")

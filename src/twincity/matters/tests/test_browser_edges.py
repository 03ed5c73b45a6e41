"""Milestone editing and archiving, and the year-end roll-over in bulk, as the office works them in Chromium."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from twincity.core.tests.browser import login
from twincity.matters import services
from twincity.matters.models import Matter, Milestone
from twincity.testing import make_matter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_milestone_is_corrected_then_archived_on_the_matter_page(browser_page, live_server, world):
    matter = make_matter(world)
    milestone = services.add_milestone(
        matter, side_id=world.lj.pk, title="签署协议", due_date=dt.date(2020, 6, 30), user=world.users["office"]
    )
    page = browser_page
    login(page, live_server, "lj-coord")
    page.goto(f"{live_server.url}/matters/{matter.pk}/")
    page.click("#tab-milestones")
    editor = page.locator(f'[data-milestone-edit="{milestone.pk}"]')
    editor.locator("summary").click()
    editor.locator(f"#ms-title-{milestone.pk}").fill("签署合作协议")
    editor.locator(f"#ms-due-{milestone.pk}").fill("2020-09-30")
    editor.locator("button.btn-outline-primary").click()
    page.click("#tab-milestones")
    expect(page.locator(f'[data-milestone="{milestone.pk}"]')).to_contain_text("签署合作协议")
    expect(page.locator(f'[data-milestone="{milestone.pk}"]')).to_contain_text("2020-09-30")

    editor = page.locator(f'[data-milestone-edit="{milestone.pk}"]')
    editor.locator("summary").click()
    editor.locator(f"#ms-reason-{milestone.pk}").fill("方案调整")
    editor.locator("button.btn-outline-danger").click()
    page.click("#tab-milestones")
    expect(page.locator(f'[data-milestone="{milestone.pk}"]')).to_have_count(0)
    assert Milestone.objects.get(pk=milestone.pk).archived_at is not None


def test_forms_and_history_load_when_their_tab_is_shown(browser_page, live_server, world):
    """The new milestone's form and the history (with the note form) are loaded when their tab is shown; a milestone
    added and a note written through them, the page comes back on their tab with them in it."""
    matter = make_matter(world)
    page = browser_page
    login(page, live_server, "lj-coord")
    page.goto(f"{live_server.url}/matters/{matter.pk}/")
    expect(page.locator("#milestone-add form")).to_have_count(0)  # not before the tab is shown
    page.click("#tab-milestones")
    form = page.locator("#milestone-add form")
    expect(form).to_be_visible()
    expect(form.locator("[name=side] option")).to_have_count(2)
    form.locator("[name=title]").fill("联合招商签约")
    form.locator("[name=due_date]").fill("2020-10-31")
    form.locator("button[type=submit]").click()
    expect(page.locator("#milestones")).to_be_visible()
    expect(page.locator("#milestones")).to_contain_text("联合招商签约")

    expect(page.locator("#history .tc-timeline")).to_have_count(0)
    page.click("#tab-history")
    expect(page.locator("#history .tc-timeline")).to_be_visible()
    expect(page.locator("#history")).to_contain_text("联合招商签约")  # the milestone's creation, in the history
    page.locator("#history textarea[name=text]").fill("已与牵头单位电话确认")
    page.locator("#history form button[type=submit]").click()
    expect(page.locator("#history")).to_be_visible()
    expect(page.locator("#history")).to_contain_text("已与牵头单位电话确认")


def test_the_office_rolls_the_open_matters_over_after_a_preview(browser_page, live_server, world):
    first = make_matter(world, year=2020, title="第一项")
    stays = make_matter(world, year=2020, title="留在本年")
    page = browser_page
    login(page, live_server, "office")
    page.goto(f"{live_server.url}/matters/?partnership={world.partnership.pk}")
    page.click("#bulk-roll-over-link")
    page.fill("#source-year", "2020")
    page.click("#roll-over-source button")
    expect(page.locator(f"#roll-{first.pk}")).to_be_checked()
    expect(page.locator(f"#roll-{stays.pk}")).to_be_checked()
    page.uncheck(f"#roll-{stays.pk}")
    page.fill("#id_to_year", "2021")
    page.fill("#id_reason", "年底结转")
    page.click("#roll-over-preview-submit")
    expect(page.locator(f'[data-preview="{first.pk}"]')).to_contain_text("2021-01")
    assert Matter.objects.get(pk=first.pk).year == 2020  # a preview moves nothing
    page.click("#roll-over-apply")
    expect(page.locator("#matter-table")).to_contain_text("第一项")
    assert Matter.objects.get(pk=first.pk).year == 2021
    assert Matter.objects.get(pk=stays.pk).year == 2020

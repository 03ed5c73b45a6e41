"""In Chromium: a leader cannot confirm a matter's completion without an opinion, confirms it with one once every
owning side has reported, and reopens it with a reason."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from twincity.core.tests.browser import login
from twincity.matters.choices import MatterStatus
from twincity.matters.models import Matter
from twincity.supervision import services
from twincity.supervision.choices import CaseState
from twincity.testing import make_matter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_leader_confirms_only_with_an_opinion_and_reopens_the_matter(browser_page, live_server, world):
    page = browser_page
    page.on("dialog", lambda dialog: dialog.accept())  # the "set the status?" confirmation
    matter = make_matter(world)
    case = services.case_of(matter)
    for side in case.sides.all():
        services.report_completion(case, side, user=world.users["office"], note="已完成，附验收材料")
    login(page, live_server, "leader")
    page.goto(f"{live_server.url}{matter.get_absolute_url()}")

    # No opinion: refused, with the reason said on the page; the matter is still under way.
    page.click("[data-transition='completed']")
    expect(page.locator(".alert-danger, .alert-error, .alert-warning").first).to_contain_text("确认事项完成须填写意见")
    assert Matter.objects.get(pk=matter.pk).status == MatterStatus.IN_PROGRESS

    page.fill("#confirm-opinion", "同意办结，成效明显。")
    page.click("[data-transition='completed']")
    expect(page.locator("#reopen-form")).to_be_visible()
    assert Matter.objects.get(pk=matter.pk).status == MatterStatus.COMPLETED

    # Reopened with a reason: under way again, and so is its supervised item.
    page.fill("#reopen-reason", "验收发现数据不一致，请补充。")
    page.click("[data-step='reopen']")
    expect(page.locator("[data-transition='completed']")).to_be_visible()
    assert Matter.objects.get(pk=matter.pk).status == MatterStatus.IN_PROGRESS
    case.refresh_from_db()
    assert case.state == CaseState.OPEN
    page.screenshot(path="var/cases-matter-reopened.png", full_page=True)

    # The supervised item's page: each side's steps, the trail; the leader reads it and takes no step.
    page.click("#case-sides a, [data-case-step] a")
    expect(page.locator("#case-sides [id^='side-']")).to_have_count(2)
    expect(page.locator("#case-trail li")).not_to_have_count(0)
    expect(page.locator("#close-form, #sign-off-form, #completion-form")).to_have_count(0)
    page.screenshot(path="var/cases-case-detail.png", full_page=True)

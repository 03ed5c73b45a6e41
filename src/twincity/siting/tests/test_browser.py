"""A siting case settled in real Chromium: Liangjiang withdraws its bid on the case's page, the office
records the joint meeting's decision, and the case closes (no bid, link or decision form is left)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from twincity.audit.context import acting
from twincity.core.tests.browser import login
from twincity.siting import services
from twincity.siting.choices import CaseStatus
from twincity.siting.models import SitingCase
from twincity.siting.tests.helpers import make_case, meeting_decision

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = "/tmp/siting-{}.png"


def sign_in_as(page, live_server, username):
    page.context.clear_cookies()
    login(page, live_server, username)


def test_a_withdrawn_bid_then_the_offices_decision_closes_the_case(browser_page, live_server, world):
    page = browser_page
    page.on("dialog", lambda dialog: dialog.accept())  # "record this decision?"
    case = make_case(world, code="布局2020-01")
    with acting(world.users["office"]):
        services.link_negotiation(case, meeting_decision(world), user=world.users["office"], note="第二次对接会议")
    lj_bid = case.bids.get(side=world.lj)

    # Liangjiang already has several similar platforms: its coordinator withdraws its bid.
    sign_in_as(page, live_server, "lj-coord")
    page.goto(f"{live_server.url}{case.get_absolute_url()}")
    expect(page.locator(f"[data-bid-edit='{world.tf.code}']")).to_have_count(0)
    bid = page.locator(f"#bid-{lj_bid.pk}")
    bid.locator("summary").click()
    bid.locator("input[name=reason]").fill("两江新区已有多个类似平台")
    bid.locator("button[type=submit]").click()
    expect(page.locator(f"#bid-{lj_bid.pk} [data-withdrawn='yes']")).to_be_visible()
    expect(page.locator("#decide-form")).to_have_count(0)  # the office records decisions

    # The office finds the case in the list and records what the joint meeting decided.
    sign_in_as(page, live_server, "office")
    page.goto(f"{live_server.url}/siting/?partnership={world.partnership.pk}")
    page.screenshot(path=SHOTS.format("list"), full_page=True)
    page.click("text=大数据平台布局")
    expect(page.locator("#negotiation [data-outcome]")).to_have_count(1)
    expect(page.locator("#specialisation [data-side]")).to_have_count(2)  # the indicators' provider: no figure yet
    page.screenshot(path=SHOTS.format("case"), full_page=True)
    form = page.locator("#decide-form")
    expect(form.locator("select[name=side] option")).to_have_count(2)  # the blank choice and Tianfu
    form.locator("select[name=side]").select_option(str(world.tf.pk))
    form.locator("input[name=decided_on]").fill("2020-06-30")
    form.locator("textarea[name=rationale]").fill("成都科学城急需大数据平台，两江新区已有多个类似平台。")
    form.locator("button[type=submit]").click()

    expect(page.locator("#decision")).to_contain_text("成都科学城")
    expect(page.locator("#entry-status")).to_have_text("已决定")
    for closed in ("#decide-form", "#negotiation-form", "[data-bid-edit]", "[data-bid-add]"):
        expect(page.locator(closed)).to_have_count(0)
    page.screenshot(path=SHOTS.format("decided"), full_page=True)
    assert SitingCase.objects.get(pk=case.pk).status == CaseStatus.DECIDED

    page.goto(f"{live_server.url}/siting/add/?partnership={world.partnership.pk}")
    page.screenshot(path=SHOTS.format("form"), full_page=True)

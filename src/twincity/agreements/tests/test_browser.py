"""The register of agreements in real Chromium: the Tianfu coordinator finds the agreement, turns the
Tianfu side's obligation into a matter in one step and sees the matter's state on the agreement."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from twincity.agreements import services
from twincity.agreements.models import Obligation
from twincity.agreements.services import PartySpec
from twincity.agreements.tests.helpers import make_agreement
from twincity.audit.context import acting
from twincity.core.tests.browser import login
from twincity.matters.models import Matter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("TWINCITY_SCREENSHOTS")  # a folder: the pages are saved there to be looked at


def shot(page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"agreements-{name}.png"), full_page=True)


def test_an_obligation_becomes_a_matter_and_its_state_shows_on_the_agreement(browser_page, live_server, world):
    page = browser_page
    today = timezone.localdate()
    agreement = make_agreement(world, expires_on=today + dt.timedelta(days=40))
    make_agreement(
        world,
        title="打造教育高地战略合作协议",
        topic="教育",
        expires_on=None,
        parties=[PartySpec(world.tf_dept2), PartySpec(world.lj_dept2)],
    )
    office = world.users["office"]
    with acting(office):
        obligation = services.add_obligation(
            agreement, user=office, text="建立执法协作与信息共享机制", organisation=world.tf_dept
        )
        services.add_obligation(agreement, user=office, text="互认市场主体登记信息", side=world.lj)

    login(page, live_server, "tf-coord")
    page.goto(f"{live_server.url}/agreements/?partnership={world.partnership.pk}")
    expect(page.locator("#results tbody tr")).to_have_count(2)
    searches = []
    page.on("request", lambda r: searches.append(r.url) if "q=%E5%B8%82" in r.url else None)
    page.fill("#id_q", "市场监管")
    page.press("#id_q", "Enter")
    expect(page.locator("#results tbody tr")).to_have_count(1)
    # The key's delayed search (600 ms) asks nothing more: it would push the address and cancel the click below.
    page.wait_for_timeout(900)
    assert len(searches) == 1, searches
    shot(page, "list")
    page.click("#results tbody tr a")
    expect(page.locator("#entry-status")).to_have_attribute("data-state", "in_force")
    expect(page.locator("#expiry-warning")).to_be_visible()
    card = page.locator(f"#obligation-{obligation.pk}")
    expect(card.locator(".tc-follow-up")).to_have_count(0)
    lj_card = page.locator(".tc-obligation").filter(has_text="互认市场主体登记信息")
    expect(lj_card.locator("[data-follow-up]")).to_have_count(0)  # the other side's obligation: not ours to turn
    shot(page, "detail")

    card.locator("[data-follow-up]").click()
    expect(page.locator("#id_title")).to_have_value("建立执法协作与信息共享机制")
    page.fill("#id_due_date", (today + dt.timedelta(days=100)).isoformat())
    page.select_option(f"#id_units_{world.tf.pk}", str(world.tf_dept.pk))
    page.select_option(f"#id_units_{world.lj.pk}", str(world.lj_dept.pk))
    page.click("#form-submit")

    matter = Matter.objects.get(register_links__object_id=obligation.pk)
    expect(page).to_have_url(f"{live_server.url}/agreements/{agreement.pk}/#obligation-{obligation.pk}")
    follow_up = card.locator(f".tc-follow-up[data-matter='{matter.code}']")
    expect(follow_up).to_contain_text("建立执法协作与信息共享机制")
    expect(follow_up.locator("[data-light]")).to_have_attribute("data-light", "grey")  # proposed: not under way
    expect(follow_up).to_contain_text("0%")
    shot(page, "detail-followed-up")
    assert Obligation.objects.get(pk=obligation.pk).matter_links.get().matter == matter

    page.click("#edit-link")
    expect(page.locator("#party-rows tbody tr")).to_have_count(3)
    shot(page, "form")

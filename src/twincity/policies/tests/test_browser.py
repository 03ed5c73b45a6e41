"""Comparing the two sides' policy clauses in real Chromium: the group page sets Tianfu's and Liangjiang's
terms side by side; when the Liangjiang coordinator lowers their side's value through the page, the group
is flagged as diverging, with the figures, before any investor notices."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from twincity.core.tests.browser import login
from twincity.policies.choices import AlignmentStatus
from twincity.policies.models import AlignmentGroup
from twincity.policies.tests.test_services import make_clause, make_group, make_policy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_liangjiang_clause_lowered_through_the_page_flags_the_group(browser_page, live_server, world):
    page = browser_page
    tf = make_clause(world, make_policy(world, world.tf), "50", reference="第五条", qualifier="前三年")
    lj = make_clause(world, make_policy(world, world.lj), "50", reference="第三条", qualifier="前三年")
    group = make_group(world, [tf, lj], tolerance="10")

    login(page, live_server, "lj-coord")
    page.click("#nav-registers")
    page.click("a.dropdown-item[href*='/policies/groups/']")
    page.click(f"tr[data-group='{group.pk}'] a")

    # Both sides' terms side by side, within the tolerance.
    tianfu, liangjiang = page.locator("#comparison [data-side='TF']"), page.locator("#comparison [data-side='LJ']")
    expect(tianfu).to_contain_text("50 %（前三年）")
    expect(liangjiang).to_contain_text("50 %（前三年）")
    expect(page.locator("#flag")).to_have_attribute("data-flagged", "no")
    expect(page.locator("#entry-status")).to_have_class("badge tc-status tc-status-aligned")
    expect(tianfu.locator("[data-edit-clause]")).to_have_count(0)  # the other side's clause is theirs to change

    # Liangjiang lowers its rent subsidy to 40 %.
    liangjiang.locator(f"[data-edit-clause='{lj.pk}']").click()
    page.fill("#id_value", "40")
    page.click("#form-submit")

    # Back on the group: 20 % apart against a tolerance of 10 %, flagged, and the history says so.
    expect(page.locator("#flag")).to_have_attribute("data-flagged", "yes")
    expect(page.locator("#divergence")).to_have_text("20 %")
    expect(page.locator("#entry-status")).to_have_class("badge tc-status tc-status-diverging")
    expect(liangjiang).to_contain_text("40 %（前三年）")
    expect(page.locator("#events")).to_contain_text("20 %")
    page.screenshot(path="/tmp/policies-group-flagged.png", full_page=True)
    assert AlignmentGroup.objects.get(pk=group.pk).status == AlignmentStatus.DIVERGING

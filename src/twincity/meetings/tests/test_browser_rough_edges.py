"""The meetings' rough edges of issue 13, in real Chromium: each test fails if its edge comes back.

* the system's proposals are not ticked in advance; "select all" is offered, and they are grouped by source;
* a cancelled session and the held one that took its number on are told apart; the series lists the newest first;
* the minutes' .docx is offered beside the PDF;
* what the system writes on an agenda reads in the reader's language, Chinese or English.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from twincity.audit.context import acting
from twincity.core.tests.browser import login
from twincity.matters.choices import MatterStatus
from twincity.meetings import services
from twincity.meetings.choices import ItemSource
from twincity.meetings.models import AgendaItem
from twincity.meetings.tests.helpers import add_session, joint_office, make_series, publish
from twincity.testing import make_matter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CANCELLED_ROW = re.compile(r"\btc-session-cancelled-row\b")


def in_language(page, live_server, language: str) -> None:
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])


def agenda_world(world):
    """A series with a past session and today's, and three matters the system proposes for today's agenda: two
    turned red (due three days ago) and one proposed, awaiting approval."""
    today = timezone.localdate()
    joint_office(world, world.tf)
    joint_office(world, world.lj)
    series = make_series(world)
    earlier = add_session(world, series, today - dt.timedelta(days=30))
    publish(world, earlier)
    with acting(world.users["office"]):
        services.mark_held(earlier, user=world.users["office"])
    session = add_session(world, series, today)
    red = [
        make_matter(
            world,
            title=title,
            year=today.year,
            start_date=today - dt.timedelta(days=120),
            due_date=today - dt.timedelta(days=3),
        )
        for title in ("共建川渝自贸试验区协同开放示范区", "共建西部陆海新通道物流枢纽")
    ]
    proposed = make_matter(world, title="两地政务服务“跨省通办”", year=today.year, status=MatterStatus.PROPOSED)
    return series, session, red, proposed


def test_proposals_are_not_ticked_and_are_chosen_by_group_or_all(browser_page, live_server, world):
    page = browser_page
    _series, session, red, proposed = agenda_world(world)
    login(page, live_server, "office")
    page.goto(f"{live_server.url}{session.get_absolute_url()}")
    boxes = page.locator("#proposals input[name=key]")
    expect(boxes).to_have_count(3)
    for i in range(3):
        expect(boxes.nth(i)).not_to_be_checked()
    # Grouped by source, each group with its count.
    red_group = page.locator(f"#proposals fieldset[data-source='{ItemSource.RED_MATTER}']")
    expect(red_group.locator("legend [data-count]")).to_have_text("2")
    waiting = page.locator(f"#proposals fieldset[data-source='{ItemSource.AWAITING_DECISION}']")
    expect(waiting.locator("legend [data-count]")).to_have_text("1")
    expect(waiting).to_contain_text(proposed.code)
    # Adding with nothing chosen adds nothing.
    page.click("#add-proposals")
    expect(page.locator("#agenda-items tr[data-source]")).to_have_count(0)
    # "Select all" ticks every one, and unticks them again.
    page.check("#proposals-all")
    for i in range(3):
        expect(boxes.nth(i)).to_be_checked()
    page.uncheck("#proposals-all")
    expect(page.locator("#proposals input[name=key]:checked")).to_have_count(0)
    # A group's box ticks that group only; the whole list's box then shows "some".
    page.check(f"#proposals-{ItemSource.RED_MATTER}")
    expect(red_group.locator("input[name=key]:checked")).to_have_count(2)
    expect(waiting.locator("input[name=key]:checked")).to_have_count(0)
    assert page.eval_on_selector("#proposals-all", "el => el.indeterminate") is True
    page.click("#add-proposals")
    expect(page.locator(f"#agenda-items tr[data-source='{ItemSource.RED_MATTER}']")).to_have_count(2)
    expect(page.locator(f"#agenda-items tr[data-source='{ItemSource.AWAITING_DECISION}']")).to_have_count(0)
    assert {i.matter_id for i in AgendaItem.objects.filter(session=session)} == {m.pk for m in red}


def test_a_cancelled_session_is_marked_and_the_series_lists_the_newest_first(browser_page, live_server, world):
    page = browser_page
    today = timezone.localdate()
    series = make_series(world)
    office = world.users["office"]
    old = add_session(world, series, today - dt.timedelta(days=400))
    cancelled = add_session(world, series, today - dt.timedelta(days=60))
    with acting(office):
        services.cancel_session(cancelled, user=office, reason="春节假期")
    held = add_session(world, series, today - dt.timedelta(days=30))
    publish(world, held)
    with acting(office):
        services.mark_held(held, user=office)
    cancelled.refresh_from_db()
    held.refresh_from_db()
    assert cancelled.number == held.number  # the next session took the number on

    login(page, live_server, "office")
    page.goto(f"{live_server.url}/meetings/?partnership={world.partnership.pk}")
    cancelled_row = page.locator(f"#session-table tr[data-session='{cancelled.pk}']")
    held_row = page.locator(f"#session-table tr[data-session='{held.pk}']")
    expect(cancelled_row).to_have_class(CANCELLED_ROW)
    expect(cancelled_row.locator(".tc-session-status")).to_have_attribute("data-status", "cancelled")
    expect(cancelled_row.locator(".tc-session-status")).to_contain_text("已取消")
    expect(held_row.locator(".tc-session-status")).to_have_attribute("data-status", "held")
    expect(held_row).not_to_have_class(CANCELLED_ROW)
    # The cancelled one is secondary: its number is struck through and greyer than the held one's.
    assert cancelled_row.locator("td").first.locator("a").evaluate("a => getComputedStyle(a).textDecorationLine") == (
        "line-through"
    )
    assert held_row.locator("td").first.locator("a").evaluate("a => getComputedStyle(a).textDecorationLine") != (
        "line-through"
    )

    page.goto(f"{live_server.url}{series.get_absolute_url()}")
    rows = page.locator("#series-sessions tr[data-session]")
    order = [int(rows.nth(i).get_attribute("data-session")) for i in range(rows.count())]
    assert order == [held.pk, cancelled.pk, old.pk]  # newest first
    years = page.locator("#series-sessions tr.tc-year-row")
    expect(years.first).to_have_text(str(held.local_date.year))
    expect(page.locator(f"#series-sessions tr[data-session='{cancelled.pk}'] .tc-session-status")).to_have_attribute(
        "data-status", "cancelled"
    )


def test_the_minutes_docx_is_offered_beside_the_pdf(browser_page, live_server, world):
    page = browser_page
    today = timezone.localdate()
    series = make_series(world)
    held = publish(world, add_session(world, series, today - dt.timedelta(days=3)))
    with acting(world.users["office"]):
        services.mark_held(held, user=world.users["office"])
    login(page, live_server, "lj-unit")
    page.goto(f"{live_server.url}{held.get_absolute_url()}")
    link = page.locator("#minutes-docx")
    expect(link).to_be_visible()
    expect(link.locator("i.bi-file-earmark-word")).to_have_count(1)
    expect(link).to_contain_text(".docx")
    expect(link).to_contain_text("KB")
    with page.expect_download() as download:
        link.click()
    path = download.value.path()
    with open(path, "rb") as handle:
        assert handle.read(2) == b"PK"
    assert download.value.suggested_filename.endswith(".docx")


@pytest.mark.parametrize(
    ("language", "shown", "not_shown"),
    [
        ("en", ["Red matter", "Overdue since", "Item “Red matter"], ["红灯事项", "起逾期", "已新增议题"]),
        ("zh-hans", ["红灯事项", "分钟"], ["Red matter", " min", "Overdue since"]),
    ],
)
def test_what_the_system_writes_on_an_agenda_reads_in_the_readers_language(
    browser_page, live_server, world, language, shown, not_shown
):
    page = browser_page
    series, session, red, _proposed = agenda_world(world)
    office = world.users["office"]
    # Accepted in Chinese (as the Chinese-speaking secretariat would), then changed after publication.
    with acting(office):
        services.add_item(session, user=office, title="两地合作年度总结", side=world.tf)
        services.publish_agenda(session, user=office)
        services.add_proposals(session, user=office, keys=[f"{ItemSource.RED_MATTER}:{red[0].pk}"], reason="补充")
        services.propose_item(series, user=office, title="下阶段重点合作事项", side=world.tf)
    in_language(page, live_server, language)
    login(page, live_server, "office")
    page.goto(f"{live_server.url}{session.get_absolute_url()}")
    agenda = page.locator("#agenda").inner_text()
    for text in shown:
        assert text in agenda, (language, text)
    for text in not_shown:
        assert text not in agenda, (language, text)
    expect(page.locator("#agenda-items")).to_contain_text(red[0].code)

"""In real Chromium: the Liangjiang coordinator turns one of the ten lessons into a follow-up matter on
the lesson's page, and sees the new matter's state there and on the list of lessons as the work goes on."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from twincity.audit.context import acting
from twincity.core.tests.browser import login
from twincity.matters import services as matters
from twincity.matters.choices import Light, MatterStatus
from twincity.matters.models import Matter
from twincity.visits.models import Lesson
from twincity.visits.tests.test_services import record, record_visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_lesson_turns_into_a_matter_and_shows_its_state(browser_page, live_server, world):
    page = browser_page
    visit = record_visit(world)
    lesson = record(Lesson, world, visit, title="坚持对内对外融合开放", number=7)
    record(Lesson, world, visit, title="坚持先行先试释放活力", number=8)
    today = timezone.localdate()

    login(page, live_server, "lj-coord")
    page.goto(f"{live_server.url}/visits/lessons/?partnership={world.partnership.pk}")
    page.screenshot(path="/tmp/visits-lesson-list-before.png", full_page=True)
    page.get_by_role("link", name="坚持对内对外融合开放").click()
    card = page.locator(f"#follow-up-{lesson.pk}")
    expect(card).to_contain_text("尚无")  # no matter follows it up yet

    card.locator("[data-follow-up]").click()
    page.fill("#id_title", "借鉴融合开放经验，共建内陆开放门户交流机制")
    page.fill("#id_year", str(today.year))
    page.fill("#id_due_date", (today + dt.timedelta(days=150)).isoformat())
    page.select_option(f"#id_units_{world.lj.pk}", [str(world.lj_dept.pk)])
    page.select_option(f"#id_units_{world.tf.pk}", [str(world.tf_dept.pk)])
    page.screenshot(path="/tmp/visits-follow-up-form.png", full_page=True)
    page.click("#form-submit")

    matter = Matter.objects.get(title="借鉴融合开放经验，共建内陆开放门户交流机制")
    row = page.locator(f"#follow-up-{lesson.pk} .tc-follow-up[data-matter='{matter.code}']")
    expect(row).to_be_visible()
    expect(row.locator(".tc-status")).to_have_class(re.compile(r"\btc-status-proposed\b"))
    expect(row.locator(".tc-light")).to_have_attribute("data-light", Light.GREY)

    # The matter gets under way elsewhere: approved, then Liangjiang reports progress ahead of time.
    office = world.users["office"]
    with acting(office):
        matters.update_matter(matter, user=office, version=None, start_date=today - dt.timedelta(days=30))
        matters.change_status(matter, MatterStatus.APPROVED, user=office)
        matters.file_progress(
            matter, user=office, side_id=world.lj.pk, period=f"{today:%Y-%m}", text="建立交流机制", percent_complete=60
        )
        matters.file_progress(
            matter, user=office, side_id=world.tf.pk, period=f"{today:%Y-%m}", text="完成对接", percent_complete=50
        )
    page.reload()
    expect(row.locator(".tc-status")).to_have_class(re.compile(r"\btc-status-in_progress\b"))
    expect(row.locator(".tc-light")).to_have_attribute("data-light", Light.GREEN)
    expect(row).to_contain_text("55%")
    page.screenshot(path="/tmp/visits-lesson-page.png", full_page=True)

    # The list of lessons answers "what did we do with them": one matter, green; the other lesson none yet.
    page.goto(f"{live_server.url}/visits/lessons/?partnership={world.partnership.pk}")
    followed = page.locator("tr", has_text="坚持对内对外融合开放")
    expect(followed.locator(".tc-follow-up-summary")).to_have_attribute("data-count", "1")
    expect(followed.locator(".tc-light-green")).to_have_text("1")
    waiting = page.locator("tr", has_text="坚持先行先试释放活力")
    expect(waiting.locator(".tc-follow-up-summary")).to_have_attribute("data-count", "0")
    page.screenshot(path="/tmp/visits-lesson-list.png", full_page=True)

    # And the visit's page shows the same for each of its lessons.
    page.get_by_role("link", name="重庆市党政代表团来川考察").first.click()
    expect(page.locator(f"[data-lesson='{lesson.pk}'] .tc-light-green")).to_have_text("1")
    page.screenshot(path="/tmp/visits-visit-page.png", full_page=True)

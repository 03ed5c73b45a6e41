"""A full meeting cycle in real Chromium against a live server, worked by the people who do it.

The Liangjiang secretariat prepares session N (the system proposes the host and the standing
items), publishes the agenda and records a decision that creates an action for a Tianfu unit; the
Tianfu unit contact acknowledges it and reports it done; the office verifies it; session N+1 is
hosted by Tianfu and shows the action's history.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from twincity.audit.context import acting
from twincity.core.tests.browser import login
from twincity.meetings import services
from twincity.meetings.choices import ActionStatus, ItemSource
from twincity.meetings.models import ActionItem, Session
from twincity.meetings.tests.helpers import add_session, joint_office, make_series, publish
from twincity.testing import make_matter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in_as(page, live_server, username):
    page.context.clear_cookies()
    login(page, live_server, username)


def test_a_full_meeting_cycle_from_agenda_to_verified_action(browser_page, live_server, world):
    page = browser_page
    page.on("dialog", lambda dialog: dialog.accept())  # the "publish?" confirmation
    today = timezone.localdate()
    joint_office(world, world.tf)
    joint_office(world, world.lj)
    series = make_series(world)
    earlier = add_session(world, series, today - dt.timedelta(days=30))  # session 1, Tianfu hosted
    publish(world, earlier)
    with acting(world.users["office"]):
        services.mark_held(earlier, user=world.users["office"])
    session = add_session(world, series, today)  # session 2: the rotation gives it to Liangjiang
    red = make_matter(
        world,
        title="共建川渝自贸试验区协同开放示范区",
        year=today.year,
        start_date=today - dt.timedelta(days=120),
        due_date=today - dt.timedelta(days=3),
    )

    # The Liangjiang secretariat prepares session 2: host proposed, standing items proposed.
    sign_in_as(page, live_server, "lj-coord")
    page.click("#nav-meetings")
    page.click(f"#series-cards [data-series='{series.pk}']")
    page.click(f"#series-sessions tr[data-session='{session.pk}'] a")
    expect(page.locator("#session-host")).to_have_attribute("data-host", world.lj.code)
    proposal = page.locator(f"#proposals [data-proposal='{ItemSource.RED_MATTER}:{red.pk}']")
    expect(proposal).to_contain_text(red.code)
    expect(proposal.locator("input[name=key]")).not_to_be_checked()  # nothing is chosen for the secretariat
    proposal.locator("input[name=key]").check()
    page.click("#add-proposals")
    expect(page.locator(f"#agenda-items tr[data-source='{ItemSource.RED_MATTER}']")).to_have_count(1)
    page.click("#publish-agenda")
    expect(page.locator("#agenda-published")).to_be_visible()
    expect(page.locator("#publish-agenda")).to_have_count(0)

    # The decision creates an action for the Tianfu market-supervision bureau, serving the red matter.
    form = page.locator("#outcome-form")
    form.locator("select[name=item]").select_option(index=1)
    form.locator("select[name=kind]").select_option("decision")
    form.locator("textarea[name=text]").fill("会议议定：天府新区市场监管局牵头报送示范区建设方案。")
    form.locator("input[name=creates_action]").check()
    form.locator("input[name=action_title]").fill("报送示范区建设方案")
    form.locator("select[name=owners]").select_option(str(world.tf_dept.pk))
    form.locator("input[name=due_date]").fill((today + dt.timedelta(days=20)).isoformat())
    form.locator("select[name=matter]").select_option(str(red.pk))
    page.click("#record-outcome")
    expect(page.locator("#outcomes [data-kind='decision']")).to_contain_text("报送示范区建设方案")
    action = ActionItem.objects.get(title="报送示范区建设方案")
    assert action.matter == red
    assert action.session == session

    # The Tianfu unit contact finds it in "my work", acknowledges it and reports it done.
    sign_in_as(page, live_server, "tf-unit")
    page.goto(f"{live_server.url}/matters/my-work/")
    page.click(f"#my-actions [data-action='{action.pk}']")
    page.click("[data-step='acknowledge']")
    expect(page.locator("#action-status")).to_have_attribute("data-status", ActionStatus.ACKNOWLEDGED)
    page.fill("#text-done", "方案已于本周报送两地管委会，附报送函。")
    page.click("[data-step='done']")
    expect(page.locator("#action-status")).to_have_attribute("data-status", ActionStatus.REPORTED_DONE)
    expect(page.locator("[data-step='verify']")).to_have_count(0)

    # The office verifies it, then plans the next session.
    sign_in_as(page, live_server, "office")
    page.goto(f"{live_server.url}{action.get_absolute_url()}")
    page.select_option("#rating-verify", "good")
    page.click("[data-step='verify']")
    expect(page.locator("#action-status")).to_have_attribute("data-status", ActionStatus.VERIFIED)
    page.goto(f"{live_server.url}{series.get_absolute_url()}")
    page.fill("#id_count", "1")
    page.click("#generate-submit")
    following = Session.objects.get(series=series, number=3)
    expect(page.locator(f"#series-sessions tr[data-session='{following.pk}']")).to_contain_text("天府")

    # Session 3 is hosted by Tianfu and shows the action's history since session 2.
    page.click(f"#series-sessions tr[data-session='{following.pk}'] a")
    expect(page.locator("#session-host")).to_have_attribute("data-host", world.tf.code)
    card = page.locator(f"#carried [data-action='{action.pk}']")
    for step in ("assigned", "acknowledged", "reported_done", "verified"):
        expect(card.locator(f"[data-step='{step}']")).to_have_count(1)
    expect(card).to_contain_text("方案已于本周报送两地管委会")

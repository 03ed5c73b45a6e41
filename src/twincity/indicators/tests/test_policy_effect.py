"""Policies judged by their effect: who names a policy's target indicators, the before/after figures, the page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from playwright.sync_api import expect

from twincity.audit.context import acting
from twincity.audit.models import AuditEvent
from twincity.core.tests.browser import login
from twincity.indicators import policy_effect, services
from twincity.indicators.models import PolicyTarget
from twincity.policies import services as policy_services
from twincity.testkit import assert_page

from .helpers import build_statistics, figures

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_as(client, scene):
    """The test client signed in as a persona of this scene."""

    def login(persona: str):
        client.force_login(scene.users[persona])
        return client

    return login


@pytest.fixture
def scene(db):
    w = build_statistics()
    office = w.users["office"]
    with acting(office):
        w.policy = policy_services.create_policy(
            partnership=w.partnership,
            user=office,
            side=w.tf,
            title="研发费用加计扣除配套奖励（示例）",
            code="TF-RD",
            effective_on=dt.date(2018, 3, 1),
        )
    rows = []
    pairs = [(10, 20), (11, 21), (12, 22), (20, 23), (24, 24), (28, 25)]
    for year, (tf_rd, lj_rd) in zip(range(2015, 2021), pairs, strict=True):
        rows += [
            (w.gdp, w.tf, str(year), 1000),
            (w.gdp, w.lj, str(year), 1000),
            (w.rd, w.tf, str(year), tf_rd),
            (w.rd, w.lj, str(year), lj_rd),
        ]
    figures(w, office, rows)
    return w


def test_phases_by_the_effective_date():
    assert policy_effect.year_phase(2017, dt.date(2018, 3, 1)) == "before"
    assert policy_effect.year_phase(2018, dt.date(2018, 3, 1)) == "after"  # in force for most of 2018
    assert policy_effect.year_phase(2018, dt.date(2018, 9, 1)) == "transition"
    assert policy_effect.year_phase(2019, dt.date(2018, 9, 1)) == "after"
    assert policy_effect.year_phase(2019, None) == "transition"


def test_before_and_after_each_side(scene):
    policy_effect.add_target(scene.policy, scene.intensity, user=scene.users["office"], note="研发投入")
    (item,) = policy_effect.effect(scene.policy)
    assert item.periods == ["2015", "2016", "2017", "2018", "2019", "2020"]
    assert item.phases == ["before"] * 3 + ["after"] * 3
    tf, lj = item.sides
    assert tf.side == scene.tf
    assert tf.before_mean == pytest.approx(1.1)  # (1.0 + 1.1 + 1.2) / 3, in %
    assert tf.after_mean == pytest.approx(2.4)
    assert tf.change == pytest.approx(1.3)
    assert tf.improved is True
    assert lj.change == pytest.approx(0.3)
    mark = item.chart["series"][0]["markLine"]["data"][0]
    assert mark == {"xAxis": "2018"}


def test_the_policys_side_and_the_office_may_name_targets_others_not(scene):
    policy_effect.add_target(scene.policy, scene.intensity, user=scene.users["tf-coord"])
    with pytest.raises(ValidationError):
        policy_effect.add_target(scene.policy, scene.intensity, user=scene.users["office"])
    for persona in ("lj-coord", "tf-unit", "leader", "auditor", "outsider"):
        with pytest.raises(PermissionDenied):
            policy_effect.add_target(scene.policy, scene.intensity, user=scene.users[persona])
    target = PolicyTarget.objects.get(policy=scene.policy)
    with pytest.raises(PermissionDenied):
        policy_effect.remove_target(target, user=scene.users["lj-coord"])
    policy_effect.remove_target(target, user=scene.users["office"])
    assert not PolicyTarget.objects.exists()
    verbs = list(AuditEvent.objects.filter(object_id=scene.policy.pk).values_list("verb", flat=True))
    assert "policytarget.added" in verbs
    assert "policytarget.removed" in verbs


def test_the_effect_page(scene, client_as):
    policy_effect.add_target(scene.policy, scene.intensity, user=scene.users["office"])
    url = reverse("indicators:policy_effect", args=[scene.policy.pk])
    page = assert_page(
        client_as("leader"), url, queries=10, warm=True, contains=["研发投入强度", 'data-chart="effect-chart-']
    )
    assert 'id="add-target"' not in page.body  # a leader reads, does not edit
    assert 'id="effect-chart-' in page.body  # the chart's options, as json_script
    assert_page(client_as("outsider"), url, status=404)
    policy_page = client_as("leader").get(scene.policy.get_absolute_url()).content.decode()
    assert url in policy_page  # the policy's own page links to it
    # More targets, the same number of queries.
    office = scene.users["office"]
    with acting(office):
        for code, element in (("GDP_I", scene.gdp), ("RD_I", scene.rd)):
            indicator = services.create_indicator(
                partnership=scene.partnership, user=office, code=code, name=code, numerator=element
            )
            policy_effect.add_target(scene.policy, indicator, user=office)
    more = assert_page(client_as("leader"), url, warm=True)
    assert more.queries == page.queries
    assert more.body.count('data-chart="effect-chart-') == 3


def test_adding_and_removing_through_the_page(scene, client_as):
    client = client_as("tf-coord")
    url = reverse("indicators:policy_effect", args=[scene.policy.pk])
    assert 'id="add-target"' in client.get(url).content.decode()
    add = reverse("indicators:policy_target_add", args=[scene.policy.pk])
    response = client.post(add, {"indicator": scene.intensity.pk, "note": "<b>研发</b>"})
    assert response.status_code == 302
    target = PolicyTarget.objects.get(policy=scene.policy)
    assert target.note == "研发"
    # The other side's coordinator cannot even find the step.
    assert client_as("lj-coord").post(add, {"indicator": scene.intensity.pk}).status_code == 404
    remove = reverse("indicators:policy_target_remove", args=[target.pk])
    assert client_as("lj-coord").post(remove).status_code == 404
    assert client_as("tf-coord").post(remove).status_code == 302
    assert not PolicyTarget.objects.exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_in_chromium_the_side_names_a_target_and_sees_the_chart(browser_page, live_server, scene):
    """Tianfu's coordinator goes from the policy's page to its effect, names R&D intensity, sees the chart drawn."""
    page = browser_page
    login(page, live_server, "tf-coord")
    page.goto(f"{live_server.url}{scene.policy.get_absolute_url()}")
    page.click("#link-policy-effect")
    expect(page.locator("#no-targets")).to_be_visible()
    page.select_option("#add-target select[name=indicator]", str(scene.intensity.pk))
    page.fill("#add-target input[name=note]", "研发投入")
    page.click("#add-target button[type=submit]")
    card = page.locator(f"[data-indicator='{scene.intensity.code}']")
    expect(card).to_be_visible()
    expect(card.locator(f"tr[data-side='{scene.tf.code}'] [data-change]")).to_contain_text("1.30")
    expect(card.locator(".tc-chart svg")).to_have_count(1)  # ECharts drew it from the json_script block
    page.screenshot(path="/tmp/indicators-policy-effect.png", full_page=True)

"""The register's pages as people use them: the list, the secondment's page and its workflow, the dashboard."""

from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from twincity.exchanges import services, sources
from twincity.exchanges.choices import Rating, SecondmentStatus
from twincity.exchanges.models import Secondment, SecondmentReport
from twincity.exchanges.tests import access
from twincity.exchanges.tests.test_services import days, second
from twincity.testing import PERSONAS
from twincity.testkit import assert_page, unchanged

pytestmark = pytest.mark.django_db


def list_url(world, query: str = "") -> str:
    return reverse("exchanges:secondment_list") + f"?partnership={world.partnership.pk}{query}"


def test_the_list_finds_secondments_by_chinese_words_and_status(world, client_as):
    second(world, person_name="王某某", objectives="学习市场监管一体化经验")
    second(world, person_name="陈某某", start=10, end=300, objectives="对接人才政策")
    client = client_as("leader")
    body = client.get(list_url(world, "&q=人才政策")).content.decode()
    assert "陈某某" in body
    assert "王某某" not in body
    body = client.get(list_url(world, "&status=active"), headers={"HX-Request": "true"}).content.decode()
    assert "王某某" in body
    assert "陈某某" not in body
    assert "<html" not in body
    assert 'data-status="active"' in body


def test_the_list_shows_the_terms_ending_soon_that_the_dashboard_links_to(world, client_as):
    second(world, person_name="王某某", end=30)
    second(world, person_name="陈某某", end=120)
    body = client_as("tf-unit").get(list_url(world, "&ending_within=60")).content.decode()
    assert "王某某" in body
    assert "陈某某" not in body


def test_the_list_takes_constant_queries(world, client_as):
    for i in range(3):
        second(world, person_name=f"甲{i}")
    client = client_as("office")
    few = assert_page(client, list_url(world), queries=18, contains=["甲0", "甲2"], warm=True)
    for i in range(20):
        second(world, person_name=f"乙{i}", host=world.tf_dept2)
    assert_page(client, list_url(world), queries=few.queries, contains=["甲1", "乙0", "乙19", world.tf_dept2.name])


def form_data(world, **changes):
    data = {
        "version": 0,
        "person_name": "赵某某",
        "rank": "division",
        "post": "两江新区开放合作局副局长",
        "home_organisation": world.lj_dept.pk,
        "host_organisation": world.tf_dept.pk,
        "start_date": days(-30).isoformat(),
        "end_date": days(335).isoformat(),
        "objectives": "参与双城办日常运行",
    }
    data.update(changes)
    return data


def test_a_coordinator_adds_and_edits_a_secondment_through_the_forms(world, client_as):
    client = client_as("tf-coord")
    add = reverse("exchanges:secondment_add") + f"?partnership={world.partnership.pk}"
    assert client.get(add).status_code == 200
    response = client.post(add, form_data(world))
    s = Secondment.objects.get(person_name="赵某某")
    assert response.status_code == 302
    assert response["Location"] == s.get_absolute_url()
    assert (s.home_side, s.host_side) == (world.lj, world.tf)
    assert world.lj_dept.name in s.title  # left empty: named after the two units
    edit = reverse("exchanges:secondment_edit", args=[s.pk])
    assert client.post(edit, form_data(world, version=1, title="两江新区派驻天府新区市场监管局")).status_code == 302
    stale = client_as("lj-coord").post(edit, form_data(world, version=1, title="别的名称"))
    assert stale.status_code == 409
    s.refresh_from_db()
    assert s.title == "两江新区派驻天府新区市场监管局"


def test_a_secondment_within_one_side_is_refused_on_the_form_with_the_reason(world, client_as):
    client = client_as("office")
    add = reverse("exchanges:secondment_add") + f"?partnership={world.partnership.pk}"
    response = client.post(add, form_data(world, home_organisation=world.tf_dept2.pk))
    assert response.status_code == 200
    assert not Secondment.objects.exists()
    body = response.content.decode()
    assert "other side" in body or "另一方" in body


def test_the_home_unit_files_a_report_and_the_host_unit_corrects_it(world, client_as):
    s = second(world)
    page = s.get_absolute_url()
    client = client_as("lj-unit")
    assert 'id="report-form"' in client.get(page).content.decode()
    response = client.post(
        reverse("exchanges:file_report", args=[s.pk]),
        {"period": "2020-Q3", "reported_on": days(-1).isoformat(), "text": "参与企业登记规则统一"},
    )
    assert response.status_code == 302
    report = SecondmentReport.objects.get(secondment=s)
    body = client_as("tf-unit").get(page).content.decode()
    assert "参与企业登记规则统一" in body
    assert reverse("exchanges:report_edit", args=[report.pk]) in body
    edit = reverse("exchanges:report_edit", args=[report.pk])
    assert client_as("tf-unit").post(edit, {"version": 1, "period": "2020-Q3", "text": "更正"}).status_code == 302
    stale = client_as("lj-unit").post(edit, {"version": 1, "period": "2020-Q3", "text": "再改"})
    assert stale.status_code == 200
    report.refresh_from_db()
    assert report.text == "更正"
    assert "report-form" not in client_as("leader").get(page).content.decode()


def test_a_second_report_for_the_same_period_is_refused_with_the_reason(world, client_as):
    s = second(world)
    client = client_as("lj-unit")
    url = reverse("exchanges:file_report", args=[s.pk])
    client.post(url, {"period": "2020-Q3", "reported_on": days(-1).isoformat(), "text": "第一份"})
    response = client.post(
        url, {"period": "2020-Q3", "reported_on": days(-1).isoformat(), "text": "第二份"}, follow=True
    )
    assert SecondmentReport.objects.filter(secondment=s).count() == 1
    body = response.content.decode()
    assert "already a report" in body or "已有" in body


def test_the_host_evaluates_on_the_page_and_the_home_side_does_not_find_the_step(world, client_as):
    s = second(world, start=-365, end=-1)
    page = s.get_absolute_url()
    url = reverse("exchanges:evaluate", args=[s.pk])
    data = {"rating": Rating.EXCELLENT, "evaluation": "工作扎实", "evaluated_on": timezone.localdate().isoformat()}
    assert 'id="evaluation-form"' not in client_as("lj-coord").get(page).content.decode()
    lj_coord = client_as("lj-coord")
    with unchanged(Secondment):
        assert lj_coord.post(url, data).status_code == 404
    assert 'id="evaluation-form"' in client_as("tf-unit").get(page).content.decode()
    assert client_as("tf-unit").post(url, data).status_code == 302
    s.refresh_from_db()
    assert s.rating == Rating.EXCELLENT
    assert s.evaluated_by == world.users["tf-unit"]
    body = client_as("auditor").get(page).content.decode()
    assert 'data-rating="excellent"' in body
    assert "工作扎实" in body


def test_an_evaluation_before_the_end_says_why_and_changes_nothing(world, client_as):
    s = second(world, end=30)
    assert 'id="evaluation-form"' not in client_as("office").get(s.get_absolute_url()).content.decode()
    response = client_as("office").post(
        reverse("exchanges:evaluate", args=[s.pk]),
        {"rating": Rating.COMPETENT, "evaluation": "称职", "evaluated_on": timezone.localdate().isoformat()},
        follow=True,
    )
    s.refresh_from_db()
    assert not s.is_evaluated
    assert days(30).isoformat() in response.content.decode()


def test_a_coordinator_cuts_a_term_short_on_the_page(world, client_as):
    s = second(world)
    client = client_as("lj-coord")
    assert 'id="cut-short-form"' in client.get(s.get_absolute_url()).content.decode()
    response = client.post(
        reverse("exchanges:cut_short", args=[s.pk]), {"on": days(-1).isoformat(), "reason": "工作需要提前召回"}
    )
    assert response.status_code == 302
    body = client.get(s.get_absolute_url()).content.decode()
    assert 'data-status="cut_short"' in body
    assert "工作需要提前召回" in body
    assert 'id="cut-short-form"' not in body


def test_the_dashboard_shows_terms_ending_within_sixty_days(world, client_as):
    soon = second(world, person_name="王某某", end=20)
    second(world, person_name="陈某某", end=200)
    items = sources.panel_items(world.partnership, timezone.localdate())
    assert [item.url for item in items] == [soon.get_absolute_url()]
    assert items[0].date == days(20)
    body = client_as("leader").get(reverse("dashboard", args=[world.partnership.pk])).content.decode()
    assert 'data-panel="secondments_ending"' in body
    assert "王某某" in body
    assert "陈某某" not in body
    assert "ending_within=60" in body


def test_the_joint_meeting_is_proposed_the_terms_awaiting_the_hosts_evaluation(world):
    waiting = second(world, person_name="王某某", start=-365, end=-10)
    evaluated = second(world, person_name="陈某某", start=-365, end=-10)
    services.evaluate(evaluated, user=world.users["office"], rating=Rating.COMPETENT, evaluation="称职")
    second(world, person_name="周某某", end=100)
    session = SimpleNamespace(partnership_id=world.partnership.pk, local_date=timezone.localdate())
    proposals = sources.EvaluationDue().proposals(session, None, timezone.localdate())
    assert [p.obj for p in proposals] == [waiting]
    assert proposals[0].side_id == world.tf.pk  # the host presents it


def test_the_entry_page_shows_status_sides_and_term(world, client_as):
    s = second(world, start=10, end=300)
    body = client_as("outsider").get(s.get_absolute_url())
    assert body.status_code == 404
    body = client_as("leader").get(s.get_absolute_url()).content.decode()
    assert f'data-status="{SecondmentStatus.PLANNED}"' in body
    assert f'data-side="{world.lj.code}"' in body
    assert f'data-side="{world.tf.code}"' in body
    assert 'id="report-form"' not in body  # a term not started takes no report


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_reaches_exactly_the_pages_and_steps_of_their_role(client, world, persona):
    scene = access.scene(world)
    client.force_login(world.users[persona])
    for name, (url, allowed) in access.pages(scene).items():
        assert client.get(url).status_code == (200 if persona in allowed else 404), f"{persona} GET {name}"
    with unchanged(Secondment, SecondmentReport):
        for name, (url, allowed) in access.actions(scene).items():
            if persona not in allowed:
                assert client.post(url, {}).status_code == 404, f"{persona} POST {name}"


def test_archiving_through_the_page_keeps_the_secondment_findable(world, client_as):
    s = second(world)
    client = client_as("office")
    assert client.post(reverse("exchanges:secondment_archive", args=[s.pk])).status_code == 302
    assert s.person_name not in client.get(list_url(world)).content.decode()
    assert s.person_name in client.get(list_url(world, "&archived=true")).content.decode()
    assert Secondment.objects.filter(pk=s.pk).exists()  # nothing deleted

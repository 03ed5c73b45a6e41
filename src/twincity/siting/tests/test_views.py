"""The register's pages as people use them: list, the case's page, bids, negotiation and the decision."""

import datetime as dt

import pytest
from django.urls import reverse

from twincity.audit.context import acting
from twincity.core.cache import clear_own_cache
from twincity.registers.tests.workbooks import rows_of
from twincity.siting import services, specialisation
from twincity.siting.choices import CaseStatus
from twincity.siting.excel import SitingCaseWorkbook
from twincity.siting.models import SitingBid, SitingCase
from twincity.siting.tests.helpers import make_case, meeting_decision
from twincity.testkit import assert_page, unchanged

pytestmark = pytest.mark.django_db


def page_of(case):
    return reverse("siting:sitingcase", args=[case.pk])


def test_the_list_finds_cases_by_chinese_words_and_status(world, client_as):
    make_case(world)
    make_case(world, title="智能网联汽车检测平台", industry="智能网联汽车", bids=("LJ",))
    client = client_as("leader")
    url = reverse("siting:sitingcase_list") + f"?partnership={world.partnership.pk}"
    body = client.get(url + "&q=科学城").content.decode()
    assert "大数据平台布局" in body
    assert "汽车检测平台" not in body
    body = client.get(url + "&status=open", headers={"HX-Request": "true"}).content.decode()
    assert "汽车检测平台" in body
    assert "大数据平台布局" not in body
    assert "<html" not in body
    body = client.get(url + f"&side={world.tf.pk}").content.decode()
    assert "大数据平台布局" in body
    assert "汽车检测平台" not in body


def test_the_list_takes_constant_queries(world, client_as):
    for i in range(3):
        make_case(world, title=f"项目{i}")
    client = client_as("office")
    url = reverse("siting:sitingcase_list") + f"?partnership={world.partnership.pk}"
    few = assert_page(client, url, queries=18, contains=["项目0", "项目2"], warm=True)
    for i in range(20):
        make_case(world, title=f"新增布局{i}", bids=("TF",))
    assert_page(client, url, queries=few.queries, contains=["项目1", "新增布局0", "新增布局19"])


def test_the_case_page_shows_each_sides_bid_and_each_coordinator_edits_only_its_own(world, client_as):
    case = make_case(world)
    tf_bid = case.bids.get(side=world.tf)
    body = client_as("tf-coord").get(page_of(case)).content.decode()
    assert "成都科学城" in body
    assert "两江数字经济产业园" in body
    assert f'data-bid-edit="{world.tf.code}"' in body
    assert f'data-bid-edit="{world.lj.code}"' not in body
    assert 'id="decide-form"' not in body  # the office records the decision
    body = client_as("leader").get(page_of(case)).content.decode()
    assert "data-bid-edit" not in body
    assert 'id="negotiation-form"' not in body
    assert client_as("lj-coord").get(reverse("siting:sitingbid_edit", args=[tf_bid.pk])).status_code == 404


def test_the_specialisation_says_not_available_until_the_indicators_register_a_provider(world, client_as):
    case = make_case(world)
    client = client_as("auditor")
    body = client.get(page_of(case)).content.decode()
    # With the indicator system installed its provider is there, without figures for this case: one row per side.
    assert ('data-specialisation="none"' in body) is not bool(specialisation.providers())

    def quotients(c):
        return [
            specialisation.Specialisation(side=world.tf, value="1.62", period="2020", source="统计年鉴（测试）"),
            specialisation.Specialisation(side=world.lj, value="0.87", period="2020", source="统计年鉴（测试）"),
        ]

    specialisation.register("test", quotients)
    clear_own_cache()  # a provider registered at run time: no write moved a stamp (core.cache)
    try:
        body = client.get(page_of(case)).content.decode()
    finally:
        specialisation.unregister("test")
    assert 'data-specialisation="none"' not in body
    assert "1.62" in body
    assert "0.87" in body
    assert "统计年鉴（测试）" in body


def test_a_coordinator_raises_a_case_with_its_sides_bid_through_the_form(world, client_as):
    client = client_as("lj-coord")
    url = reverse("siting:sitingcase_add") + f"?partnership={world.partnership.pk}"
    form = client.get(url).content.decode()
    assert "id_bid_side" in form
    data = {"version": 0, "title": "算力调度中心布局", "industry": "算力", "bid_candidate_site": "两江协同创新区"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert not SitingCase.objects.exists()
    response = client.post(url, {**data, "bid_side": world.lj.pk, "bid_unit": world.lj_dept.pk})
    case = SitingCase.objects.get(title="算力调度中心布局")
    assert response.status_code == 302
    assert response["Location"] == case.get_absolute_url()
    assert [(b.side, b.unit, b.candidate_site) for b in case.bids.all()] == [
        (world.lj, world.lj_dept, "两江协同创新区")
    ]


def test_editing_a_case_from_a_stale_page_shows_both_versions(world, client_as):
    case = make_case(world)
    edit = reverse("siting:sitingcase_edit", args=[case.pk])
    data = {"version": case.version, "title": "大数据平台布局", "industry": "超级计算"}
    assert client_as("tf-coord").post(edit, data).status_code == 302
    stale = client_as("lj-coord").post(edit, {**data, "industry": "云计算"})
    assert stale.status_code == 409
    assert SitingCase.objects.get(pk=case.pk).industry == "超级计算"


def test_the_other_side_puts_in_its_bid_on_the_page_and_the_case_is_contested(world, client_as):
    case = make_case(world, bids=("TF",))
    client = client_as("lj-coord")
    body = client.get(page_of(case)).content.decode()
    assert f'data-bid-add="{world.lj.code}"' in body
    add = reverse("siting:sitingbid_add", args=[case.pk])
    assert client.get(add + f"?side={world.lj.pk}").status_code == 200
    response = client.post(add, {"version": 0, "side": world.lj.pk, "candidate_site": "两江协同创新区", "need": "算力"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.NEGOTIATING
    assert client_as("tf-coord").get(add).status_code == 404  # Tianfu has bid already


def test_a_bid_edited_from_a_stale_page_shows_both_versions(world, client_as):
    case = make_case(world)
    bid = case.bids.get(side=world.tf)
    edit = reverse("siting:sitingbid_edit", args=[bid.pk])
    data = {"version": bid.version, "candidate_site": "成都科学城", "policy_offer": "第一版"}
    client = client_as("tf-coord")
    assert client.get(edit).status_code == 200
    assert client.post(edit, data).status_code == 302
    stale = client_as("office").post(edit, {**data, "policy_offer": "第二版"})
    assert stale.status_code == 409
    assert "第一版" in stale.content.decode()
    assert SitingBid.objects.get(pk=bid.pk).policy_offer == "第一版"


def test_withdrawing_a_bid_on_the_page_needs_a_reason(world, client_as):
    case = make_case(world)
    bid = case.bids.get(side=world.lj)
    client = client_as("lj-coord")
    url = reverse("siting:sitingbid_withdraw", args=[bid.pk])
    client.post(url, {"reason": ""})
    assert not SitingBid.objects.get(pk=bid.pk).is_withdrawn
    response = client.post(url, {"reason": "两江新区已有多个类似平台"}, follow=True)
    assert SitingBid.objects.get(pk=bid.pk).is_withdrawn
    assert 'data-withdrawn="yes"' in response.content.decode()


def test_a_meeting_decision_is_linked_on_the_page_and_shows_with_its_session(world, client_as):
    case = make_case(world)
    outcome = meeting_decision(world)
    client = client_as("tf-coord")
    body = client.get(page_of(case)).content.decode()
    assert "会议议定：大数据平台布局于成都科学城" in body  # offered in the form
    response = client.post(
        reverse("siting:link_negotiation", args=[case.pk]), {"outcome": outcome.pk, "note": "对接会议"}, follow=True
    )
    body = response.content.decode()
    assert f'data-outcome="{outcome.pk}"' in body
    assert outcome.session.get_absolute_url() in body
    record = case.negotiations.get()
    client.post(reverse("siting:unlink_negotiation", args=[record.pk]))
    assert not case.negotiations.filter(archived_at__isnull=True).exists()


def test_the_office_records_the_decision_on_the_page_and_the_case_closes(world, client_as):
    case = make_case(world)
    decide = reverse("siting:decide", args=[case.pk])
    data = {
        "side": world.tf.pk,
        "site": "",
        "decided_on": "2020-06-30",
        "rationale": "科学城急需，两江已有多个类似平台",
    }
    tf_coord = client_as("tf-coord")
    with unchanged(SitingCase, SitingBid):
        assert tf_coord.post(decide, data).status_code == 404
    client = client_as("office")
    assert 'id="decide-form"' in client.get(page_of(case)).content.decode()
    response = client.post(decide, data, follow=True)
    case.refresh_from_db()
    assert (case.status, case.decided_side, case.decided_site, case.decided_on) == (
        CaseStatus.DECIDED,
        world.tf,
        "成都科学城",
        dt.date(2020, 6, 30),
    )
    body = response.content.decode()
    assert 'id="decision"' in body
    assert 'id="decide-form"' not in body
    assert "data-bid-edit" not in body
    assert "data-bid-add" not in body
    assert 'id="negotiation-form"' not in body
    tf_bid = case.bids.get(side=world.tf)
    assert client.get(reverse("siting:sitingbid_edit", args=[tf_bid.pk])).status_code == 404


def test_a_decision_for_a_side_without_a_live_bid_is_refused_with_the_reason(world, client_as):
    case = make_case(world, bids=("TF",))
    client = client_as("office")
    response = client.post(
        reverse("siting:decide", args=[case.pk]),
        {"side": world.lj.pk, "decided_on": "2020-06-30", "rationale": "两江"},
        follow=True,
    )
    assert SitingCase.objects.get(pk=case.pk).status == CaseStatus.OPEN
    assert response.status_code == 200


def test_the_office_withdraws_a_case_with_a_reason(world, client_as):
    case = make_case(world)
    url = reverse("siting:withdraw", args=[case.pk])
    client = client_as("office")
    client.post(url, {"reason": ""})
    assert SitingCase.objects.get(pk=case.pk).status == CaseStatus.NEGOTIATING
    body = client.post(url, {"reason": "项目方另选他处"}, follow=True).content.decode()
    assert SitingCase.objects.get(pk=case.pk).status == CaseStatus.WITHDRAWN
    assert "项目方另选他处" in body


def test_the_export_lists_each_case_with_its_bids_and_decision(world, client_as):
    case = make_case(world, code="布局2020-01")
    office = world.users["office"]
    with acting(office):
        services.decide(case, user=office, side=world.tf, rationale="科学城急需", decided_on=dt.date(2020, 6, 30))
    response = client_as("leader").get(reverse("siting:sitingcase_export") + f"?partnership={world.partnership.pk}")
    assert response.status_code == 200
    [row] = rows_of(SitingCaseWorkbook(), response.content)
    assert (row["编号"], row["项目"], row["布局地点"]) == ("布局2020-01", "大数据平台布局", "成都科学城")
    assert "成都科学城" in row["各方候选地点"]
    assert "两江数字经济产业园" in row["各方候选地点"]


def test_the_dashboard_shows_the_cases_under_negotiation(world, client_as):
    make_case(world)
    body = client_as("lj-unit").get(reverse("dashboard", args=[world.partnership.pk])).content.decode()
    assert "大数据平台布局" in body

"""A write saves only what it changed (issue 9): a step of a siting case run with a copy loaded earlier
keeps the edit someone else had acknowledged; the case's search words follow its bids without a version."""

import datetime as dt

import pytest

from twincity.audit.context import acting
from twincity.registers import services as registers
from twincity.siting import services
from twincity.siting.models import SitingBid, SitingCase
from twincity.siting.tests.helpers import make_case, meeting_decision

pytestmark = pytest.mark.django_db


def edit_meanwhile(case, user, note):
    fresh = SitingCase.objects.get(pk=case.pk)
    return services.update_siting_case(fresh, user=user, version=fresh.version, note=note).version


STEPS = ["bid", "edit_bid", "withdraw_bid", "negotiation", "decide", "withdraw", "follow_up", "archive"]


@pytest.mark.parametrize("step", STEPS)
def test_a_case_edit_acknowledged_while_a_step_held_an_old_copy_is_kept(world, step):
    office = world.users["office"]
    case = make_case(world, bids=("TF",) if step == "bid" else ("TF", "LJ"))
    decision = meeting_decision(world) if step == "negotiation" else None
    with acting(office):
        stale = SitingCase.objects.get(pk=case.pk)
        stale_bid = SitingBid.objects.select_related("case").get(case=case, side=world.tf)
        acknowledged = edit_meanwhile(case, office, "已确认的备注")
        if step == "bid":
            services.submit_bid(stale, user=office, side=world.lj, candidate_site="两江数字经济产业园")
        elif step == "edit_bid":
            services.update_bid(stale_bid, user=office, version=stale_bid.version, policy_offer="租金全免")
        elif step == "withdraw_bid":
            services.withdraw_bid(stale_bid, user=office, reason="对方更需要")
        elif step == "negotiation":
            services.link_negotiation(stale, decision, user=office)
        elif step == "decide":
            services.decide(
                stale, user=office, side=world.tf, rationale="科学城算力缺口大", decided_on=dt.date(2020, 7, 1)
            )
        elif step == "withdraw":
            services.withdraw_case(stale, user=office, reason="投资方撤回")
        elif step == "follow_up":
            registers.follow_up(stale, user=office, title="推进大数据平台建设", year=2020)
        elif step == "archive":
            registers.archive_entry(stale, user=office)
    now = SitingCase.objects.get(pk=case.pk)
    assert now.note == "已确认的备注"
    assert now.version >= acknowledged
    assert "备注" in now.search_document  # the search words carry the acknowledged edit


def test_a_bid_edit_refreshes_the_cases_search_words_and_change_stamp_but_not_its_version(world):
    office = world.users["office"]
    case = make_case(world)
    editor_copy = SitingCase.objects.get(pk=case.pk)
    bid = SitingBid.objects.get(case=case, side=world.lj)
    with acting(office):
        services.update_bid(bid, user=office, version=bid.version, policy_offer="提供人才公寓")
    now = SitingCase.objects.get(pk=case.pk)
    assert "公寓" in now.search_document
    assert now.version == editor_copy.version
    assert now.last_updated > editor_copy.last_updated
    services.update_siting_case(editor_copy, user=office, version=editor_copy.version, note="补充")
    assert "公寓" in SitingCase.objects.get(pk=case.pk).search_document

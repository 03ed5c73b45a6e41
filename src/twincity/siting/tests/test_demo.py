import datetime as dt

import pytest

from twincity.registers.services import links_of
from twincity.siting import demo
from twincity.siting.choices import CaseStatus
from twincity.siting.models import SitingCase
from twincity.siting.tests.helpers import meeting_decision
from twincity.testing import demo_loader, make_matter

pytestmark = pytest.mark.django_db


def fake_loader(w):
    """What the product's demo loader offers an app, built from the test world (the real one takes 11 s)."""
    return demo_loader(
        w,
        {"tf-science-city": w.tf_dept, "lj-tech": w.lj_dept, "tf-invest": w.tf_dept2, "lj-invest": w.lj_dept2},
        today=dt.date(2024, 5, 1),
    )


def test_the_demo_holds_the_articles_supercomputing_case_decided_for_chengdu_science_city(world):
    demo.load(fake_loader(world))
    case = SitingCase.objects.get(title__contains="成都超级计算中心")
    assert case.status == CaseStatus.DECIDED
    assert case.decided_side == world.tf
    assert "成都科学城" in case.decided_site
    assert "两江新区已经有多个类似平台" in case.rationale
    assert case.bids.get(side=world.lj).is_withdrawn
    assert case.bids.get(side=world.tf).unit == world.tf_dept  # Chengdu Science City in the real demo
    assert not case.negotiations.exists()  # no meetings loaded: tolerated


def test_the_demo_has_an_illustrative_case_under_negotiation(world):
    demo.load(fake_loader(world))
    case = SitingCase.objects.get(status=CaseStatus.NEGOTIATING)
    assert "（示例）" in case.title
    assert case.bids.filter(withdrawn_on__isnull=True).count() == 2


def test_the_demo_links_meeting_decisions_and_follow_up_matters_when_they_exist(world):
    decision = meeting_decision(world, text="会议议定：产业协作与错位发展由双方对口部门共同推进（示例）。")
    matter = make_matter(world, title="成都超级计算中心落户成都科学城")
    demo.load(fake_loader(world))
    open_case = SitingCase.objects.get(status=CaseStatus.NEGOTIATING)
    assert [r.outcome for r in open_case.negotiations.all()] == [decision]
    decided = SitingCase.objects.get(status=CaseStatus.DECIDED)
    assert [link.matter for link in links_of(decided)] == [matter]

import datetime as dt

import pytest

from twincity.agreements import demo
from twincity.agreements.choices import AgreementStatus
from twincity.agreements.models import Agreement
from twincity.agreements.services import obligations_with_follow_up
from twincity.matters.models import Matter
from twincity.regions.models import Organisation
from twincity.testing import demo_loader, make_matter

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 10)
UNITS = ("police", "court", "procuratorate", "market", "hr", "govsvc", "education")


@pytest.fixture
def loader(world):
    units = {}
    for key in UNITS:
        units[f"tf-{key}"] = Organisation.objects.create(region=world.tf, name=f"天府新区{key}")
        units[f"lj-{key}"] = Organisation.objects.create(region=world.lj, name=f"两江新区{key}")
    return demo_loader(world, units, today=TODAY)


def test_the_demo_has_the_seven_agreements_the_article_names_between_counterpart_units(loader):
    demo.load(loader)
    agreements = Agreement.objects.filter(partnership=loader.partnership, renews__isnull=True)
    topics = set(agreements.values_list("topic", flat=True))
    assert topics == {"警务合作", "自贸区法院合作", "检察协作", "市场监管", "人力资源", "政务服务", "教育"}
    for agreement in agreements.filter(code__startswith="XY2020"):
        assert "示例" in agreement.note
        parties = list(agreement.parties.select_related("organisation"))
        assert len({p.organisation.name[4:] for p in parties}) == 1  # the counterpart units of one area
        assert {p.side_id for p in parties} == {loader.regions["TF"].pk, loader.regions["LJ"].pk}
        assert 1 <= agreement.obligations.count() <= 2
        assert all("示例" in o.text for o in agreement.obligations.all())


def test_the_demo_puts_expiry_on_the_dashboard_and_renewals_in_the_history(loader):
    demo.load(loader)
    mine = Agreement.objects.filter(partnership=loader.partnership)
    assert [a.topic for a in mine.expiring(TODAY, 90)] == ["市场监管"]
    assert [a.topic for a in mine.lapsed(TODAY)] == ["政务服务"]
    old_hr = mine.get(code="XY2020-05")
    assert old_hr.status == AgreementStatus.RENEWED
    assert old_hr.renewed_by.title.endswith("（续签）")
    assert mine.with_state(TODAY).get(code="XY2020-06").state == AgreementStatus.EXPIRED


def test_some_demo_obligations_are_this_years_matters_labelled_illustrative(world, loader):
    make_matter(world, title="强化警务合作", year=2020)  # the matters demo's 2020 matter, when it ran first
    demo.load(loader)
    followed = [
        o
        for a in Agreement.objects.filter(partnership=loader.partnership)
        for o in obligations_with_follow_up(a)
        if o.follow_ups
    ]
    assert len(followed) == 3
    for obligation in followed:
        [link] = obligation.follow_ups
        assert link.matter.year == TODAY.year
        assert link.matter.percent_complete == 20
        assert "示例数据" in link.matter.description
    police = Agreement.objects.get(topic="警务合作")
    assert [link.matter.title for link in police.matter_links.all()] == ["强化警务合作"]
    assert Matter.objects.filter(year=TODAY.year).count() == 3

import datetime as dt

import pytest

from twincity.matters.choices import MatterStatus
from twincity.regions.models import Organisation
from twincity.testing import demo_loader, make_matter
from twincity.visits import demo
from twincity.visits.choices import VisitLevel
from twincity.visits.models import Gap, Lesson, Visit
from twincity.visits.querysets import attach_follow_ups

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 6, 30)


def fake_loader(world):
    """What the real demo loader hands to ``load``, built cheaply from the test world."""
    units = {}
    for side, region in (("tf", world.tf), ("lj", world.lj)):
        for key in ("opening", "invest", "tech"):
            units[f"{side}-{key}"] = Organisation.objects.create(region=region, name=f"{region.short_name}{key}")
    return demo_loader(world, units, today=TODAY)


def test_the_demo_holds_the_visits_the_article_names(world):
    demo.load(fake_loader(world))
    visits = {v.start_date: v for v in Visit.objects.all()}
    assert set(visits) == {dt.date(2014, 10, 20), dt.date(2015, 5, 21), dt.date(2019, 7, 9), dt.date(2020, 4, 23)}
    chongqing = visits[dt.date(2019, 7, 9)]
    assert (chongqing.visiting_region, chongqing.host_region) == (world.lj, world.tf)
    assert chongqing.end_date == dt.date(2019, 7, 10)
    assert chongqing.level == VisitLevel.PARTY_GOVERNMENT
    assert "《关于加强两省市合作共筑成渝城市群工作备忘录》" in visits[dt.date(2015, 5, 21)].title
    tianfu = visits[dt.date(2020, 4, 23)]
    assert (tianfu.visiting_region, tianfu.host_region) == (world.tf, world.lj)
    assert "（示例）" in visits[dt.date(2014, 10, 20)].note


def test_the_demo_lists_the_ten_lessons_word_for_word_and_the_four_areas(world):
    demo.load(fake_loader(world))
    ten = Lesson.objects.filter(side=world.lj).order_by("number")
    assert [(lesson.number, lesson.title) for lesson in ten][:2] == [
        (1, "坚持顶层设计战略谋划"),
        (2, "坚持抢抓机遇借势借力"),
    ]
    assert [lesson.title for lesson in ten][-1] == "坚持文化内涵软硬结合"
    assert ten.count() == 10
    assert all(lesson.visit.start_date == dt.date(2019, 7, 9) for lesson in ten)
    four = Lesson.objects.filter(side=world.tf).order_by("number")
    assert four.count() == 4
    assert all(lesson.visit.start_date == dt.date(2020, 4, 23) for lesson in four)
    assert "双创示范基地" in four[3].text
    gaps = Gap.objects.filter(side=world.lj).order_by("number")
    assert [gap.title for gap in gaps] == [
        "抢抓机遇方面的差距",
        "产业能级方面的差距",
        "城市品牌方面的差距",
        "人才体制方面的差距",
    ]


def test_the_demo_turns_three_lessons_into_matters_whose_state_shows(world):
    demo.load(fake_loader(world))
    lessons = attach_follow_ups(Lesson.objects.followed_up())
    assert len(lessons) == 3
    followed = [m for lesson in lessons for m in lesson.follow_up.matters]
    assert sorted((m.year, m.status) for m in followed) == [
        (2020, MatterStatus.COMPLETED),
        (2020, MatterStatus.COMPLETED),
        (TODAY.year, MatterStatus.IN_PROGRESS),
    ]
    assert all({o.side_id for o in m.owners.all()} == {world.tf.pk, world.lj.pk} for m in followed)
    assert all("示例数据" in m.description for m in followed)
    assert all(side.responsible_leader.endswith("负责同志") for m in followed for side in m.sides.all())


def test_the_demo_links_a_matter_of_the_list_that_serves_a_lesson(world):
    brand = make_matter(world, title="讲好新区故事，联合开展城市品牌推介")
    demo.load(fake_loader(world))
    lesson = Lesson.objects.get(title="坚持讲好故事保持热度")
    [link] = attach_follow_ups([lesson])[0].follow_up.links
    assert link.matter == brand
    assert link.relation == "serves"

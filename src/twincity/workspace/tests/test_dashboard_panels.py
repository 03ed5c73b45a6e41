"""The registers' dashboard panels read faster on a miss (issue 12) and say the same: the lessons and gaps without a
follow-up counted in one query each, the joint requests awaiting an endorsement found without a DISTINCT join."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from twincity.audit.context import acting
from twincity.petitions import services as petition_services
from twincity.petitions import sources as petition_sources
from twincity.petitions.choices import PetitionStatus
from twincity.petitions.models import Petition, PetitionSide
from twincity.registers import services as registers
from twincity.testing import build_world
from twincity.visits import sources as visit_sources
from twincity.visits.models import Gap, Lesson
from twincity.visits.tests.test_services import follow_up, record, record_visit

pytestmark = pytest.mark.django_db


def test_lessons_and_gaps_without_follow_up_are_counted_as_the_list_filter_counts_them(world):
    """One entry followed up twice, one whose only link was undone, one archived, one of another partnership: the
    panel's counts agree with ``followed_up`` (the list's filter) for lessons and for gaps."""
    office = world.users["office"]
    other = build_world(code_prefix="X")
    visit = record_visit(world)
    for model in (Lesson, Gap):
        twice = record(model, world, visit, title="两次跟进")
        matter = follow_up(world, twice)
        follow_up(world, twice, title="再次跟进")
        undone = record(model, world, visit, title="撤销跟进")
        with acting(office):
            link = registers.link_matter(undone, matter, user=office)
            registers.unlink_matter(link, user=office)
            registers.archive_entry(record(model, world, visit, title="已归档"), user=office)
        record(model, world, visit, title="尚未跟进")
        record(model, other, record_visit(other), title="别处的")
        entries = model.objects.filter(partnership=world.partnership, archived_at__isnull=True)
        assert (entries.followed_up(False).count(), entries.count()) == (2, 3)
    texts = [item.text for item in visit_sources.panel_items(world.partnership, timezone.localdate())]
    assert "3条经验借鉴中有2条尚未转化为事项" in texts
    assert [text for text in texts if text.startswith("3条") and "2条" in text] == texts[-2:]  # the gaps' too


def make_petition(w, title: str, year: int):
    office = w.users["office"]
    with acting(office):
        return petition_services.create_petition(
            partnership=w.partnership,
            user=office,
            title=title,
            year=year,
            target_authority="国家发展改革委",
            text="文本",
        )


def test_requests_awaiting_endorsement_are_listed_once_in_the_order_the_join_gave(world):
    """Drafting requests with no endorsement (two halves waiting) or one, across years, one archived and one fully
    endorsed: the panel lists the first five as the old DISTINCT join over the halves did, each once."""
    office = world.users["office"]
    petitions = [make_petition(world, f"联合请示{i}", 2020 + i % 3) for i in range(8)]
    for petition in petitions[::3]:
        petition_services.endorse(petition, user=world.users["tf-coord"], side=world.tf)
    petition_services.endorse(petitions[3], user=world.users["lj-coord"], side=world.lj)
    with acting(office):
        registers.archive_entry(petitions[4], user=office)
    joined = (
        Petition.objects.filter(
            partnership=world.partnership,
            archived_at__isnull=True,
            status=PetitionStatus.DRAFTING,
            sides__endorsed_text__isnull=True,
        )
        .distinct()
        .order_by("-year", "code")[:5]
    )
    items = petition_sources.panel_items(world.partnership, dt.date(2020, 7, 1))
    waiting = [item for item in items if item.badge == _("awaiting endorsement")]
    assert [item.text for item in waiting] == [p.title for p in joined]
    assert len(waiting) == 5
    assert len({item.url for item in waiting}) == 5
    assert petitions[3].title not in [item.text for item in waiting]  # endorsed by both: no longer drafting
    half_done = PetitionSide.objects.filter(petition=OuterRef("pk"), endorsed_text__isnull=False)
    assert Petition.objects.filter(Exists(half_done), title__in=[i.text for i in waiting]).exists()

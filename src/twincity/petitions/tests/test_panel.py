"""The dashboard panel of joint requests: the same lines as when it read whole requests (the drafting ones awaiting an
endorsement, then those awaiting the answer), in both languages, in two queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import translation
from django.utils.translation import gettext as _

from twincity.audit.context import acting
from twincity.petitions import services
from twincity.petitions.choices import PetitionStatus
from twincity.petitions.models import Petition
from twincity.petitions.sources import panel_items
from twincity.registers import registry
from twincity.registers import services as registers
from twincity.testing import build_world

pytestmark = pytest.mark.django_db

TODAY = dt.date(2021, 3, 1)


def reference(partnership, today) -> list[registry.PanelItem]:
    """The panel as it read whole requests before (the verdict the lean one must keep)."""
    waiting = Petition.objects.filter(partnership=partnership, archived_at__isnull=True)
    drafting = waiting.filter(status=PetitionStatus.DRAFTING)
    unendorsed = drafting.filter(sides__endorsed_text__isnull=True).values("pk")
    items = [
        registry.PanelItem(p.title, p.get_absolute_url(), badge=_("awaiting endorsement"), tone="warning")
        for p in drafting.filter(pk__in=unendorsed).order_by("-year", "code")[:5]
    ]
    pending = waiting.filter(status__in=(PetitionStatus.SUBMITTED, PetitionStatus.UNDER_CONSIDERATION))
    items.extend(
        registry.PanelItem(p.title, p.get_absolute_url(), date=p.submitted_on, badge=_("awaiting the answer"))
        for p in pending.order_by("submitted_on")[:5]
    )
    return items


def make(w, title: str, year: int = 2021, **state) -> Petition:
    office = w.users["office"]
    with acting(office):
        petition = services.create_petition(
            partnership=w.partnership,
            user=office,
            title=title,
            year=year,
            target_authority="国家发展改革委",
            text="文本",
        )
    if state:  # the state a request reaches through its steps, set directly: the panel only reads it
        Petition.objects.filter(pk=petition.pk).update(**state)
    return petition


@pytest.fixture
def scene(world):
    office = world.users["office"]
    drafting = [make(world, f"起草中{i}", year=2019 + i % 3) for i in range(7)]
    services.endorse(drafting[0], user=world.users["tf-coord"], side=world.tf)  # half endorsed: still waiting
    both = make(world, "双方均已会签")
    services.endorse(both, user=world.users["tf-coord"], side=world.tf)
    services.endorse(both, user=world.users["lj-coord"], side=world.lj)
    submitted = [
        make(world, f"已报送{i}", status=PetitionStatus.SUBMITTED, submitted_on=dt.date(2020, 12 - i, 1))
        for i in range(5)
    ]
    considering = make(world, "审议中", status=PetitionStatus.UNDER_CONSIDERATION, submitted_on=dt.date(2020, 1, 15))
    make(world, "已批复", status=PetitionStatus.GRANTED, submitted_on=dt.date(2019, 1, 1))
    with acting(office):
        registers.archive_entry(drafting[6], user=office)
        registers.archive_entry(submitted[4], user=office)
    other = build_world(code_prefix="X")
    make(other, "别处的起草中", year=2030)
    make(other, "别处的已报送", status=PetitionStatus.SUBMITTED, submitted_on=dt.date(2000, 1, 1))
    return {"drafting": drafting, "both": both, "submitted": submitted, "considering": considering}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_panel_lists_what_it_listed_reading_whole_requests(world, scene, language):
    with translation.override(language):
        items = panel_items(world.partnership, TODAY)
        assert items == reference(world.partnership, TODAY)
    waiting = [i.text for i in items if i.tone == "warning"]
    assert len(waiting) == 5  # the limit: six live requests await an endorsement
    assert "双方均已会签" not in waiting  # endorsed by both: no longer drafting
    assert scene["drafting"][6].title not in waiting  # archived
    years = [Petition.objects.get(title=t).year for t in waiting]
    assert years == sorted(years, reverse=True)
    answered = [(i.text, i.date) for i in items if i.tone == "secondary"]
    assert answered == [
        ("审议中", dt.date(2020, 1, 15)),
        ("已报送3", dt.date(2020, 9, 1)),
        ("已报送2", dt.date(2020, 10, 1)),
        ("已报送1", dt.date(2020, 11, 1)),
        ("已报送0", dt.date(2020, 12, 1)),
    ]  # earliest first; the archived one, the granted one and the other partnership's left out
    assert items[0].url == Petition.objects.get(title=items[0].text).get_absolute_url()
    with translation.override(language):
        assert {i.badge for i in items} == {_("awaiting endorsement"), _("awaiting the answer")}


def test_the_panel_takes_two_reads_in_one_round_trip_on_postgresql(world, scene, django_assert_num_queries):
    panel_items(world.partnership, TODAY)
    # awaiting an endorsement; awaiting the answer: read together (registry.panel_queries)
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 2):
        panel_items(world.partnership, TODAY)

"""Year end in bulk: the office previews which open matters move into the coming year's list (and which are refused,
and why), then applies it, all or nothing."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from twincity.matters import services
from twincity.matters.models import Matter
from twincity.testing import make_matter

pytestmark = pytest.mark.django_db


def test_the_coming_year_is_next_year_from_october_and_this_year_before():
    assert services.coming_year(dt.date(2026, 10, 1)) == 2027
    assert services.coming_year(dt.date(2026, 12, 31)) == 2027
    assert services.coming_year(dt.date(2027, 2, 1)) == 2027
    assert services.coming_year(dt.date(2027, 9, 30)) == 2027


def test_one_matter_rolls_by_default_into_the_coming_year(world, client_as):
    matter = make_matter(world, year=2020)
    form = client_as("office").get(reverse("matters:roll_over", args=[matter.pk])).context["form"]
    assert form.initial["to_year"] == services.default_roll_over_year(matter)
    assert form.initial["to_year"] == max(services.coming_year(), 2021)


def test_the_office_previews_then_applies_a_bulk_roll_over(world, client_as):
    office = world.users["office"]
    first = make_matter(world, year=2020, title="第一项")
    second = make_matter(world, year=2020, title="第二项")
    kept = make_matter(world, year=2020, title="留在本年")
    done = make_matter(world, year=2020, title="已完成")
    Matter.objects.filter(pk=done.pk).update(status="completed")
    client = client_as("office")
    url = reverse("matters:bulk_roll_over") + f"?partnership={world.partnership.pk}&year=2020"
    page = client.get(url)
    assert [m.pk for m in page.context["open_matters"]] == [
        first.pk,
        second.pk,
        kept.pk,
    ]  # the completed one is not offered
    body = page.content.decode()
    assert body.count('name="pk"') == 3
    assert body.count(" checked") >= 3

    data = {"partnership": world.partnership.pk, "year": 2020, "to_year": 2021, "reason": "年底结转"}
    # The office unticks one and previews: nothing moves yet.
    preview = client.post(url, {**data, "step": "preview", "pk": [first.pk, second.pk, done.pk]})
    lines = preview.context["lines"]
    assert [(line.matter.pk, line.code) for line in lines if line.moves] == [
        (first.pk, "2021-01"),
        (second.pk, "2021-02"),
    ]
    assert Matter.objects.get(pk=first.pk).year == 2020
    assert 'id="roll-over-apply"' in preview.content.decode()

    moving = [line.matter.pk for line in lines if line.moves]
    applied = client.post(url, {**data, "step": "apply", "pk": [first.pk, second.pk], "moving": moving})
    assert applied.status_code == 302
    assert applied["Location"].endswith("&year=2021")
    assert {m.pk: (m.year, m.code) for m in Matter.objects.filter(pk__in=[first.pk, second.pk, kept.pk])} == {
        first.pk: (2021, "2021-01"),
        second.pk: (2021, "2021-02"),
        kept.pk: (2020, kept.code),
    }
    assert office  # the roll-overs are the office's, with the reason in each matter's trail


def test_nothing_moves_when_the_matters_changed_since_the_preview(world):
    office = world.users["office"]
    first = make_matter(world, year=2020, title="第一项")
    second = make_matter(world, year=2020, title="第二项")
    lines = services.plan_roll_over([first, second], to_year=2021, user=office)
    Matter.objects.filter(pk=second.pk).update(status="completed")  # someone completed it meanwhile
    with pytest.raises(ValidationError, match=_("The matters changed since the preview: preview again.")):
        services.roll_over_matters(
            [first, second], to_year=2021, user=office, reason="年底结转", expected={line.matter.pk for line in lines}
        )
    assert Matter.objects.get(pk=first.pk).year == 2020


def test_a_refused_matter_says_why(world):
    matter = make_matter(world, year=2021)
    (line,) = services.plan_roll_over([matter], to_year=2021, user=world.users["office"])
    assert not line.moves
    assert "2021" in line.refused
    (line,) = services.plan_roll_over([matter], to_year=2022, user=world.users["leader"])
    assert not line.moves

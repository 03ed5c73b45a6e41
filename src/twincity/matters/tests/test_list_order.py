"""The matter list opens on the current year (the latest list), by code; all years newest first."""

import pytest
from django.urls import reverse

from twincity.testing import make_matter

pytestmark = pytest.mark.django_db


def titles(response):
    return [m.title for m in response.context["table"].page.object_list.data]


def test_the_list_opens_on_the_latest_year_by_code_and_all_years_newest_first(client_as, world):
    make_matter(world, year=2024, title="旧年事项")
    first = make_matter(world, year=2025, title="今年第一项")
    second = make_matter(world, year=2025, title="今年第二项")
    assert first.code < second.code
    client = client_as("office")
    url = reverse("matters:list") + f"?partnership={world.partnership.pk}"

    opened = client.get(url)
    assert titles(opened) == ["今年第一项", "今年第二项"]
    assert 'name="year" value="2025"' in opened.content.decode()

    every_year = client.get(url + "&year=")
    assert titles(every_year) == ["今年第一项", "今年第二项", "旧年事项"]
    # A search looks through every year (a filter given is taken as asked).
    assert titles(client.get(url + "&q=旧年")) == ["旧年事项"]

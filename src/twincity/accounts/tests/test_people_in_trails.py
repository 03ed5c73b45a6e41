"""Trails and histories name people by their name, not by the name they sign in with."""

import datetime as dt

import pytest
from django.urls import reverse

from twincity.accounts.people import display_name
from twincity.matters import services as matter_services
from twincity.meetings.tests.helpers import add_session, make_series, publish
from twincity.supervision.services import case_of
from twincity.testing import make_matter

pytestmark = pytest.mark.django_db


@pytest.fixture
def named_office(world):
    office = world.users["office"]
    office.last_name, office.first_name = "王", "主任"
    office.save()
    return office


def test_display_name_is_the_full_name_else_the_login(world, named_office):
    assert display_name(named_office) == named_office.get_full_name()
    assert display_name(world.users["tf-coord"]) == "tf-coord"
    assert display_name(None) == ""


def test_the_published_agenda_names_who_published_it(world, client_as, named_office):
    session = publish(world, add_session(world, make_series(world), dt.date(2020, 9, 1)))
    body = client_as("tf-coord").get(reverse("meetings:session", args=[session.pk])).content.decode()
    assert f"已由{named_office.get_full_name()}于" in body
    assert "已由office于" not in body


def test_a_matter_and_its_case_name_people_in_their_trails(world, client_as, named_office):
    matter = make_matter(world)
    matter_services.update_matter(matter, user=named_office, version=matter.version, title="改过的标题")
    client = client_as("auditor")
    body = client.get(reverse("matters:history", args=[matter.pk])).content.decode()  # the matter page's history tab
    name = named_office.get_full_name()
    assert name in body
    assert "· office" not in body
    case = case_of(matter)
    assert case is not None
    trail = client.get(case.get_absolute_url()).content.decode().split('id="case-trail"')[1].split("</ol>")[0]
    assert name in trail
    assert "office" not in trail

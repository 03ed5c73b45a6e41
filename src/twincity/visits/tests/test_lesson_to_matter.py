"""A matter made from a lesson is titled with the lesson itself (not "1. …") and filed in a field."""

import pytest
from django.urls import reverse

from twincity.matters.models import Matter
from twincity.regions.models import Field
from twincity.visits.models import Lesson
from twincity.visits.tests.test_services import record, record_visit

pytestmark = pytest.mark.django_db


def test_the_matter_from_a_numbered_lesson_has_its_title_and_its_visits_field(world, client_as):
    lesson = record(Lesson, world, record_visit(world, field=world.field))
    assert lesson.number == 1
    assert str(lesson).startswith("1. ")
    url = reverse("registers:follow_up", args=["visits.lesson", lesson.pk])
    client = client_as("lj-coord")
    form = client.get(url).context["form"]
    assert form["title"].value() == "坚持顶层设计战略谋划"
    assert form["field"].value() == world.field.pk
    body = client.get(url).content.decode()
    assert 'value="1. ' not in body

    # Posted as offered, the matter has the lesson's title and the visit's field.
    data = {"title": form["title"].value(), "year": 2020, f"units_{world.lj.pk}": [world.lj_dept.pk]}
    assert client.post(url, {**data, "field": world.field.pk}).status_code == 302
    matter = Matter.objects.get()
    assert matter.title == "坚持顶层设计战略谋划"
    assert matter.field == world.field


def test_the_field_asked_in_the_form_wins_and_a_form_without_one_infers_it(world, client_as):
    other = Field.objects.filter(partnership=world.partnership).exclude(pk=world.field.pk).first()
    lesson = record(Lesson, world, record_visit(world, field=world.field))
    url = reverse("registers:follow_up", args=["visits.lesson", lesson.pk])
    client = client_as("lj-coord")
    data = {"title": "借鉴经验", "year": 2020, f"units_{world.lj.pk}": [world.lj_dept.pk]}
    assert client.post(url, data).status_code == 302  # an API-like post with no field: inferred
    assert Matter.objects.get(title="借鉴经验").field == world.field
    assert client.post(url, {**data, "title": "另一项", "field": other.pk}).status_code == 302
    assert Matter.objects.get(title="另一项").field == other

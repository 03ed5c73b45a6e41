"""``{% short_list items empty %}`` (matters/templatetags/short_list.py) against the template it replaced
(``matters/_matter_rows.html``), byte for byte: rows of values as the dashboard reads them and matters as my work and a
unit's page read them, every way the date shown is chosen (the next milestone before the due date, after it, none; no
due date), hostile texts, an empty list with and without its text, both languages; and a real dashboard."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from twincity.matters import services
from twincity.matters.models import Matter
from twincity.matters.tables import list_queryset
from twincity.testing import make_matter
from twincity.testkit import HOSTILE
from twincity.workspace.views import _rows

pytestmark = pytest.mark.django_db

# templates/matters/_matter_rows.html as it was.
OLD = """{% load i18n %}{# A compact list of matters: code, title, light, due. Expects `items` and `empty`. #}
<div class="list-group list-group-flush">
{% for m in items %}
  <a class="list-group-item list-group-item-action d-flex align-items-center gap-2" \
href="{% url 'matters:matter' m.pk %}">
    <span class="tc-light tc-light-{{ m.light }}" title="{{ m.get_status_display }}"></span>
    <span class="font-monospace small text-muted">{{ m.code }}</span>
    <span class="flex-grow-1 text-truncate">{{ m.title }}</span>
    <span class="small text-muted text-nowrap">\
{% if m.next_milestone_due and m.next_milestone_due < m.due_date %}\
{{ m.next_milestone_due|date:"Y-m-d" }}{% else %}{{ m.due_date|date:"Y-m-d"|default:"—" }}{% endif %}</span>
  </a>
{% empty %}
  <div class="list-group-item text-muted small py-3">{{ empty }}</div>
{% endfor %}
</div>
"""


def old(items, empty) -> str:
    return Template(OLD).render(Context({"items": items, "empty": empty}))


def new(items, empty) -> str:
    return Template("{% load short_list %}{% short_list items empty %}").render(
        Context({"items": items, "empty": empty})
    )


def row(pk, **values) -> dict:
    base = {
        "pk": pk,
        "code": "2026-01",
        "title": "共建内陆开放门户",
        "light": "red",
        "get_status_display": "实施中",
        "due_date": dt.date(2026, 5, 1),
        "next_milestone_due": dt.date(2026, 4, 1),
    }
    return {**base, **values}


ROWS = [
    row(1),
    row(2, next_milestone_due=dt.date(2026, 6, 1), light="green"),
    row(3, next_milestone_due=None, light="yellow"),
    row(4, due_date=None),
    row(5, due_date=None, next_milestone_due=None, light="grey"),
    row(6, code=HOSTILE, title=HOSTILE, get_status_display=HOSTILE, light=HOSTILE),
    row(7, next_milestone_due=dt.date(2026, 5, 1)),  # the same day: the due date shown
]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_rows_of_values_as_the_template_wrote_them(language):
    with translation.override(language):
        assert new(ROWS, "无") == old(ROWS, "无")
        assert new(ROWS[:1], "") == old(ROWS[:1], "")


@pytest.mark.parametrize("empty", ["没有逾期事项。", "", HOSTILE])
def test_an_empty_list_as_the_template_wrote_it(empty):
    assert new([], empty) == old([], empty)
    assert empty.replace("<", "&lt;")[:5] in new([], empty) or not empty


def test_an_empty_text_made_by_translate_as_is_shown_as_the_template_showed_it():
    source = '{% load i18n short_list %}{% translate "Nothing is overdue." as empty %}{% short_list items empty %}'
    before = '{% load i18n %}{% translate "Nothing is overdue." as empty %}' + "{% include t with items=items %}"
    for language in ("zh-hans", "en"):
        with translation.override(language):
            context = {"items": [], "t": Template(OLD)}
            assert Template(source).render(Context(context)) == Template(before).render(Context(context))


def test_matters_read_with_their_light_as_the_template_wrote_them(world):
    office = world.users["office"]
    year = timezone.localdate().year
    today = timezone.localdate()
    make_matter(world, year=year, title=HOSTILE, due_date=today + dt.timedelta(days=40))
    stepped = make_matter(world, year=year, title="节点在前", due_date=today + dt.timedelta(days=90))
    services.add_milestone(
        stepped, side_id=world.tf.pk, title="节点", due_date=today + dt.timedelta(days=5), user=office
    )
    make_matter(world, year=year, title="无截止", start_date=None, due_date=None)
    matters = list(list_queryset().filter(partnership=world.partnership).order_by("pk"))
    assert len(matters) == 3
    for language in ("zh-hans", "en"):
        with translation.override(language):
            assert new(matters, "无") == old(matters, "无")
            values = _rows(
                Matter.objects.with_light()
                .filter(pk__in=[m.pk for m in matters])
                .values("pk", "code", "title", "light", "status", "due_date", "next_milestone_due")
            )
            assert new(values, "无") == old(values, "无")


def test_the_dashboard_shows_its_lists_linked_to_each_matter(world, client_as):
    year = timezone.localdate().year
    late = make_matter(
        world,
        year=year,
        title="逾期事项",
        due_date=timezone.localdate() - dt.timedelta(days=3),
        start_date=timezone.localdate() - dt.timedelta(days=60),
    )
    body = client_as("office").get(reverse("dashboard", args=[world.partnership.pk])).content.decode()
    link = reverse("matters:matter", args=[late.pk])
    assert f'href="{link}"' in body
    assert "tc-light tc-light-red" in body

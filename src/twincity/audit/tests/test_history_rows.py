"""A page's change history (``includes/history.html``, its rows by ``{% history_rows %}`` in one pass) against the
template it replaced, byte for byte: filled, empty and hostile, creations, updates (references named, values longer
than shown, nothing before) and archivings, by a person, a removed account and the system, in both languages; and
on a real history read by ``history_of``."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.template import Context, Engine, Template
from django.template.loader import render_to_string
from django.utils import translation

from twincity.audit.choices import ChangeAction
from twincity.audit.context import acting
from twincity.audit.models import ObjectChange, history_of, with_names
from twincity.matters import services
from twincity.matters.models import Matter, Milestone
from twincity.regions.models import Field
from twincity.testing import make_matter
from twincity.testkit import HOSTILE

pytestmark = pytest.mark.django_db

# includes/history.html as it was, written by the template engine row by row.
TEMPLATE = """{% load i18n people %}{# The change history of one object and what belongs to it. Expects `history`. #}
<ul class="tc-timeline mb-0">
{% for c in history %}
  <li><div class="small text-muted">{{ c.time|date:"Y-m-d H:i" }} · {{ c|person|default:_("system") }} · \
{{ c.get_action_display }} · {{ c.changed_object_type.name }}</div>
    <div>{{ c.object_repr }}</div>
    {% if c.action == "update" %}<div class="small">{% for name, before, after in c.shown_diff %}<div>\
<span class="text-muted">{{ name }}</span>: <span class="tc-diff-old">{{ before|default_if_none:"∅"|truncatechars:80 }}\
</span> → <span class="tc-diff-new">{{ after|default_if_none:"∅"|truncatechars:80 }}</span></div>{% endfor %}</div>\
{% endif %}
  </li>
{% empty %}<li class="text-muted">{% translate "No changes recorded." %}</li>{% endfor %}
</ul>
"""


def by_template(history) -> str:
    return Template(TEMPLATE, engine=Engine.get_default()).render(Context({"history": history}))


def by_rows(history) -> str:
    return render_to_string("includes/history.html", {"history": history})


def made_up(world) -> list[ObjectChange]:
    matter = ContentType.objects.get_for_model(Matter)
    milestone = ContentType.objects.get_for_model(Milestone)
    named = get_user_model()(pk=901, username="named", first_name=HOSTILE, last_name="王")
    unnamed = get_user_model()(pk=902, username=f"login{HOSTILE}")
    when = dt.datetime(2026, 5, 4, 17, 30, 5, tzinfo=dt.UTC)  # the next day in Beijing
    before = {"title": HOSTILE * 3, "code": "A-1", "field_id": world.field.pk, "status": "ongoing", "version": 1}
    after = {"title": "新", "code": HOSTILE, "field_id": None, "status": "completed", "version": 2}
    before |= {"goal": None, "percent_complete": "10.0000", "due_date": "2026-01-01", "archived_at": None}
    after |= {"goal": "目标", "percent_complete": "33.3300", "due_date": None, "archived_at": "2026-05-04T02:30:00Z"}
    common = {"changed_object_type": matter, "changed_object_id": 5, "time": when}
    gone = ContentType(app_label="gone", model="gone")  # a kind of record whose model is no more
    return [
        ObjectChange(
            pk=1,
            user=named,
            action=ChangeAction.UPDATE,
            object_repr=HOSTILE,
            **common,
            prechange_data=before,
            postchange_data=after,
        ),
        ObjectChange(
            pk=2,
            user=unnamed,
            action=ChangeAction.CREATE,
            object_repr="事项",
            **common,
            postchange_data={"title": HOSTILE, "field_id": world.field.pk},
        ),
        ObjectChange(pk=3, user=None, user_name=HOSTILE, action=ChangeAction.ARCHIVE, object_repr="", **common),
        ObjectChange(
            pk=4,
            user=None,
            user_name="",
            action=ChangeAction.UPDATE,
            object_repr="里程碑",
            changed_object_type=milestone,
            changed_object_id=6,
            time=when,
            prechange_data={"title": "a"},
            postchange_data={"title": "b"},
        ),
        ObjectChange(pk=5, user=None, user_name="", action="", object_repr="", changed_object_type=gone, time=None),
    ]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_rows_write_what_the_template_wrote(world, language):
    with translation.override(language):
        history = with_names(made_up(world))
        ours, theirs = by_rows(history), by_template(history)
        assert "&lt;script&gt;" in ours
        assert "<script>" not in ours
        assert ours == theirs
        assert by_rows([]) == by_template([])


def changed_by_office(world, matter, **changes):
    """The office moves the matter to the field 创新 (and makes ``changes``): an update whose reference is named."""
    office = world.users["office"]
    matter.refresh_from_db()
    innovation = Field.objects.get(partnership=world.partnership, name="创新")
    with acting(office):
        services.update_matter(matter, user=office, version=matter.version, field=innovation, **changes)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_real_history_writes_what_the_template_wrote(world, language):
    matter = make_matter(world)
    changed_by_office(world, matter, title=HOSTILE)
    with translation.override(language):
        history = history_of(matter)
        assert {c.action for c in history} >= {ChangeAction.CREATE, ChangeAction.UPDATE}
        assert by_rows(history) == by_template(history)


def test_a_history_names_only_what_it_shows(world, django_assert_num_queries):
    """A creation's references are not named (the history shows no values for it): one query for the records and
    one for the names the updates point to, however many records were created."""
    matter = make_matter(world)
    with django_assert_num_queries(1):
        history_of(matter)
    changed_by_office(world, matter)
    with django_assert_num_queries(2):
        shown = history_of(matter)
    assert any(("领域", "开放", "创新") in c.shown_diff() for c in shown)

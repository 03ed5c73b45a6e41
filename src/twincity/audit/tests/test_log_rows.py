"""The audit log's rows (``ObjectChangeTable.lean_rows``, one f-string a row) against the rows they replace:
``LeanTable``'s general rendering byte for byte, and django-tables2's own cell by cell, in both languages, with
every field filled and empty and with hostile text."""

import datetime as dt
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils import translation

from twincity.audit.choices import ChangeAction
from twincity.audit.models import ObjectChange, with_names
from twincity.audit.tables import ObjectChangeTable
from twincity.matters.models import Matter
from twincity.testkit import HOSTILE, normalised_cells, rows_three_ways

pytestmark = pytest.mark.django_db


def changes(world) -> list[ObjectChange]:
    """Change records as the log reads them: every field filled (hostile where it is text, more changed fields than
    the row shows, a value longer than it shows), a person without a name, a deleted account, and every field
    empty."""
    matter = ContentType.objects.get_for_model(Matter)
    named = get_user_model()(pk=901, username="named", first_name=HOSTILE, last_name="王")
    unnamed = get_user_model()(pk=902, username=f"login{HOSTILE}")
    when = dt.datetime(2026, 5, 4, 17, 30, 5, tzinfo=dt.UTC)  # the next day in Beijing
    before = {"title": HOSTILE * 3, "code": "A-1", "field_id": world.field.pk, "status": "ongoing", "version": 1}
    after = {"title": "新", "code": HOSTILE, "field_id": None, "status": "completed", "version": 2}
    before |= {"goal": "目标", "description": "说明", "percent_complete": "10.0000", "due_date": "2026-01-01"}
    after |= {"goal": "新目标", "description": "", "percent_complete": "33.3300", "due_date": None}
    before |= {"start_date": "2025-01-01", "archived_at": None}
    after |= {"start_date": "2025-02-01", "archived_at": "2026-05-04T02:30:00Z"}
    filled = ObjectChange(
        pk=1,
        time=when,
        user=named,
        user_name="named",
        request_id=uuid.UUID("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"),
        action=ChangeAction.UPDATE,
        changed_object_type=matter,
        changed_object_id=5,
        object_repr=HOSTILE,
        prechange_data=before,
        postchange_data=after,
    )
    created = ObjectChange(
        pk=2,
        time=when,
        user=unnamed,
        user_name="login",
        action=ChangeAction.CREATE,
        changed_object_type=matter,
        changed_object_id=6,
        object_repr="事项",
        postchange_data={"title": "事项"},
    )
    gone = ObjectChange(
        pk=3,
        time=when,
        user=None,
        user_name=HOSTILE,
        action=ChangeAction.ARCHIVE,
        changed_object_type=matter,
        changed_object_id=6,
        object_repr="事项",
        prechange_data={"archived_at": None},
        postchange_data={"archived_at": None},
    )
    empty = ObjectChange(
        pk=4,
        time=when,
        user=None,
        user_name="",
        action="",
        changed_object_type=matter,
        changed_object_id=7,
        object_repr="",
    )
    return with_names([filled, created, gone, empty])


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_rows_are_the_general_ones_byte_for_byte_and_django_tables2s(world, language):
    with translation.override(language):
        lean, general, theirs = rows_three_ways(ObjectChangeTable(changes(world)))
        field = world.field.display_name
    assert lean == general
    assert normalised_cells(lean) == normalised_cells(theirs)
    assert lean.count("<tr ") == 4
    assert "<script>" not in lean
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;quoted&#x27;" in lean
    assert "2026-05-05 01:30:05" in lean  # in the office's time zone
    assert 'href="?request_id=0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0">0f1e2d3c</a>' in lean
    assert lean.count('<div class="small">') == 8 + 1  # eight of the filled record's changes, one of the new one's
    assert field in lean  # a reference by name


def test_another_set_of_columns_is_rendered_the_general_way(world):
    lean, general, theirs = rows_three_ways(ObjectChangeTable(changes(world), exclude=("request_id",)))
    assert lean == general
    assert normalised_cells(lean) == normalised_cells(theirs)


def test_no_rows_say_so():
    lean, general, _ = rows_three_ways(ObjectChangeTable([]))
    assert lean == general
    assert "colspan" in lean

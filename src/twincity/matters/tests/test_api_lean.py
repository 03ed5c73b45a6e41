"""The matter list's rows are built without serializers (``matters.api.matter_row``): the same JSON as
``MatterSerializer``, field for field, with every field filled and with every optional one empty."""

import datetime as dt
import json

import pytest
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from twincity.accounts.choices import Action
from twincity.audit.context import acting
from twincity.matters import services
from twincity.matters.api import MatterSerializer, matter_read_queryset, matter_row
from twincity.matters.models import Matter
from twincity.matters.services import OwnerSpec
from twincity.testing import make_matter

pytestmark = pytest.mark.django_db


def as_json(data) -> object:
    return json.loads(JSONRenderer().render(data))


@pytest.fixture
def matters(world):
    office = world.users["office"]
    full = make_matter(
        world,
        title='共建<内陆>开放门户 & "港"',
        goal="目标",
        description="说明",
        owners=[OwnerSpec(world.tf_dept), OwnerSpec(world.lj_dept, role="support")],
    )
    bare = make_matter(world, title="空白", field=None, start_date=None, due_date=None, owners=[])
    with acting(office):
        services.add_milestone(full, side_id=world.tf.pk, title="节点", due_date=dt.date(2020, 6, 1), user=office)
        services.file_progress(
            full, user=office, side_id=world.lj.pk, period="2020-06", text="进展", percent_complete=40
        )
    return full, bare


def records(user, **filters):
    return list(matter_read_queryset(Matter.objects.restrict(user, Action.VIEW)).filter(**filters).order_by("pk"))


def test_a_row_is_the_serializers_with_every_field_filled_and_empty(world, matters):
    rows = records(world.users["office"])
    full = next(m for m in rows if m.pk == matters[0].pk)
    # What no service sets on a running matter, set in memory: both sides read the same record.
    full.completion_requested_at = timezone.now()
    full.completed_on = dt.date(2020, 12, 1)
    full.archived_at = timezone.now() - dt.timedelta(days=1)
    assert {m.pk for m in rows} == {m.pk for m in matters}
    assert any(side.last_reported_on for side in full.api_sides)
    assert rows[1].field_id is None
    assert as_json([matter_row(m) for m in rows]) == as_json(MatterSerializer(rows, many=True).data)


def test_the_list_answers_what_the_serializer_wrote(api_as, world, matters):
    response = api_as("tf-unit").get("/api/matters/", {"limit": 50})
    assert response.status_code == 200
    expected = as_json(MatterSerializer(records(world.users["tf-unit"]), many=True).data)
    assert response.json()["results"] == sorted(expected, key=lambda m: (m["year"], m["code"], m["id"]))

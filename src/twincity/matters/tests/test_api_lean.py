"""The matter list's rows are built from plain values, without serializers or model instances
(``matters.api.matter_rows``): the same JSON as ``MatterSerializer``, field for field, with every field filled and
with every optional one empty."""

import datetime as dt
import json

import pytest
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from twincity.accounts.choices import Action
from twincity.audit.context import acting
from twincity.matters import services
from twincity.matters.api import MatterSerializer, matter_list_queryset, matter_read_queryset, matter_rows
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
    full, bare = matters
    # What no service sets on a running matter, written straight to the rows: both sides read the same record.
    Matter.objects.filter(pk=full.pk).update(
        completion_requested_at=timezone.now(),
        completed_on=dt.date(2020, 12, 1),
        archived_at=timezone.now() - dt.timedelta(days=1),
    )
    office = world.users["office"]
    rows = records(office)
    assert {m.pk for m in rows} == {full.pk, bare.pk}
    assert any(side.last_reported_on for side in rows[0].api_sides)
    assert len(rows[0].api_owners) == 2
    assert rows[0].completed_on is not None
    assert rows[1].field_id is None
    values = list(matter_list_queryset(Matter.objects.restrict(office, Action.VIEW)).order_by("pk"))
    assert as_json(matter_rows(values)) == as_json(MatterSerializer(rows, many=True).data)
    assert matter_rows([]) == []


def test_the_list_answers_what_the_serializer_wrote(api_as, world, matters):
    response = api_as("tf-unit").get("/api/matters/", {"limit": 50})
    assert response.status_code == 200
    expected = as_json(MatterSerializer(records(world.users["tf-unit"]), many=True).data)
    assert response.json()["results"] == sorted(expected, key=lambda m: (m["year"], m["code"], m["id"]))

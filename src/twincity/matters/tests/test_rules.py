"""A matter's rules live once, in the model and its services; the form, the API and the Excel import tell the
same refusal in the same words."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from twincity.accounts.choices import Action
from twincity.audit.context import acting
from twincity.audit.models import AuditEvent, ObjectChange
from twincity.matters import services
from twincity.matters.excel import apply_import, export_matters, layout, parse_import
from twincity.matters.models import Matter
from twincity.testing import make_matter

pytestmark = pytest.mark.django_db

DUE_BEFORE_START = "The due date is before the start date."
IN_CHINESE = "完成时限早于开始日期。"  # the API answers in the office's language


def test_update_matter_refuses_a_due_date_before_the_start_and_changes_nothing(world):
    matter = make_matter(world)  # 2020-01-01 to 2020-12-31
    office, version = world.users["office"], matter.version
    with pytest.raises(ValidationError) as refusal, acting(office):
        services.update_matter(matter, user=office, version=version, due_date=dt.date(2019, 12, 31))
    assert refusal.value.message_dict == {"due_date": [_(DUE_BEFORE_START)]}
    fresh = Matter.objects.get(pk=matter.pk)
    assert (fresh.due_date, fresh.version) == (dt.date(2020, 12, 31), version)
    with pytest.raises(ValidationError) as refusal, acting(office):
        services.update_matter(fresh, user=office, version=version, start_date=dt.date(2021, 1, 1))
    assert refusal.value.message_dict == {"due_date": [_(DUE_BEFORE_START)]}


def test_create_matter_refuses_a_due_date_before_the_start_and_writes_nothing(world):
    matters, records = Matter.objects.count(), ObjectChange.objects.count()
    with pytest.raises(ValidationError) as refusal:
        make_matter(world, start_date=dt.date(2020, 6, 1), due_date=dt.date(2020, 5, 31))
    assert refusal.value.message_dict == {"due_date": [_(DUE_BEFORE_START)]}
    assert (Matter.objects.count(), ObjectChange.objects.count()) == (matters, records)


def test_the_database_itself_refuses_a_due_date_before_the_start(world):
    matter = make_matter(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        Matter.objects.filter(pk=matter.pk).update(due_date=dt.date(2019, 1, 1))  # past the services, on purpose


def test_the_api_answers_400_with_the_models_message(api_as, world):
    matter = make_matter(world)
    client = api_as("office")
    response = client.patch(
        f"/api/matters/{matter.pk}/", {"due_date": "2019-12-31", "version": matter.version}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"due_date": [IN_CHINESE]}
    assert Matter.objects.get(pk=matter.pk).due_date == dt.date(2020, 12, 31)
    response = client.post(
        "/api/matters/",
        {
            "partnership": world.partnership.pk,
            "year": 2020,
            "title": "共建西部金融中心",
            "start_date": "2020-06-01",
            "due_date": "2020-05-01",
            "owners": [{"organisation": world.tf_dept.pk, "role": "lead"}],
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"due_date": [IN_CHINESE]}


def test_the_edit_form_shows_the_models_message_on_the_due_date(client_as, world):
    matter = make_matter(world)
    response = client_as("office").post(
        reverse("matters:edit", args=[matter.pk]),
        {
            "code": matter.code,
            "title": matter.title,
            "start_date": "2020-06-01",
            "due_date": "2020-01-01",
            "version": matter.version,
            f"lead_{world.tf.pk}": [world.tf_dept.pk],
            f"lead_{world.lj.pk}": [world.lj_dept.pk],
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["due_date"] == [_(DUE_BEFORE_START)]
    assert Matter.objects.get(pk=matter.pk).start_date == dt.date(2020, 1, 1)


def test_an_excel_row_moving_a_matters_due_date_before_its_start_is_refused_at_its_cell(world):
    make_matter(world)
    office = world.users["office"]
    columns = {c.key: i for i, c in enumerate(layout(world.partnership.sides()), 1)}
    wb = load_workbook(io.BytesIO(export_matters(Matter.objects.restrict(office, Action.VIEW), world.partnership)))
    wb.worksheets[0].cell(row=3, column=columns["due_date"]).value = dt.datetime(2019, 12, 31)  # noqa: DTZ001 - an Excel cell holds a naive datetime
    buffer = io.BytesIO()
    wb.save(buffer)

    buffer.seek(0)
    plan = parse_import(buffer, partnership=world.partnership, year=2020, user=office)

    assert [(p.row, p.column, p.message) for p in plan.errors] == [(3, "H 完成时限", _(DUE_BEFORE_START))]
    with pytest.raises(ValidationError):
        apply_import(plan, user=office)
    assert Matter.objects.get().due_date == dt.date(2020, 12, 31)


def test_create_matters_adds_many_in_one_go_numbered_and_recorded_like_one(world):
    office = world.users["office"]
    make_matter(world)  # 2020-01
    rows = [
        services.NewMatter(title="共建西部金融中心", owners=[services.OwnerSpec(world.tf_dept)]),
        services.NewMatter(title="共建产业转移承接平台", code="2020-07", owners=[services.OwnerSpec(world.lj_dept)]),
        services.NewMatter(
            title="推进政务服务“一网通办”",
            owners=[services.OwnerSpec(world.tf_dept), services.OwnerSpec(world.lj_dept2, "support")],
            leaders={world.lj.pk: "李主任"},
            values={"start_date": dt.date(2020, 2, 1), "due_date": dt.date(2020, 10, 1)},
        ),
    ]
    with acting(office):
        created = services.create_matters(rows, partnership=world.partnership, year=2020, user=office)

    assert [m.code for m in created] == ["2020-02", "2020-07", "2020-03"]
    third = Matter.objects.get(code="2020-03")
    assert dict(third.sides.values_list("region_id", "responsible_leader")) == {world.tf.pk: "", world.lj.pk: "李主任"}
    assert third.watch_from is not None
    assert "李主任" not in third.search_document
    assert AuditEvent.objects.filter(verb="matter.created", object_id__in=[m.pk for m in created]).count() == 3
    for matter in created:
        kinds = sorted(c.changed_object_type.model for c in ObjectChange.objects.for_object(matter))
        assert kinds.count("matter") == 1
        assert "listentry" in kinds
        assert "matterowner" in kinds


def test_create_matters_refuses_the_whole_batch_naming_the_row(world):
    office = world.users["office"]
    rows = [
        services.NewMatter(title="共建西部金融中心", owners=[services.OwnerSpec(world.tf_dept)]),
        services.NewMatter(
            title="共建产业转移承接平台",
            owners=[services.OwnerSpec(world.tf_dept)],
            values={"start_date": dt.date(2020, 6, 1), "due_date": dt.date(2020, 5, 1)},
        ),
    ]
    with pytest.raises(services.InvalidRow) as refusal, acting(office):
        services.create_matters(rows, partnership=world.partnership, year=2020, user=office)
    assert refusal.value.index == 1
    assert refusal.value.message_dict == {"due_date": [_(DUE_BEFORE_START)]}
    assert not Matter.objects.exists()

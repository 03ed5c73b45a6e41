"""The audit log as an auditor reads it: names for every reference, people by name, local times, labels in the
reader's language, no empty changes, every kind of record in the filter, and the filtered log in Excel."""

import datetime as dt
import io

import openpyxl
import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import translation

from twincity.agreements.models import Agreement
from twincity.audit.choices import ChangeAction
from twincity.audit.context import acting
from twincity.audit.models import ObjectChange
from twincity.matters import services
from twincity.matters.models import Matter
from twincity.regions.models import Field
from twincity.testing import make_matter

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(world):
    """A matter whose field moved, then archived by the office (a person with a name) with its confirmer named."""
    office = world.users["office"]
    office.first_name, office.last_name = "晓", "王"
    office.save()
    matter = make_matter(world)
    with acting(office):
        services.update_matter(
            matter,
            user=office,
            version=matter.version,
            field=Field.objects.get(partnership=world.partnership, name="创新"),
        )
    ObjectChange.objects.create(
        user=office,
        user_name="office",
        action=ChangeAction.UPDATE,
        changed_object_type=ContentType.objects.get_for_model(Matter),
        changed_object_id=matter.pk,
        object_repr=str(matter),
        partnership=world.partnership,
        prechange_data={"confirmed_by_id": None, "archived_at": None, "version": 3},
        postchange_data={"confirmed_by_id": office.pk, "archived_at": "2026-05-04T02:30:00Z", "version": 4},
    )
    return matter


def test_the_log_names_people_and_records_in_local_time(client_as, world, record):
    page = client_as("auditor").get(reverse("audit:log")).content.decode()
    assert "开放" in page
    assert "创新" in page  # the field by name, not its id
    assert "王晓" in page or "晓 王" in page  # the confirmer and the author by their name
    assert "2026-05-04 10:30" in page  # 02:30 UTC is 10:30 in Beijing
    assert "None" not in page
    assert "2026-05-04T02:30" not in page


def test_the_log_in_english_speaks_english(client_as, world, record):
    page = client_as("auditor").get(reverse("audit:log"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Field" in page or "field" in page
    assert "Version" not in page


def test_a_change_of_derived_values_only_shows_them_rather_than_nothing(client_as, world):
    matter = make_matter(world)
    matter.refresh_from_db()
    matter.next_milestone_due = dt.date(2031, 7, 9)  # derived: recomputed, never typed, but recorded
    matter.save()
    change = ObjectChange.objects.filter(changed_object_id=matter.pk).latest("pk")
    assert change.readable_diff() == []
    page = client_as("auditor").get(reverse("audit:log")).content.decode()
    assert "2031-07-09" in page


def test_the_kind_filter_offers_every_kind_of_record_the_trail_keeps(client_as, world):
    response = client_as("auditor").get(reverse("audit:log"))
    choices = dict(response.context["filterset"].form.fields["changed_object_type"].choices)
    agreement_type = ContentType.objects.get_for_model(Agreement)
    assert agreement_type.pk in choices
    assert choices[agreement_type.pk] == "合作协议"


def test_the_filtered_log_exports_as_people_read_it(client_as, world, record):
    url = reverse("audit:export") + f"?changed_object_type={ContentType.objects.get_for_model(Matter).pk}"
    response = client_as("auditor").get(url)
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("时间", "用户", "操作")
    assert any(row[5] == "领域" and row[6] == "开放" and row[7] == "创新" for row in rows[1:])
    with translation.override("zh-hans"):
        assert {row[3] for row in rows[1:]} == {str(Matter._meta.verbose_name)}
    assert dt.datetime.strptime(rows[1][0] + " +0800", "%Y-%m-%d %H:%M:%S %z")  # local time, as on the page


@pytest.mark.parametrize("persona", ["tf-unit", "lj-coord", "leader", "outsider"])
def test_only_auditors_and_the_office_read_or_export_the_log(client_as, world, record, persona):
    client = client_as(persona)
    assert client.get(reverse("audit:log")).status_code == 404
    assert client.get(reverse("audit:export")).status_code == 404

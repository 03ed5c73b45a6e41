import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from twincity.accounts.models import Membership
from twincity.audit.models import AuditEvent
from twincity.matters.models import Matter
from twincity.regions.models import Field, Organisation
from twincity.testing import build_world, make_matter

pytestmark = pytest.mark.django_db


def test_the_office_adds_a_field_and_archives_it(client_as, world):
    client = client_as("office")
    url = reverse("regions:settings", args=[world.partnership.pk])
    assert client.post(url, {"form": "field", "name": "生态", "name_en": "Ecology"}).status_code == 302
    field = Field.objects.get(partnership=world.partnership, name="生态")
    client.post(url, {"form": "field_archive", "field": field.pk})
    field.refresh_from_db()
    assert field.archived_at is not None


def test_changing_the_thresholds_changes_every_light_at_once(client_as, world):
    today = timezone.localdate()
    matter = make_matter(world, start_date=today - dt.timedelta(days=10), due_date=today + dt.timedelta(days=20))
    assert Matter.objects.with_light(today).get(pk=matter.pk).light == "yellow"  # due within 14 days? no: 20 → lag
    client = client_as("office")
    url = reverse("regions:settings", args=[world.partnership.pk])
    world.partnership.refresh_from_db()
    response = client.post(
        url, {"form": "thresholds", "version": world.partnership.version, "near_days": 5, "lag_margin": 100}
    )
    assert response.status_code == 302
    assert Matter.objects.with_light(today).get(pk=matter.pk).light == "green"
    assert AuditEvent.objects.filter(verb="partnership.thresholds_changed").exists()


def test_the_office_enrols_a_new_unit_contact_and_ends_the_role(client_as, world):
    client = client_as("office")
    url = reverse("regions:settings", args=[world.partnership.pk])
    response = client.post(
        url,
        {
            "form": "member",
            "username": "tf-edu",
            "full_name": "王 老师",
            "role": "unit_contact",
            "organisation": world.tf_dept2.pk,
        },
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(username="tf-edu")
    membership = Membership.objects.get(user=user)
    assert membership.region_id == world.tf.pk  # the unit's side
    client.post(url, {"form": "revoke", "membership": membership.pk})
    membership.refresh_from_db()
    assert membership.archived_at is not None
    client.force_login(user)
    assert client.get(reverse("dashboard", args=[world.partnership.pk])).status_code == 404


def test_a_coordinator_adds_a_unit_on_its_own_side_only(client_as, world):
    client = client_as("lj-coord")
    url = reverse("regions:organisation_add", args=[world.partnership.pk])
    response = client.post(url, {"region": world.lj.pk, "name": "两江新区商务局", "kind": "department"})
    assert response.status_code == 302
    response = client.post(url, {"region": world.tf.pk, "name": "天府新区商务局", "kind": "department"})
    assert response.status_code == 200
    assert not Organisation.objects.filter(name="天府新区商务局").exists()


def test_a_coordinator_cannot_open_the_office_settings(client_as, world):
    client = client_as("tf-coord")
    assert client.get(reverse("regions:settings", args=[world.partnership.pk])).status_code == 404
    response = client.post(reverse("regions:settings", args=[world.partnership.pk]), {"form": "field", "name": "x"})
    assert response.status_code == 404
    assert not Field.objects.filter(name="x").exists()


def test_a_coordinator_is_given_a_side_and_a_contact_a_unit_or_no_one_is_enrolled(client_as, world):
    client = client_as("office")
    url = reverse("regions:settings", args=[world.partnership.pk])
    for role, field, message in (
        ("region_coordinator", "region", "地区协调员须指定所协调的一方。"),
        ("unit_contact", "organisation", "单位联络员须指定所代表的单位。"),
    ):
        response = client.post(url, {"form": "member", "username": "tf-new", "role": role})
        assert response.status_code == 200
        assert response.context["member_form"].errors[field] == [message]
    assert not get_user_model().objects.filter(username="tf-new").exists()
    response = client.post(
        url, {"form": "member", "username": "tf-new", "role": "region_coordinator", "region": world.tf.pk}
    )
    assert response.status_code == 302
    assert Membership.objects.get(user__username="tf-new").region_id == world.tf.pk


def test_the_office_of_another_partnership_neither_opens_these_settings_nor_gives_roles_here(client, world):
    other = build_world(code_prefix="X")
    client.force_login(other.users["office"])
    url = reverse("regions:settings", args=[world.partnership.pk])
    assert client.get(url).status_code == 404
    response = client.post(url, {"form": "member", "username": "intruder", "role": "office_admin"})
    assert response.status_code == 404
    assert not get_user_model().objects.filter(username="intruder").exists()

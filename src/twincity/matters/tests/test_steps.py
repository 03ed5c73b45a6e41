"""The steps on a matter's page as the office meets them: a stale version is said, not overwritten; a refused
status change is a 403; a stale correction of a report is put on its form."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils.translation import gettext as _

from twincity.matters import services
from twincity.matters.models import Matter
from twincity.testing import make_matter

pytestmark = pytest.mark.django_db


def said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_stale_status_change_is_said_and_changes_nothing(client_as, world):
    matter = make_matter(world)
    stale = matter.version
    services.update_matter(matter, user=world.users["office"], version=matter.version, title="别人先改的标题")
    response = client_as("office").post(
        reverse("matters:change_status", args=[matter.pk]), {"status": "suspended", "version": stale}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("matters:matter", args=[matter.pk])
    assert said(response) == [_("Someone else changed this matter meanwhile. Check it and try again.")]
    assert Matter.objects.get(pk=matter.pk).status == "in_progress"


def test_a_status_change_the_service_refuses_is_a_403_with_nothing_left_to_say(client_as, world):
    matter = make_matter(world)
    response = client_as("leader").post(
        reverse("matters:change_status", args=[matter.pk]), {"status": "suspended", "version": matter.version}
    )
    assert response.status_code == 403
    assert said(response) == []


def test_a_stale_close_of_a_milestone_is_said_and_leaves_it_open(client_as, world):
    matter = make_matter(world)
    milestone = services.add_milestone(
        matter, side_id=world.tf.pk, title="签署协议", due_date=dt.date(2020, 6, 30), user=world.users["office"]
    )
    response = client_as("office").post(
        reverse("matters:close_milestone", args=[milestone.pk]),
        {"done_date": "2020-06-01", "evidence": "协议文本", "version": milestone.version + 1},
    )
    assert response["Location"] == reverse("matters:matter", args=[matter.pk]) + "#milestones"
    assert said(response) == [_("Someone else updated this milestone meanwhile. Check it and try again.")]
    milestone.refresh_from_db()
    assert milestone.done_date is None


def test_a_stale_correction_of_a_report_is_put_on_its_form(client_as, world):
    matter = make_matter(world)
    report = services.file_progress(
        matter, user=world.users["office"], side_id=world.tf.pk, period="2020Q1", text="进展顺利", percent_complete=20
    )
    url = reverse("matters:edit_report", args=[report.pk])
    client = client_as("office")
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"period": "2020Q1", "percent_complete": 30, "text": "改", "version": report.version + 1}
    )
    assert response.status_code == 200
    assert _("Someone else corrected this report meanwhile. Nothing was overwritten: reload it.") in (
        response.context["form"].non_field_errors()
    )
    report.refresh_from_db()
    assert report.text == "进展顺利"
    response = client.post(url, {"period": "2020Q1", "percent_complete": 30, "text": "改过", "version": report.version})
    assert response["Location"] == reverse("matters:matter", args=[matter.pk]) + "#progress"
    report.refresh_from_db()
    assert report.text == "改过"

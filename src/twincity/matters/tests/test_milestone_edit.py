"""Milestones are corrected (title, due date, side) and archived with a reason, never deleted; page and API."""

import datetime as dt

import pytest
from django.urls import reverse

from twincity.audit.models import AuditEvent, ObjectChange
from twincity.core.services import ConflictError
from twincity.matters import services
from twincity.matters.models import Matter, Milestone
from twincity.supervision.choices import CaseState
from twincity.supervision.services import case_of
from twincity.testing import make_matter

pytestmark = pytest.mark.django_db


@pytest.fixture
def milestone(world):
    matter = make_matter(world)
    return services.add_milestone(
        matter, side_id=world.lj.pk, title="签署协议", due_date=dt.date(2020, 6, 30), user=world.users["office"]
    )


def test_whoever_may_close_a_milestone_corrects_it_on_the_page_with_the_trail(world, client_as, milestone):
    client = client_as("lj-unit")
    page = client.get(reverse("matters:matter", args=[milestone.matter_id])).content.decode()
    assert f'data-milestone-edit="{milestone.pk}"' in page
    response = client.post(
        reverse("matters:edit_milestone", args=[milestone.pk]),
        {"title": "签署合作协议", "due_date": "2020-09-30", "side": world.lj.pk, "version": milestone.version},
    )
    assert response.status_code == 302
    fresh = Milestone.objects.get(pk=milestone.pk)
    assert (fresh.title, fresh.due_date, fresh.version) == ("签署合作协议", dt.date(2020, 9, 30), milestone.version + 1)
    assert Matter.objects.get(pk=milestone.matter_id).next_milestone_due == dt.date(2020, 9, 30)
    assert case_of(fresh).due_on == dt.date(2020, 9, 30)  # the supervision case follows
    change = ObjectChange.objects.filter(changed_object_id=milestone.pk, action="update").latest("pk")
    assert change.user == world.users["lj-unit"]
    # Who may not close it may not edit it (the other side's unit contact): 404, nothing changed.
    refused = client_as("tf-unit").post(
        reverse("matters:edit_milestone", args=[milestone.pk]),
        {"title": "别人改的", "due_date": "2020-09-30", "side": world.lj.pk, "version": fresh.version},
    )
    assert refused.status_code == 404
    assert Milestone.objects.get(pk=milestone.pk).title == "签署合作协议"


def test_a_stale_edit_is_refused_and_changes_nothing(world, milestone):
    with pytest.raises(ConflictError):
        services.update_milestone(
            milestone, user=world.users["office"], version=milestone.version + 1, title="过时的修改"
        )
    assert Milestone.objects.get(pk=milestone.pk).title == "签署协议"


def test_an_archived_milestone_keeps_its_reason_leaves_the_page_and_its_case_is_cancelled(world, client_as, milestone):
    client = client_as("office")
    empty = client.post(reverse("matters:archive_milestone", args=[milestone.pk]), {"version": milestone.version})
    assert Milestone.objects.get(pk=milestone.pk).archived_at is None
    assert empty.status_code in (200, 302)
    response = client.post(
        reverse("matters:archive_milestone", args=[milestone.pk]),
        {"reason": "方案调整，改由新节点推进", "version": milestone.version},
    )
    assert response.status_code == 302
    fresh = Milestone.objects.get(pk=milestone.pk)  # kept, not deleted
    assert fresh.archived_at is not None
    event = AuditEvent.objects.get(verb="milestone.archived", object_id=milestone.pk)
    assert event.message == "方案调整，改由新节点推进"
    assert case_of(fresh).state == CaseState.CANCELLED
    page = client.get(reverse("matters:matter", args=[milestone.matter_id])).content.decode()
    assert f'data-milestone="{milestone.pk}"' not in page
    assert "节点已归档" in page  # the step's message
    history = client.get(reverse("matters:history", args=[milestone.matter_id])).content.decode()
    assert "已归档 · 里程碑</div>\n    <div>签署协议</div>" in history  # its archiving, in the matter's history


def test_the_api_edits_and_archives_a_milestone(world, api_as, milestone):
    api = api_as("lj-coord")
    url = f"/api/milestones/{milestone.pk}/"
    edited = api.post(url + "edit/", {"due_date": "2020-08-31", "version": milestone.version}, format="json")
    assert edited.status_code == 200, edited.content
    assert edited.json()["due_date"] == "2020-08-31"
    stale = api.post(url + "archive/", {"reason": "不再需要", "version": milestone.version}, format="json")
    assert stale.status_code == 409
    archived = api.post(url + "archive/", {"reason": "不再需要", "version": edited.json()["version"]}, format="json")
    assert archived.status_code == 200, archived.content
    assert archived.json()["archived_at"] is not None
    assert api_as("tf-unit").post(url + "edit/", {"title": "x", "version": 9}, format="json").status_code in (403, 404)

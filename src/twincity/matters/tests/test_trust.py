"""What an attack on the matter list found, each kept as a test: a unit writing where it does not own
the matter, a side rewriting the other side's half, and acknowledged edits lost to a stale save."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from twincity.audit.context import acting
from twincity.core.services import ConflictError
from twincity.matters import services
from twincity.matters.models import Matter, MatterOwner, MatterSide, Milestone, ProgressReport
from twincity.matters.services import OwnerSpec
from twincity.testing import Editor, make_matter, race

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_units_matter(world):
    """A matter of both sides owned by the education bureaus, not by the units tf-unit and lj-unit speak for."""
    return make_matter(world, title="教育协同", owners=[OwnerSpec(world.tf_dept2), OwnerSpec(world.lj_dept2)])


def report(matter, side, **extra):
    return {"matter": matter.pk, "side": side.pk, "period": "2020-07", "text": "进展", "percent_complete": 100, **extra}


# ------------------------------------------------------------------- 1. reports follow the matter's owners


def test_a_unit_contact_cannot_report_through_the_api_on_a_matter_its_unit_does_not_own(
    api_as, world, other_units_matter
):
    for persona, side in (("tf-unit", world.tf), ("lj-unit", world.lj)):
        response = api_as(persona).post("/api/progress-reports/", report(other_units_matter, side), format="json")
        assert response.status_code == 403, response.content
    other_units_matter.refresh_from_db()
    assert not ProgressReport.objects.filter(matter=other_units_matter).exists()
    assert other_units_matter.completion_requested_at is None


def test_a_unit_contact_cannot_report_in_the_name_of_another_unit_of_its_side(api_as, world):
    matter = make_matter(world, owners=[OwnerSpec(world.tf_dept), OwnerSpec(world.tf_dept2), OwnerSpec(world.lj_dept)])
    response = api_as("tf-unit").post(
        "/api/progress-reports/", report(matter, world.tf, organisation=world.tf_dept2.pk), format="json"
    )
    assert response.status_code == 403
    own = api_as("tf-unit").post("/api/progress-reports/", report(matter, world.tf), format="json")
    assert own.status_code == 201
    assert own.json()["organisation"] == world.tf_dept.pk


def test_the_report_page_and_the_api_agree_on_who_may_report(client_as, world, other_units_matter):
    client = client_as("tf-unit")
    page = client.post(
        reverse("matters:file_progress", args=[other_units_matter.pk]), report(other_units_matter, world.tf)
    )
    assert page.status_code == 404
    assert not ProgressReport.objects.filter(matter=other_units_matter).exists()


def test_the_owning_units_of_both_sides_report_completion_and_it_awaits_confirmation(api_as, world):
    matter = make_matter(world)
    for persona, side in (("tf-unit", world.tf), ("lj-unit", world.lj)):
        assert api_as(persona).post("/api/progress-reports/", report(matter, side), format="json").status_code == 201
    matter.refresh_from_db()
    assert matter.percent_complete == 100
    assert matter.completion_requested_at is not None
    assert matter.status == "in_progress"


# ------------------------------------------------------------------- 11. each side edits its own half


def owners_payload(*pairs):
    return [{"organisation": unit.pk, "role": role} for unit, role in pairs]


def test_a_liangjiang_coordinator_cannot_remove_or_change_tianfus_owners(api_as, world):
    matter = make_matter(world)
    client = api_as("lj-coord")
    removed = client.patch(
        f"/api/matters/{matter.pk}/",
        {"version": matter.version, "owners": owners_payload((world.lj_dept, "lead"))},
        format="json",
    )
    assert removed.status_code == 403, removed.content
    demoted = client.patch(
        f"/api/matters/{matter.pk}/",
        {"version": matter.version, "owners": owners_payload((world.tf_dept, "support"), (world.lj_dept, "lead"))},
        format="json",
    )
    assert demoted.status_code == 403
    added = client.patch(
        f"/api/matters/{matter.pk}/",
        {
            "version": matter.version,
            "owners": owners_payload((world.tf_dept, "lead"), (world.tf_dept2, "support"), (world.lj_dept, "lead")),
        },
        format="json",
    )
    assert added.status_code == 403
    assert set(MatterOwner.objects.filter(matter=matter).values_list("organisation_id", "role")) == {
        (world.tf_dept.pk, "lead"),
        (world.lj_dept.pk, "lead"),
    }
    assert Matter.objects.get(pk=matter.pk).version == matter.version


def test_a_liangjiang_coordinator_changes_liangjiangs_half_and_leaves_tianfus_alone(api_as, world):
    matter = make_matter(world)
    response = api_as("lj-coord").patch(
        f"/api/matters/{matter.pk}/",
        {
            "version": matter.version,
            "owners": owners_payload((world.tf_dept, "lead"), (world.lj_dept2, "lead"), (world.lj_dept, "support")),
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    assert set(MatterOwner.objects.filter(matter=matter).values_list("organisation_id", "role")) == {
        (world.tf_dept.pk, "lead"),
        (world.lj_dept2.pk, "lead"),
        (world.lj_dept.pk, "support"),
    }


def test_a_coordinator_cannot_name_the_other_sides_responsible_leader(world):
    matter = make_matter(world)
    with pytest.raises(PermissionDenied):
        services.update_matter(
            matter, user=world.users["lj-coord"], version=matter.version, leaders={world.tf.pk: "某副主任"}
        )
    assert MatterSide.objects.get(matter=matter, region=world.tf).responsible_leader != "某副主任"
    matter = Matter.objects.get(pk=matter.pk)
    services.update_matter(
        matter, user=world.users["lj-coord"], version=matter.version, leaders={world.lj.pk: "两江副主任"}
    )
    assert MatterSide.objects.get(matter=matter, region=world.lj).responsible_leader == "两江副主任"


# ------------------------------------------------------------------- 2. nothing acknowledged is lost


def edit_title_meanwhile(matter, user, title):
    """Someone else edits the matter after ``matter`` was loaded: returns the version they got back."""
    fresh = Matter.objects.get(pk=matter.pk)
    return services.update_matter(fresh, user=user, version=fresh.version, title=title).version


@pytest.mark.parametrize("write", ["report", "add_milestone", "close_milestone", "correct_report", "status", "roll"])
def test_an_edit_acknowledged_while_another_write_held_an_old_copy_is_kept(world, write):
    office = world.users["office"]
    matter = make_matter(world, status="approved")
    with acting(office):
        milestone = services.add_milestone(
            matter, side_id=world.tf.pk, title="方案", due_date=dt.date(2020, 6, 1), user=office
        )
        filed = services.file_progress(
            Matter.objects.get(pk=matter.pk),
            user=office,
            side_id=world.lj.pk,
            period="6月",
            text="起步",
            percent_complete=10,
        )
        stale = Matter.objects.get(pk=matter.pk)
        stale_milestone = Milestone.objects.select_related("matter").get(pk=milestone.pk)
        stale_report = ProgressReport.objects.select_related("matter").get(pk=filed.pk)
        acknowledged = edit_title_meanwhile(matter, office, "已确认的新标题")
        if write == "report":
            services.file_progress(
                stale, user=office, side_id=world.tf.pk, period="7月", text="推进", percent_complete=50
            )
        elif write == "add_milestone":
            services.add_milestone(stale, side_id=world.lj.pk, title="签约", due_date=dt.date(2020, 9, 1), user=office)
        elif write == "close_milestone":
            services.close_milestone(
                stale_milestone, user=office, done_date=dt.date(2020, 6, 1), evidence="批复文件", version=None
            )
        elif write == "correct_report":
            services.update_progress_report(
                stale_report, user=office, version=stale_report.version, percent_complete=30
            )
        elif write == "status":
            services.change_status(stale, "suspended", user=office, reason="等待批复")
        elif write == "roll":
            services.roll_over(stale, to_year=2021, user=office, reason="跨年推进")
    now = Matter.objects.get(pk=matter.pk)
    assert now.title == "已确认的新标题"
    assert now.version >= acknowledged


def test_a_report_that_starts_the_work_moves_the_version_so_an_editor_of_the_old_state_is_told(world):
    office = world.users["office"]
    matter = make_matter(world, status="approved")
    editor_copy = Matter.objects.get(pk=matter.pk)
    for side in (world.tf, world.lj):
        services.file_progress(matter, user=office, side_id=side.pk, period="7月", text="完成", percent_complete=100)
    with pytest.raises(ConflictError):
        services.change_status(editor_copy, "in_progress", user=office, version=editor_copy.version)
    fresh = Matter.objects.get(pk=matter.pk)
    assert fresh.status == "in_progress"
    assert fresh.completion_requested_at is not None
    # an edit from the current version keeps the completion flag the report set
    services.update_matter(editor_copy, user=office, version=fresh.version, description="补充说明")
    assert Matter.objects.get(pk=matter.pk).completion_requested_at is not None


def test_archiving_an_old_copy_does_not_take_the_version_backwards(world):
    office = world.users["office"]
    matter = make_matter(world)
    stale = Matter.objects.get(pk=matter.pk)
    acknowledged = edit_title_meanwhile(matter, office, "新标题")
    services.archive_matter(stale, user=office)
    now = Matter.objects.get(pk=matter.pk)
    assert now.title == "新标题"
    assert now.version == acknowledged + 1
    assert now.archived_at is not None


# ------------------------------------------------------------------- the same race, with real clients


@pytest.mark.django_db(transaction=True)
def test_an_editor_racing_two_reporters_and_a_milestone_closer_loses_nothing(world):
    """Threads with their own connections, on the real database: one person edits the title again and
    again from the version they read, two units report, the office closes and adds milestones. Every
    edit that was acknowledged is either the final title or followed by a later acknowledged one, and the
    version never goes backwards."""
    office, tf_unit, lj_unit = world.users["office"], world.users["tf-unit"], world.users["lj-unit"]
    matter = make_matter(world)
    milestones = [
        services.add_milestone(matter, side_id=world.tf.pk, title=f"节点{i}", due_date=dt.date(2020, 6, 1), user=office)
        for i in range(6)
    ]
    rounds = 12
    editor = Editor(
        lambda: Matter.objects.get(pk=matter.pk),
        lambda current, **changes: services.update_matter(current, user=office, **changes),
        rounds=rounds,
    )

    def reporter(user, side):
        for i in range(rounds):
            fresh = Matter.objects.get(pk=matter.pk)
            services.file_progress(fresh, user=user, side_id=side.pk, period=f"{i}", text="进展", percent_complete=i)

    def closer():
        for milestone in milestones:
            services.close_milestone(
                Milestone.objects.get(pk=milestone.pk),
                user=office,
                done_date=dt.date(2020, 6, 1),
                evidence="完成",
                version=None,
            )
            services.add_milestone(
                Matter.objects.get(pk=matter.pk),
                side_id=world.lj.pk,
                title="新节点",
                due_date=dt.date(2020, 9, 1),
                user=office,
            )

    errors = race(editor, lambda: reporter(tf_unit, world.tf), lambda: reporter(lj_unit, world.lj), closer)
    assert errors == []
    editor.assert_nothing_lost(Matter.objects.get(pk=matter.pk))
    assert ProgressReport.objects.filter(matter=matter).count() == 2 * rounds
    assert Milestone.objects.filter(matter=matter, done_date__isnull=False).count() == len(milestones)

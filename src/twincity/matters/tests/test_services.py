import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from twincity.audit.context import acting
from twincity.audit.models import AuditEvent, ObjectChange
from twincity.matters import services
from twincity.matters.choices import Light, MatterStatus
from twincity.matters.models import Matter
from twincity.supervision import services as supervision
from twincity.testing import make_matter

pytestmark = pytest.mark.django_db


def light_of(matter, today):
    return Matter.objects.with_light(today).get(pk=matter.pk).light


def test_a_new_matter_is_on_the_list_of_its_year_with_both_sides(world):
    matter = make_matter(world)
    assert matter.year_list.year == 2020
    assert matter.code == "2020-01"
    assert {s.region_id for s in matter.sides.all()} == {world.tf.pk, world.lj.pk}
    assert [e.code for e in matter.entries.all()] == ["2020-01"]
    assert ObjectChange.objects.filter(changed_object_id=matter.pk, action="create").exists()


def test_a_unit_contact_files_progress_and_the_percent_and_light_follow(world):
    matter = make_matter(world)
    tf_unit = world.users["tf-unit"]
    # Half the year gone and nothing reported: yellow (lags by more than 20 points).
    assert light_of(matter, dt.date(2020, 7, 1)) == Light.YELLOW
    with acting(tf_unit):
        services.file_progress(
            matter, user=tf_unit, side_id=world.tf.pk, period="2020-06", text="完成方案", percent_complete=90
        )
    matter.refresh_from_db()
    assert matter.percent_complete == 45  # Liangjiang has not reported yet
    lj_unit = world.users["lj-unit"]
    with acting(lj_unit):
        services.file_progress(
            matter, user=lj_unit, side_id=world.lj.pk, period="2020-06", text="完成调研", percent_complete=60
        )
    matter.refresh_from_db()
    assert matter.percent_complete == 75
    assert light_of(matter, dt.date(2020, 7, 1)) == Light.GREEN
    assert light_of(matter, dt.date(2021, 1, 2)) == Light.RED


def test_a_coordinator_cannot_report_for_the_other_side(world):
    matter = make_matter(world)
    tf_coord = world.users["tf-coord"]
    with pytest.raises(PermissionDenied), acting(tf_coord):
        services.file_progress(
            matter, user=tf_coord, side_id=world.lj.pk, period="2020-06", text="x", percent_complete=10
        )
    assert not matter.reports.exists()


def test_a_unit_contact_cannot_close_the_other_sides_milestone(world):
    matter = make_matter(world)
    office = world.users["office"]
    with acting(office):
        ms = services.add_milestone(
            matter, side_id=world.lj.pk, title="签署协议", due_date=dt.date(2020, 5, 1), user=office
        )
    with pytest.raises(PermissionDenied):
        services.close_milestone(ms, user=world.users["tf-unit"], done_date=dt.date(2020, 4, 1), evidence="协议")
    services.close_milestone(ms, user=world.users["lj-unit"], done_date=dt.date(2020, 4, 1), evidence="协议")
    ms.refresh_from_db()
    assert ms.done_date == dt.date(2020, 4, 1)


def test_completion_is_confirmed_by_a_leader_not_by_the_reporter(world):
    matter = make_matter(world)
    leader = world.users["leader"]
    with pytest.raises(PermissionDenied):
        services.change_status(matter, MatterStatus.COMPLETED, user=world.users["tf-coord"], reason="完成")
    with pytest.raises(ValidationError, match="确认事项完成须填写意见"):
        services.change_status(matter, MatterStatus.COMPLETED, user=leader)
    case = supervision.case_of(matter)
    with pytest.raises(ValidationError, match="尚有责任方未报告完成"):
        services.change_status(matter, MatterStatus.COMPLETED, user=leader, reason="同意")
    for side in case.sides.all():
        supervision.report_completion(case, side, user=world.users["office"], note="已完成")
    services.change_status(matter, MatterStatus.COMPLETED, user=leader, reason="同意")
    matter.refresh_from_db()
    assert matter.status == MatterStatus.COMPLETED
    assert AuditEvent.objects.filter(verb="matter.completion_confirmed", object_id=matter.pk).exists()


def test_a_leader_cannot_edit(world):
    matter = make_matter(world)
    with pytest.raises(PermissionDenied):
        services.update_matter(matter, user=world.users["leader"], version=matter.version, title="改")


def test_the_second_of_two_concurrent_edits_is_refused(world):
    matter = make_matter(world)
    office = world.users["office"]
    first = Matter.objects.get(pk=matter.pk)
    second = Matter.objects.get(pk=matter.pk)
    services.update_matter(first, user=office, version=first.version, title="第一版")
    with pytest.raises(services.ConflictError) as caught:
        services.update_matter(second, user=office, version=second.version, title="第二版")
    assert caught.value.current.title == "第一版"
    assert Matter.objects.get(pk=matter.pk).title == "第一版"


def test_roll_over_keeps_identity_and_records_the_chain(world):
    matter = make_matter(world)
    office = world.users["office"]
    with acting(office):
        services.roll_over(matter, to_year=2021, user=office, reason="土地手续未完成")
    matter.refresh_from_db()
    assert matter.year_list.year == 2021
    assert [(e.year_list.year, e.outcome) for e in matter.entries.order_by("year_list__year")] == [
        (2020, "rolled_over"),
        (2021, "current"),
    ]
    assert AuditEvent.objects.filter(verb="matter.rolled_over", object_id=matter.pk).exists()
    with pytest.raises(ValidationError):
        services.roll_over(matter, to_year=2021, user=office, reason="again")


def test_a_coordinator_can_only_create_matters_their_side_is_party_to(world):
    lj_coord = world.users["lj-coord"]
    with pytest.raises(PermissionDenied):
        services.create_matter(
            partnership=world.partnership,
            year=2020,
            title="只有天府",
            user=lj_coord,
            owners=[services.OwnerSpec(world.tf_dept)],
        )
    assert not Matter.objects.exists()


def test_markup_in_user_text_is_removed_before_it_is_stored(world):
    matter = make_matter(world, title="<b>共建</b>开放门户", description="一 < 二 <script>alert(1)</script>")
    assert matter.title == "共建开放门户"
    assert matter.description == "一 < 二 "


def test_markup_is_escaped_on_the_page(client, world):
    matter = make_matter(world, goal="目标 <img src=x onerror=alert(1)>")
    client.force_login(world.users["leader"])
    body = client.get(matter.get_absolute_url()).content.decode()
    assert "onerror" not in body

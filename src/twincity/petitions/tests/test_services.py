"""The joint request's workflow: both endorsements before submission, texts that make endorsements lapse."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from twincity.audit.context import acting
from twincity.audit.models import AuditEvent
from twincity.core.models import ArchiveInsteadError
from twincity.core.services import ConflictError
from twincity.matters.models import Matter
from twincity.matters.services import OwnerSpec
from twincity.petitions import services
from twincity.petitions.choices import PetitionStatus
from twincity.registers import services as registers
from twincity.testing import build_world

pytestmark = pytest.mark.django_db

DAY = dt.date(2020, 7, 1)


def make_petition(w, user="office", **kwargs):
    defaults = {
        "title": "出台打造内陆开放门户指导规划",
        "year": 2020,
        "target_authority": "国家发展改革委",
        "text": "恳请国家发展改革委出台指导规划。",
        "drafting_units": [w.tf_dept, w.lj_dept],
    }
    defaults.update(kwargs)
    with acting(w.users[user]):
        return services.create_petition(partnership=w.partnership, user=w.users[user], **defaults)


def test_a_new_request_has_a_half_for_each_side_with_its_own_drafting_units(world):
    petition = make_petition(world)
    halves = {h.region_id: [u.pk for u in h.drafting_units.all()] for h in petition.sides.all()}
    assert halves == {world.tf.pk: [world.tf_dept.pk], world.lj.pk: [world.lj_dept.pk]}
    assert petition.status == PetitionStatus.DRAFTING
    assert petition.current_text().number == 1


def test_a_request_is_submitted_only_after_both_sides_endorsed_the_current_text(world):
    petition = make_petition(world)
    office = world.users["office"]
    with pytest.raises(ValidationError, match="尚未确认"):
        services.submit(petition, user=office, submitted_on=DAY)
    services.endorse(petition, user=world.users["tf-coord"], side=world.tf)
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.DRAFTING
    with pytest.raises(ValidationError, match="两江"):
        services.submit(petition, user=office, submitted_on=DAY)
    services.endorse(petition, user=world.users["lj-coord"], side=world.lj)
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.ENDORSED
    services.submit(petition, user=world.users["lj-coord"], submitted_on=DAY, channel="joint_letter")
    petition.refresh_from_db()
    assert (petition.status, petition.submitted_on) == (PetitionStatus.SUBMITTED, DAY)
    verbs = list(AuditEvent.objects.filter(object_id=petition.pk).values_list("verb", flat=True))
    assert {"petition.endorsed", "petition.fully_endorsed", "petition.submitted"} <= set(verbs)


def test_a_new_version_of_the_text_makes_the_endorsements_lapse(world):
    petition = make_petition(world)
    services.endorse(petition, user=world.users["tf-coord"], side=world.tf)
    services.endorse(petition, user=world.users["lj-coord"], side=world.lj)
    services.revise_text(petition, user=world.users["tf-coord"], text="修改后的文本")
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.DRAFTING
    assert not petition.sides.filter(endorsed_text__isnull=False).exists()
    with pytest.raises(ValidationError):
        services.submit(petition, user=world.users["office"], submitted_on=DAY)


def test_a_side_endorses_only_for_itself(world):
    petition = make_petition(world)
    with pytest.raises(PermissionDenied):
        services.endorse(petition, user=world.users["tf-coord"], side=world.lj)
    for persona in ("tf-unit", "leader", "auditor", "outsider"):
        with pytest.raises(PermissionDenied):
            services.endorse(petition, user=world.users[persona], side=world.tf)


def test_the_answer_is_recorded_only_on_a_submitted_request(world):
    petition = make_petition(world)
    with pytest.raises(ValidationError):
        services.record_response(
            petition, user=world.users["office"], outcome="granted", response="同意", response_on=DAY
        )
    services.endorse(petition, user=world.users["office"], side=world.tf)
    services.endorse(petition, user=world.users["office"], side=world.lj)
    services.submit(petition, user=world.users["office"], submitted_on=DAY)
    with pytest.raises(ValidationError, match="不能早于报送日期"):
        services.record_response(
            petition, user=world.users["office"], outcome="granted", response="同意", response_on=DAY.replace(month=6)
        )
    services.record_response(
        petition, user=world.users["office"], outcome="partly", response="部分同意", response_on=dt.date(2020, 9, 1)
    )
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.PARTLY_GRANTED


def test_withdrawing_needs_a_reason_and_readers_cannot(world):
    petition = make_petition(world)
    with pytest.raises(ValidationError):
        services.withdraw(petition, user=world.users["office"], reason=" ")
    with pytest.raises(PermissionDenied):
        services.withdraw(petition, user=world.users["leader"], reason="不再需要")
    services.withdraw(petition, user=world.users["lj-coord"], reason="已由省级层面争取")
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.WITHDRAWN


def test_readers_and_outsiders_cannot_add_a_request(world):
    for persona in ("tf-unit", "leader", "auditor", "outsider"):
        with pytest.raises(PermissionDenied):
            make_petition(world, user=persona)


def test_a_drafting_unit_of_another_partnership_is_refused(world):
    other = build_world(code_prefix="X")
    with pytest.raises(ValidationError, match="不是本合作机制"):
        make_petition(world, drafting_units=[other.tf_dept])


def test_an_edit_from_a_stale_version_is_refused_and_nothing_is_overwritten(world):
    petition = make_petition(world)
    services.update_petition(petition, user=world.users["tf-coord"], version=1, title="新标题")
    with pytest.raises(ConflictError):
        services.update_petition(petition, user=world.users["lj-coord"], version=1, title="另一个标题")
    petition.refresh_from_db()
    assert petition.title == "新标题"


def test_a_request_is_archived_never_deleted(world):
    petition = make_petition(world)
    with pytest.raises(ArchiveInsteadError):
        petition.delete()
    registers.archive_entry(petition, user=world.users["office"])
    petition.refresh_from_db()
    assert petition.is_archived


def test_a_request_turns_into_a_follow_up_matter_in_one_step(world):
    petition = make_petition(world)
    matter = registers.follow_up(
        petition,
        user=world.users["office"],
        title="编制内陆开放门户指导规划",
        year=2020,
        owners=[OwnerSpec(world.tf_dept), OwnerSpec(world.lj_dept)],
    )
    links = registers.links_of(petition)
    assert [link.matter.pk for link in links] == [matter.pk]
    assert links[0].matter.light
    assert links[0].relation == "created"
    assert Matter.objects.filter(pk=matter.pk, partnership=world.partnership).exists()


def test_a_coordinator_cannot_create_a_follow_up_matter_owned_only_by_the_other_side(world):
    petition = make_petition(world)
    with pytest.raises(PermissionDenied):
        registers.follow_up(
            petition,
            user=world.users["tf-coord"],
            title="只属于两江的事项",
            year=2020,
            owners=[OwnerSpec(world.lj_dept)],
        )
    assert not Matter.objects.filter(title="只属于两江的事项").exists()
    assert registers.links_of(petition) == []

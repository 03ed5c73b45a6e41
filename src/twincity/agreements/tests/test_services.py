import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from twincity.agreements import services
from twincity.agreements.choices import AgreementStatus
from twincity.agreements.models import Agreement, AgreementParty
from twincity.agreements.services import PartySpec
from twincity.agreements.tests.helpers import add_third_side, make_agreement
from twincity.audit.context import acting
from twincity.audit.models import AuditEvent, ObjectChange
from twincity.core import search
from twincity.core.models import ArchiveInsteadError, Attachment
from twincity.matters.choices import Light, MatterStatus
from twincity.matters.models import Matter
from twincity.meetings import services as meetings
from twincity.meetings.tests.helpers import add_session, make_series
from twincity.regions.models import Organisation, Region
from twincity.registers.choices import LinkRelation

pytestmark = pytest.mark.django_db

D = dt.date
READERS = ("tf-unit", "lj-unit", "leader", "auditor")


# --- registering an agreement --------------------------------------------------------------------


def test_an_agreement_is_registered_in_force_with_each_partys_side_taken_from_its_unit(world):
    agreement = make_agreement(world)
    assert agreement.status == AgreementStatus.IN_FORCE
    assert {(p.organisation_id, p.side_id) for p in agreement.parties.all()} == {
        (world.tf_dept.pk, world.tf.pk),
        (world.lj_dept.pk, world.lj.pk),
    }
    assert AuditEvent.objects.filter(verb="agreement.created", object_id=agreement.pk).exists()
    assert ObjectChange.objects.filter(changed_object_id=agreement.pk, action="create").exists()


def test_the_list_search_finds_an_agreement_by_its_topic_and_by_a_partys_name(world):
    agreement = make_agreement(world, title="合作协议", topic="市场监管")
    assert list(search.search(Agreement.objects.all(), "市场监管")) == [agreement]
    assert list(search.search(Agreement.objects.all(), "两江新区市场监管局")) == [agreement]
    assert not search.search(Agreement.objects.all(), "公安").exists()


@pytest.mark.parametrize(
    "parties",
    [
        pytest.param(lambda w: [PartySpec(w.tf_dept)], id="one party"),
        pytest.param(lambda w: [PartySpec(w.tf_dept), PartySpec(w.tf_dept2)], id="two parties of one side"),
        pytest.param(lambda w: [PartySpec(w.tf_dept), PartySpec(w.lj_dept), PartySpec(w.tf_dept)], id="unit twice"),
    ],
)
def test_an_agreement_needs_two_parties_on_two_different_sides_and_nothing_is_written_otherwise(world, parties):
    with pytest.raises(ValidationError):
        make_agreement(world, parties=parties(world))
    assert not Agreement.objects.exists()
    assert not AgreementParty.objects.exists()


def test_a_unit_of_no_side_of_the_partnership_cannot_be_a_party(world):
    elsewhere = Region.objects.create(code="GA", name="贵安新区")
    stranger = Organisation.objects.create(region=elsewhere, name="贵安新区市场监管局")
    with pytest.raises(ValidationError):
        make_agreement(world, parties=[PartySpec(world.tf_dept), PartySpec(stranger)])
    assert not Agreement.objects.exists()


def test_a_term_in_years_sets_the_expiry_and_an_agreement_cannot_expire_before_it_starts(world):
    agreement = make_agreement(world, expires_on=None, term_years=3)
    assert agreement.expires_on == D(2023, 5, 31)
    with pytest.raises(ValidationError):
        make_agreement(world, title="另一份", expires_on=D(2020, 5, 1))
    with pytest.raises(ValidationError):
        make_agreement(world, title="未来", signed_on=D(2099, 1, 1), starts_on=D(2099, 1, 1), expires_on=None)


def test_an_open_ended_agreement_never_expires(world):
    agreement = make_agreement(world, expires_on=None)
    assert agreement.state_on(D(2099, 1, 1)) == AgreementStatus.IN_FORCE
    assert agreement.days_left() is None


def test_a_coordinator_registers_only_agreements_their_side_is_party_to(world):
    add_third_side(world)
    with pytest.raises(PermissionDenied):
        make_agreement(world, user="tf-coord", parties=[PartySpec(world.lj_dept), PartySpec(world.xk_dept)])
    assert not Agreement.objects.exists()
    make_agreement(world, user="tf-coord", parties=[PartySpec(world.tf_dept), PartySpec(world.xk_dept)])
    assert Agreement.objects.count() == 1


@pytest.mark.parametrize("persona", [*READERS, "outsider"])
def test_readers_and_outsiders_cannot_register_an_agreement(world, persona):
    with pytest.raises(PermissionDenied):
        make_agreement(world, user=persona)
    assert not Agreement.objects.exists()


# --- editing ---------------------------------------------------------------------------------------


def test_either_partys_coordinator_edits_the_agreement_but_only_their_own_sides_party(world):
    agreement = make_agreement(world)
    lj_coord, tf_coord = world.users["lj-coord"], world.users["tf-coord"]
    services.update_agreement(agreement, user=lj_coord, version=agreement.version, title="市场监管一体化合作协议")
    agreement.refresh_from_db()
    assert agreement.title == "市场监管一体化合作协议"
    parties = [PartySpec(world.tf_dept, "王局长", "局长"), PartySpec(world.lj_dept, "李局长", "局长")]
    with pytest.raises(PermissionDenied):
        services.update_agreement(agreement, user=lj_coord, version=agreement.version, parties=parties)
    assert agreement.parties.get(side=world.tf).signatory == "张局长"
    agreement.refresh_from_db()
    services.update_agreement(agreement, user=tf_coord, version=agreement.version, parties=parties)
    assert agreement.parties.get(side=world.tf).signatory == "王局长"
    assert list(search.search(Agreement.objects.all(), "王局长")) == [agreement]


def test_a_coordinator_cannot_take_the_other_sides_party_off_the_agreement(world):
    add_third_side(world)
    agreement = make_agreement(
        world, parties=[PartySpec(world.tf_dept), PartySpec(world.lj_dept), PartySpec(world.xk_dept)]
    )
    with pytest.raises(PermissionDenied):
        services.update_agreement(
            agreement,
            user=world.users["tf-coord"],
            version=agreement.version,
            parties=[PartySpec(world.tf_dept), PartySpec(world.xk_dept)],
        )
    assert agreement.parties.count() == 3


@pytest.mark.parametrize("persona", [*READERS, "outsider"])
def test_readers_and_outsiders_cannot_edit_an_agreement(world, persona):
    agreement = make_agreement(world)
    with pytest.raises(PermissionDenied):
        services.update_agreement(agreement, user=world.users[persona], version=agreement.version, title="改")
    assert Agreement.objects.get().title == "深化国家级新区市场监管一体化合作协议"


def test_the_second_of_two_concurrent_edits_is_refused(world):
    agreement = make_agreement(world)
    office = world.users["office"]
    first, second = Agreement.objects.get(pk=agreement.pk), Agreement.objects.get(pk=agreement.pk)
    services.update_agreement(first, user=office, version=first.version, topic="第一版")
    with pytest.raises(services.ConflictError) as caught:
        services.update_agreement(second, user=office, version=second.version, topic="第二版")
    assert caught.value.current.topic == "第一版"
    with pytest.raises(services.ConflictError):
        services.terminate(second, user=office, version=second.version, terminated_on=D(2021, 1, 1), reason="x")
    assert Agreement.objects.get().status == AgreementStatus.IN_FORCE


def test_an_agreement_is_archived_never_deleted(world):
    agreement = make_agreement(world)
    with pytest.raises(ArchiveInsteadError):
        agreement.delete()
    with pytest.raises(PermissionDenied):
        services.archive_agreement(agreement, user=world.users["leader"])
    with acting(world.users["office"]):
        services.archive_agreement(agreement, user=world.users["office"])
    agreement.refresh_from_db()
    assert agreement.is_archived
    assert AuditEvent.objects.filter(verb="agreement.archived", object_id=agreement.pk).exists()


# --- expiry, renewal, termination ----------------------------------------------------------------


def test_an_agreement_in_force_reads_expired_once_its_date_passed_without_anyone_recording_it(world):
    agreement = make_agreement(world)
    assert agreement.state_on(D(2023, 5, 31)) == AgreementStatus.IN_FORCE
    assert agreement.state_on(D(2023, 6, 1)) == AgreementStatus.EXPIRED
    assert Agreement.objects.with_state(D(2023, 6, 1)).get().state == AgreementStatus.EXPIRED
    assert Agreement.objects.state_is(AgreementStatus.EXPIRED, D(2023, 6, 1)).count() == 1
    assert Agreement.objects.state_is(AgreementStatus.IN_FORCE, D(2023, 6, 1)).count() == 0
    assert list(Agreement.objects.lapsed(D(2023, 6, 1))) == [agreement]
    assert list(Agreement.objects.expiring(D(2023, 3, 2), 90)) == [agreement]
    assert not Agreement.objects.expiring(D(2023, 3, 1), 90).exists()


def test_the_office_records_the_lapse_only_of_an_agreement_past_its_date(world):
    agreement = make_agreement(world, expires_on=D(2020, 12, 31))
    office = world.users["office"]
    with pytest.raises(PermissionDenied):
        services.record_lapse(agreement, user=world.users["auditor"])
    services.record_lapse(agreement, user=office)
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.EXPIRED
    assert AuditEvent.objects.filter(verb="agreement.expired", object_id=agreement.pk).exists()
    current = make_agreement(world, title="仍有效", expires_on=None)
    with pytest.raises(ValidationError):
        services.record_lapse(current, user=office)


def test_renewal_extends_the_term_and_brings_a_lapsed_agreement_back_into_force(world):
    agreement = make_agreement(world, expires_on=D(2020, 12, 31))
    office = world.users["office"]
    services.record_lapse(agreement, user=office)
    with pytest.raises(ValidationError):
        services.renew(agreement, user=office, new_expires_on=D(2020, 12, 1))
    with pytest.raises(PermissionDenied):
        services.renew(agreement, user=world.users["tf-unit"], new_expires_on=D(2023, 12, 31))
    services.renew(agreement, user=world.users["lj-coord"], new_expires_on=D(2023, 12, 31), note="续签三年")
    agreement.refresh_from_db()
    assert (agreement.status, agreement.expires_on) == (AgreementStatus.IN_FORCE, D(2023, 12, 31))
    event = AuditEvent.objects.get(verb="agreement.extended", object_id=agreement.pk)
    assert event.data == {"from": "2020-12-31", "to": "2023-12-31"}
    assert event.message == "续签三年"


def test_renewal_by_a_successor_marks_the_old_agreement_renewed_and_points_to_the_new_one(world):
    old = make_agreement(world, expires_on=D(2021, 5, 31))
    new = make_agreement(
        world,
        title="市场监管一体化合作协议（2021—2024）",
        signed_on=D(2021, 5, 20),
        starts_on=D(2021, 6, 1),
        expires_on=None,
    )
    office = world.users["office"]
    with pytest.raises(ValidationError):
        services.renew(old, user=office)
    with pytest.raises(ValidationError):
        services.renew(old, user=office, new_expires_on=D(2024, 1, 1), successor=new)
    with pytest.raises(ValidationError):
        services.renew(old, user=office, successor=old)
    services.renew(old, user=office, successor=new)
    old.refresh_from_db()
    assert (old.status, old.renewed_by) == (AgreementStatus.RENEWED, new)
    assert list(new.renews.all()) == [old]
    assert AuditEvent.objects.filter(verb="agreement.renewed", object_id=old.pk).exists()
    with pytest.raises(ValidationError):
        services.renew(old, user=office, new_expires_on=D(2030, 1, 1))
    with pytest.raises(ValidationError):
        services.renew(new, user=office, successor=old)


def test_termination_needs_a_reason_and_a_day_within_the_term(world):
    agreement = make_agreement(world)
    office = world.users["office"]
    with pytest.raises(ValidationError):
        services.terminate(agreement, user=office, terminated_on=D(2021, 3, 1), reason="  ")
    with pytest.raises(ValidationError):
        services.terminate(agreement, user=office, terminated_on=D(2020, 5, 1), reason="机构调整")
    with pytest.raises(ValidationError):
        services.terminate(agreement, user=office, terminated_on=D(2023, 6, 1), reason="机构调整")
    with pytest.raises(PermissionDenied):
        services.terminate(agreement, user=world.users["leader"], terminated_on=D(2021, 3, 1), reason="机构调整")
    services.terminate(agreement, user=world.users["tf-coord"], terminated_on=D(2021, 3, 1), reason="机构调整")
    agreement.refresh_from_db()
    assert (agreement.status, agreement.terminated_on, agreement.termination_reason) == (
        AgreementStatus.TERMINATED,
        D(2021, 3, 1),
        "机构调整",
    )
    assert agreement.state_on(D(2099, 1, 1)) == AgreementStatus.TERMINATED
    assert AuditEvent.objects.get(verb="agreement.terminated", object_id=agreement.pk).message == "机构调整"
    with pytest.raises(ValidationError):
        services.terminate(agreement, user=office, terminated_on=D(2021, 4, 1), reason="再次")
    with pytest.raises(ValidationError):
        services.renew(agreement, user=office, new_expires_on=D(2030, 1, 1))


# --- the signed document ---------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_the_signed_document_is_checked_and_served_only_to_members(world, media, client):
    agreement = make_agreement(world)
    pdf = SimpleUploadedFile("协议正本.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    document = services.attach_document(agreement, pdf, user=world.users["tf-coord"])
    assert [d.name for d in services.documents_of(agreement)] == ["协议正本.pdf"]
    assert AuditEvent.objects.filter(verb="agreement.document_attached", object_id=agreement.pk).exists()
    url = reverse("core:attachment", args=[document.pk])
    client.force_login(world.users["leader"])
    assert client.get(url).status_code == 200
    client.force_login(world.users["outsider"])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("name", "content"),
    [
        pytest.param("清单.xlsx", b"PK\x03\x04 a workbook", id="a type a signed agreement is not"),
        pytest.param("tool.exe", b"MZ...", id="a program"),
        pytest.param("协议.pdf", b"MZ... not a pdf", id="content not matching its type"),
    ],
)
def test_a_signed_document_of_the_wrong_type_is_refused(world, media, name, content):
    agreement = make_agreement(world)
    with pytest.raises(ValidationError):
        services.attach_document(agreement, SimpleUploadedFile(name, content), user=world.users["office"])
    assert not Attachment.objects.exists()


def test_a_signed_document_too_large_is_refused_and_readers_cannot_upload(world, media, settings):
    agreement = make_agreement(world)
    settings.TWINCITY_UPLOAD_MAX_BYTES = 10
    with pytest.raises(ValidationError):
        services.attach_document(
            agreement, SimpleUploadedFile("协议.pdf", b"%PDF-1.4 signed"), user=world.users["office"]
        )
    settings.TWINCITY_UPLOAD_MAX_BYTES = 1024
    with pytest.raises(PermissionDenied):
        services.attach_document(agreement, SimpleUploadedFile("协议.pdf", b"%PDF-1.4"), user=world.users["leader"])
    assert not Attachment.objects.exists()


def test_an_archived_agreement_takes_no_documents(world, media):
    agreement = make_agreement(world)
    office = world.users["office"]
    with acting(office):
        services.archive_agreement(agreement, user=office)
    with pytest.raises(ValidationError):
        services.attach_document(agreement, SimpleUploadedFile("协议.pdf", b"%PDF-1.4"), user=office)
    assert not Attachment.objects.exists()


def test_a_wrong_document_is_withdrawn_not_deleted(world, media):
    agreement = make_agreement(world)
    document = services.attach_document(
        agreement, SimpleUploadedFile("错.pdf", b"%PDF-1.4"), user=world.users["office"]
    )
    with pytest.raises(PermissionDenied):
        services.withdraw_document(document, user=world.users["auditor"])
    services.withdraw_document(document, user=world.users["lj-coord"])
    assert services.documents_of(agreement) == []
    assert Attachment.objects.get().archived_at is not None


# --- obligations and their follow-up matters -----------------------------------------------------


def test_each_side_records_its_own_obligations(world):
    agreement = make_agreement(world)
    tf_coord = world.users["tf-coord"]
    obligation = services.add_obligation(
        agreement, user=tf_coord, text="建立执法协作机制", organisation=world.tf_dept, due_date=D(2020, 12, 31)
    )
    assert obligation.side == world.tf
    with pytest.raises(PermissionDenied):
        services.add_obligation(agreement, user=tf_coord, text="两江承担", side=world.lj)
    with pytest.raises(PermissionDenied):
        services.add_obligation(agreement, user=world.users["tf-unit"], text="x", side=world.tf)
    with pytest.raises(ValidationError):
        services.add_obligation(agreement, user=tf_coord, text="  ", side=world.tf)
    with pytest.raises(ValidationError):
        services.add_obligation(agreement, user=tf_coord, text="x", side=world.lj, organisation=world.tf_dept)
    assert list(agreement.obligations.all()) == [obligation]
    assert AuditEvent.objects.filter(verb="obligation.created", object_id=obligation.pk).exists()


def test_an_obligation_belongs_to_a_side_that_is_party_to_the_agreement(world):
    add_third_side(world)
    agreement = make_agreement(world)
    with pytest.raises(ValidationError):
        services.add_obligation(agreement, user=world.users["office"], text="x", organisation=world.xk_dept)


def test_an_obligation_is_edited_by_its_own_side_and_archived_not_deleted(world):
    agreement = make_agreement(world)
    obligation = services.add_obligation(agreement, user=world.users["office"], text="互认检查结果", side=world.lj)
    with pytest.raises(PermissionDenied):
        services.update_obligation(obligation, user=world.users["tf-coord"], version=obligation.version, text="改")
    services.update_obligation(
        obligation,
        user=world.users["lj-coord"],
        version=obligation.version,
        organisation=world.lj_dept,
        text="<b>互认</b>",
    )
    obligation.refresh_from_db()
    assert (obligation.text, obligation.organisation) == ("互认", world.lj_dept)
    with pytest.raises(services.ConflictError):
        services.update_obligation(obligation, user=world.users["office"], version=1, text="旧版")
    with pytest.raises(ArchiveInsteadError):
        obligation.delete()
    services.archive_obligation(obligation, user=world.users["lj-coord"])
    assert services.obligations_with_follow_up(agreement) == []


def test_an_obligation_becomes_a_matter_in_one_step_and_its_state_shows_on_the_agreement(world):
    agreement = make_agreement(world)
    obligation = services.add_obligation(
        agreement,
        user=world.users["office"],
        text="建立执法协作与信息共享机制",
        organisation=world.tf_dept,
        due_date=D(2020, 12, 31),
    )
    tf_coord = world.users["tf-coord"]
    with acting(tf_coord):
        matter = services.follow_up_obligation(
            obligation, user=tf_coord, year=2020, status=MatterStatus.IN_PROGRESS, start_date=D(2020, 7, 1)
        )
    assert matter.title == "建立执法协作与信息共享机制"
    assert (matter.field, matter.due_date) == (world.field, D(2020, 12, 31))
    assert {o.organisation_id for o in matter.owners.all()} == {world.tf_dept.pk, world.lj_dept.pk}
    [shown] = services.obligations_with_follow_up(agreement)
    [link] = shown.follow_ups
    assert link.relation == LinkRelation.CREATED
    assert link.matter == matter
    assert link.matter.status == MatterStatus.IN_PROGRESS
    assert link.matter.percent_complete == 0
    assert link.matter.light in Light.values
    assert AuditEvent.objects.filter(verb="matter_link.created").count() == 1


@pytest.mark.parametrize("persona", ["lj-coord", "tf-unit", "leader", "auditor", "outsider"])
def test_only_the_obligations_side_or_the_office_turns_it_into_a_matter_and_nothing_is_written_otherwise(
    world, persona
):
    agreement = make_agreement(world)
    obligation = services.add_obligation(agreement, user=world.users["office"], text="联合培训", side=world.tf)
    with pytest.raises(PermissionDenied):
        services.follow_up_obligation(obligation, user=world.users[persona], year=2020)
    assert not Matter.objects.exists()
    assert services.obligations_with_follow_up(agreement)[0].follow_ups == []


# --- expiry on the meeting agenda ------------------------------------------------------------------


def test_the_agenda_proposes_agreements_expiring_within_sixty_days_after_the_session(world):
    session = add_session(world, make_series(world), D(2023, 4, 10))
    soon = make_agreement(world, title="将到期", expires_on=D(2023, 6, 9))
    lapsed = make_agreement(world, title="已过期未续签", expires_on=D(2023, 3, 31))
    make_agreement(world, title="还早", expires_on=D(2023, 6, 10))
    make_agreement(world, title="无固定期限", expires_on=None)
    ended = make_agreement(world, title="已终止", expires_on=D(2023, 5, 1))
    services.terminate(ended, user=world.users["office"], terminated_on=D(2022, 1, 1), reason="合并")
    proposed = [
        p for p in meetings.propose_standing_items(session, today=D(2023, 3, 1)) if p.source == "agreement_expiry"
    ]
    assert [p.obj for p in proposed] == [lapsed, soon]
    assert "2023-06-09" in proposed[1].reason
    assert "两江新区市场监管局" in proposed[1].reason
    with acting(world.users["office"]):
        meetings.add_proposals(session, user=world.users["office"], keys=[proposed[1].key])
    assert [p.obj for p in meetings.propose_standing_items(session) if p.source == "agreement_expiry"] == [lapsed]


def test_a_number_is_given_to_one_agreement_of_the_partnership_only(world):
    first = make_agreement(world, code="XY2020-01")
    with pytest.raises(ValidationError):
        make_agreement(world, title="另一份", code="XY2020-01")
    second = make_agreement(world, title="另一份", code="XY2020-02")
    with pytest.raises(ValidationError):
        services.update_agreement(second, user=world.users["office"], version=second.version, code="XY2020-01")
    services.update_agreement(first, user=world.users["office"], version=first.version, code="XY2020-01")
    assert Agreement.objects.filter(code="XY2020-01").count() == 1

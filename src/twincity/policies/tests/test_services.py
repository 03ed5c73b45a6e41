import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from twincity.audit.context import acting
from twincity.audit.models import AuditEvent, ObjectChange
from twincity.core.models import ArchiveInsteadError
from twincity.core.search import search
from twincity.meetings.services import propose_standing_items
from twincity.meetings.tests.helpers import add_session, make_series
from twincity.policies import services
from twincity.policies.choices import AlignmentStatus, ToleranceKind
from twincity.policies.models import AlignmentGroup, Clause, Policy
from twincity.regions.models import Region

pytestmark = pytest.mark.django_db

D = Decimal


def make_policy(w, side, *, by="office", title=None, **fields):
    user = w.users[by]
    with acting(user):
        return services.create_policy(
            partnership=w.partnership,
            user=user,
            side=side,
            title=title or f"{side.short_name}支持产业发展若干政策",
            issuing_body=f"{side.name}管理委员会",
            document_number="〔2020〕1号",
            effective_on=dt.date(2020, 1, 1),
            **fields,
        )


def make_clause(w, policy, value, *, by="office", unit="%", term="厂房租金补贴", **fields):
    user = w.users[by]
    with acting(user):
        return services.add_clause(policy, user=user, term_name=term, value=D(value), unit=unit, **fields)


def make_group(w, clauses=(), *, tolerance="10", kind=ToleranceKind.RELATIVE, unit="%"):
    office = w.users["office"]
    with acting(office):
        return services.create_group(
            partnership=w.partnership,
            user=office,
            title="厂房租金补贴（前三年）",
            term_name="厂房租金补贴",
            unit=unit,
            tolerance=D(tolerance),
            tolerance_kind=kind,
            clauses=clauses,
        )


@pytest.fixture
def pair(world):
    """A rent-subsidy group with Tianfu's 50 % and Liangjiang's 50 %: aligned, tolerance 10 %."""
    tf_clause = make_clause(world, make_policy(world, world.tf), "50", reference="第五条", qualifier="前三年")
    lj_clause = make_clause(world, make_policy(world, world.lj), "50", reference="第三条", qualifier="前三年")
    group = make_group(world, [tf_clause, lj_clause])
    return group, tf_clause, lj_clause


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def events(group, verb):
    return list(AuditEvent.objects.filter(object_id=group.pk, verb=verb).order_by("pk"))


# -- policies and clauses ------------------------------------------------------------------------


def test_a_coordinator_enters_a_policy_of_their_own_side_and_the_office_of_either(world):
    tf_policy = make_policy(world, world.tf, by="tf-coord")
    lj_policy = make_policy(world, world.lj, by="office")
    assert tf_policy.side == world.tf
    assert lj_policy.side == world.lj
    assert AuditEvent.objects.filter(verb="policy.created", object_id=tf_policy.pk).exists()
    assert ObjectChange.objects.filter(changed_object_id=tf_policy.pk, action="create").exists()


@pytest.mark.parametrize("persona", ["lj-coord", "tf-unit", "leader", "auditor", "outsider"])
def test_nobody_else_enters_a_tianfu_policy(world, persona):
    with pytest.raises(PermissionDenied):
        make_policy(world, world.tf, by=persona)
    assert not Policy.objects.exists()


def test_a_policy_must_be_of_a_side_of_the_partnership(world):
    elsewhere = Region.objects.create(code="CD", name="成都东部新区", short_name="东部")
    with pytest.raises(ValidationError):
        make_policy(world, elsewhere)


def test_a_policy_cannot_expire_before_it_takes_effect(world):
    with pytest.raises(ValidationError):
        make_policy(world, world.tf, expires_on=dt.date(2019, 12, 31))


def test_markup_in_a_policy_and_a_clause_is_removed_before_it_is_stored(world):
    policy = make_policy(world, world.tf, title="<b>天府</b>新区政策<script>alert(1)</script>")
    clause = make_clause(world, policy, "50", text="<img src=x onerror=alert(1)>补贴")
    assert policy.title == "天府新区政策"
    assert clause.text == "补贴"


def test_a_policy_is_found_by_its_words(world):
    make_policy(world, world.tf, title="天府新区支持总部经济发展若干政策")
    make_policy(world, world.lj, title="两江新区人才安居办法")
    found = search(Policy.objects.all(), "总部经济")
    assert [p.title for p in found] == ["天府新区支持总部经济发展若干政策"]


def test_a_coordinator_adds_clauses_to_their_own_sides_policies_only(world):
    tf_policy = make_policy(world, world.tf)
    clause = make_clause(world, tf_policy, "50", by="tf-coord", unit="％ ")
    assert clause.unit == "%"  # one spelling per unit
    with pytest.raises(PermissionDenied):
        make_clause(world, tf_policy, "40", by="lj-coord")
    with pytest.raises(PermissionDenied):
        make_clause(world, tf_policy, "40", by="leader")
    assert tf_policy.clauses.count() == 1


def test_a_clause_value_is_never_negative(world):
    with pytest.raises(ValidationError):
        make_clause(world, make_policy(world, world.tf), "-5")


def test_the_policy_document_is_attached_with_its_type_checked(world):
    policy = make_policy(world, world.tf)
    office = world.users["office"]
    pdf = SimpleUploadedFile("政策原文.pdf", b"%PDF-1.4 text", content_type="application/pdf")
    with acting(office):
        attachment = services.attach_document(policy, pdf, user=office)
    assert list(policy.attachments.all()) == [attachment]
    assert AuditEvent.objects.filter(verb="policy.document_attached", object_id=policy.pk).exists()
    fake = SimpleUploadedFile("fake.pdf", b"MZ not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError):
        services.attach_document(policy, fake, user=office)
    with pytest.raises(PermissionDenied):
        services.attach_document(policy, pdf, user=world.users["lj-coord"])


def test_the_second_of_two_concurrent_policy_edits_is_refused(world):
    policy = make_policy(world, world.tf)
    office = world.users["office"]
    first, second = fresh(policy), fresh(policy)
    services.update_policy(first, user=office, version=first.version, document_number="〔2020〕7号")
    with pytest.raises(services.ConflictError) as caught:
        services.update_policy(second, user=office, version=second.version, document_number="〔2020〕8号")
    assert caught.value.current.document_number == "〔2020〕7号"
    assert fresh(policy).document_number == "〔2020〕7号"


def test_the_second_of_two_concurrent_clause_edits_is_refused(world):
    clause = make_clause(world, make_policy(world, world.tf), "50")
    office = world.users["office"]
    first, second = fresh(clause), fresh(clause)
    services.update_clause(first, user=office, version=first.version, value=D("45"))
    with pytest.raises(services.ConflictError):
        services.update_clause(second, user=office, version=second.version, value=D("55"))
    assert fresh(clause).value == D("45")


def test_a_policy_is_archived_never_deleted(world):
    policy = make_policy(world, world.tf)
    with pytest.raises(ArchiveInsteadError):
        policy.delete()
    with pytest.raises(PermissionDenied):
        services.archive_policy(policy, user=world.users["lj-coord"])
    services.archive_policy(policy, user=world.users["tf-coord"])
    assert fresh(policy).archived_at is not None
    assert AuditEvent.objects.filter(verb="policy.archived", object_id=policy.pk).exists()


# -- alignment groups: the comparison ------------------------------------------------------------


def test_equal_terms_on_both_sides_are_aligned(pair):
    group, _tf, _lj = pair
    assert group.status == AlignmentStatus.ALIGNED
    assert group.divergence == D(0)
    assert fresh(group).divergence == D(0)


def test_a_lower_liangjiang_term_beyond_the_tolerance_flags_the_group_with_the_figures(world, pair):
    group, _tf, lj_clause = pair
    lj_coord = world.users["lj-coord"]
    with acting(lj_coord):
        services.update_clause(lj_clause, user=lj_coord, version=lj_clause.version, value=D("40"))
    group = fresh(group)
    assert group.status == AlignmentStatus.DIVERGING
    assert group.divergence == D("20")  # (50 − 40) / 50 × 100
    [flag] = events(group, "alignmentgroup.diverging")
    assert flag.user == lj_coord
    assert flag.data["divergence"] == "20.0000"
    assert flag.data["tolerance"] == "10.0000"
    assert flag.data["values"] == {"天府": ["50.0000"], "两江": ["40.0000"]}
    assert "20 %" in flag.message
    assert "10 %" in flag.message
    assert "40 %" in flag.message


def test_the_flag_goes_up_just_beyond_the_tolerance_and_not_at_it(world, pair):
    group, _tf, lj_clause = pair
    office = world.users["office"]
    services.update_clause(lj_clause, user=office, version=lj_clause.version, value=D("45"))  # exactly 10 %
    assert fresh(group).status == AlignmentStatus.ALIGNED
    assert fresh(group).divergence == D(10)
    services.update_clause(lj_clause, user=office, version=lj_clause.version, value=D("44.99"))
    assert fresh(group).status == AlignmentStatus.DIVERGING
    assert fresh(group).divergence == D("10.02")


def test_an_absolute_tolerance_is_measured_in_the_groups_unit(world):
    tf = make_clause(world, make_policy(world, world.tf), "10", unit="万元/人", term="人才安居补贴")
    lj = make_clause(world, make_policy(world, world.lj), "8", unit="万元/人", term="人才安居补贴")
    group = make_group(world, [tf, lj], tolerance="2", kind=ToleranceKind.ABSOLUTE, unit="万元/人")
    assert group.divergence == D(2)
    assert group.status == AlignmentStatus.ALIGNED
    assert group.divergence_display == "2 万元/人"
    services.update_clause(lj, user=world.users["office"], version=lj.version, value=D("7.5"))
    assert fresh(group).status == AlignmentStatus.DIVERGING


def test_a_diverging_group_becomes_aligned_again_within_the_tolerance(world, pair):
    group, _tf, lj_clause = pair
    office = world.users["office"]
    services.update_clause(lj_clause, user=office, version=lj_clause.version, value=D("30"))
    services.update_clause(lj_clause, user=office, version=lj_clause.version, value=D("48"))
    group = fresh(group)
    assert group.status == AlignmentStatus.ALIGNED
    assert [e.data["to"] for e in AuditEvent.objects.filter(object_id=group.pk, data__has_key="to").order_by("pk")] == [
        "diverging",
        "aligned",
    ]


def test_a_group_created_with_diverging_clauses_is_flagged_at_once(world):
    tf = make_clause(world, make_policy(world, world.tf), "30", term="工业用地出让价格优惠")
    lj = make_clause(world, make_policy(world, world.lj), "45", term="工业用地出让价格优惠")
    group = make_group(world, [tf, lj], tolerance="5", kind=ToleranceKind.ABSOLUTE)
    assert group.status == AlignmentStatus.DIVERGING
    assert group.divergence == D(15)
    assert events(group, "alignmentgroup.diverging")


def test_a_side_without_a_clause_leaves_nothing_to_compare(world):
    tf = make_clause(world, make_policy(world, world.tf), "50")
    group = make_group(world, [tf])
    assert group.divergence is None
    assert group.status == AlignmentStatus.ALIGNED


def test_a_coordinator_adds_their_own_sides_clause_and_the_comparison_follows(world):
    tf = make_clause(world, make_policy(world, world.tf), "50")
    lj = make_clause(world, make_policy(world, world.lj), "35")
    group = make_group(world, [tf])
    with pytest.raises(PermissionDenied):
        services.add_member(group, lj, user=world.users["tf-coord"])  # not their side's clause
    for persona in ("lj-unit", "leader", "auditor", "outsider"):
        with pytest.raises(PermissionDenied):
            services.add_member(group, lj, user=world.users[persona])
    lj_coord = world.users["lj-coord"]
    with acting(lj_coord):
        member = services.add_member(group, lj, user=lj_coord)
    assert member.added_by == lj_coord
    assert group.status == AlignmentStatus.DIVERGING
    assert group.divergence == D(30)
    assert events(group, "alignmentgroup.member_added")[-1].data["side"] == "两江"


def test_clauses_in_another_unit_are_refused(world):
    tf = make_clause(world, make_policy(world, world.tf), "50")
    lj = make_clause(world, make_policy(world, world.lj), "3", unit="元/平方米·月")
    group = make_group(world, [tf])
    with pytest.raises(ValidationError):
        services.add_member(group, lj, user=world.users["office"])
    with pytest.raises(ValidationError):
        services.update_clause(tf, user=world.users["office"], version=tf.version, unit="元/平方米·月")
    assert group.members.count() == 1


def test_a_clause_is_compared_once_per_group(pair, world):
    group, tf, _lj = pair
    with pytest.raises(ValidationError):
        services.add_member(group, tf, user=world.users["office"])


def test_only_the_office_takes_a_clause_out_and_the_group_is_recomputed(world):
    tf = make_clause(world, make_policy(world, world.tf), "50")
    lj = make_clause(world, make_policy(world, world.lj), "30")
    group = make_group(world, [tf, lj])
    assert group.status == AlignmentStatus.DIVERGING
    member = group.members.get(clause=lj)
    with pytest.raises(PermissionDenied):
        services.remove_member(member, user=world.users["lj-coord"], reason="撤回")
    office = world.users["office"]
    with acting(office):
        services.remove_member(member, user=office, reason="条款已废止")
    group = fresh(group)
    assert group.status == AlignmentStatus.ALIGNED
    assert group.divergence is None
    assert fresh(member).archived_at is not None  # the membership stays in the history
    assert events(group, "alignmentgroup.member_removed")[0].message == "条款已废止"


def test_archiving_a_policy_takes_its_clauses_out_of_the_comparison(world):
    tf = make_clause(world, make_policy(world, world.tf), "50")
    lj_policy = make_policy(world, world.lj)
    lj = make_clause(world, lj_policy, "30")
    lj2 = make_clause(world, make_policy(world, world.lj, title="两江新区新政"), "48")
    group = make_group(world, [tf, lj, lj2])
    assert group.status == AlignmentStatus.DIVERGING
    services.archive_policy(lj_policy, user=world.users["lj-coord"])
    group = fresh(group)
    assert group.status == AlignmentStatus.ALIGNED
    assert group.divergence == D(4)


def test_archiving_a_clause_takes_it_out_of_the_comparison(world):
    tf = make_clause(world, make_policy(world, world.tf), "50")
    lj = make_clause(world, make_policy(world, world.lj), "30")
    group = make_group(world, [tf, lj])
    with pytest.raises(ArchiveInsteadError):
        lj.delete()
    services.archive_clause(lj, user=world.users["lj-coord"])
    assert fresh(group).divergence is None
    assert fresh(group).status == AlignmentStatus.ALIGNED


def test_a_tighter_tolerance_flags_the_group(world, pair):
    group, _tf, lj = pair
    office = world.users["office"]
    services.update_clause(lj, user=office, version=lj.version, value=D("47"))
    assert fresh(group).status == AlignmentStatus.ALIGNED
    group = fresh(group)
    services.update_group(group, user=office, version=group.version, tolerance=D("5"))
    assert group.status == AlignmentStatus.DIVERGING
    assert fresh(group).status == AlignmentStatus.DIVERGING


# -- alignment groups: who keeps them --------------------------------------------------------------


@pytest.mark.parametrize("persona", ["tf-coord", "lj-coord", "tf-unit", "leader", "auditor", "outsider"])
def test_only_the_office_sets_up_a_group(world, persona):
    user = world.users[persona]
    with pytest.raises(PermissionDenied):
        services.create_group(
            partnership=world.partnership, user=user, title="x", term_name="x", unit="%", tolerance=D(1)
        )
    assert not AlignmentGroup.objects.exists()


@pytest.mark.parametrize("persona", ["tf-coord", "lj-coord", "leader", "outsider"])
def test_a_side_cannot_loosen_the_tolerance_it_is_measured_against(world, pair, persona):
    group, _tf, _lj = pair
    with pytest.raises(PermissionDenied):
        services.update_group(group, user=world.users[persona], version=group.version, tolerance=D(50))
    assert fresh(group).tolerance == D(10)


def test_the_second_of_two_concurrent_group_edits_is_refused(world, pair):
    group, _tf, _lj = pair
    office = world.users["office"]
    first, second = fresh(group), fresh(group)
    services.update_group(first, user=office, version=first.version, title="租金补贴")
    with pytest.raises(services.ConflictError):
        services.update_group(second, user=office, version=second.version, title="厂房租金")
    assert fresh(group).title == "租金补贴"


def test_an_edit_begun_before_a_flag_cannot_write_back_the_old_status(world, pair):
    group, _tf, lj = pair
    office = world.users["office"]
    stale = fresh(group)
    services.update_clause(lj, user=office, version=lj.version, value=D("20"))
    with pytest.raises(services.ConflictError):
        services.update_group(stale, user=office, version=stale.version, title="改名")
    assert fresh(group).status == AlignmentStatus.DIVERGING


def test_a_group_is_archived_never_deleted(world, pair):
    group, _tf, _lj = pair
    with pytest.raises(ArchiveInsteadError):
        group.delete()
    with pytest.raises(PermissionDenied):
        services.archive_group(group, user=world.users["tf-coord"])
    services.archive_group(group, user=world.users["office"])
    assert fresh(group).archived_at is not None


# -- statuses people set ---------------------------------------------------------------------------


def test_a_member_sides_coordinator_puts_a_diverging_group_under_negotiation_and_it_stays(world, pair):
    group, _tf, lj = pair
    office = world.users["office"]
    services.update_clause(lj, user=office, version=lj.version, value=D("30"))
    group = fresh(group)
    tf_coord = world.users["tf-coord"]
    with acting(tf_coord):
        services.set_status(
            group, user=tf_coord, status=AlignmentStatus.NEGOTIATING, reason="双城办约定六月会商", version=group.version
        )
    assert fresh(group).status == AlignmentStatus.NEGOTIATING
    [event] = events(group, "alignmentgroup.negotiating")
    assert event.message == "双城办约定六月会商"
    assert event.data["from"] == "diverging"
    assert event.user == tf_coord
    # The figures move; the status people set stays.
    services.update_clause(lj, user=office, version=lj.version, value=D("50"))
    group = fresh(group)
    assert group.status == AlignmentStatus.NEGOTIATING
    assert group.divergence == D(0)
    services.update_clause(lj, user=office, version=lj.version, value=D("10"))
    assert fresh(group).status == AlignmentStatus.NEGOTIATING


def test_a_side_with_no_clause_in_the_group_cannot_put_it_under_negotiation(world):
    tf = make_clause(world, make_policy(world, world.tf), "50")
    group = make_group(world, [tf])
    with pytest.raises(PermissionDenied):
        services.set_status(group, user=world.users["lj-coord"], status=AlignmentStatus.NEGOTIATING, reason="x")
    for persona in ("tf-unit", "leader", "auditor", "outsider"):
        with pytest.raises(PermissionDenied):
            services.set_status(group, user=world.users[persona], status=AlignmentStatus.NEGOTIATING, reason="x")
    assert fresh(group).status == AlignmentStatus.ALIGNED


def test_only_the_office_records_that_the_sides_agreed_to_differ(world, pair):
    group, _tf, _lj = pair
    with pytest.raises(PermissionDenied):
        services.set_status(group, user=world.users["tf-coord"], status=AlignmentStatus.AGREED_TO_DIFFER, reason="x")
    office = world.users["office"]
    services.set_status(group, user=office, status=AlignmentStatus.AGREED_TO_DIFFER, reason="联席会议议定各自保留")
    assert fresh(group).status == AlignmentStatus.AGREED_TO_DIFFER
    assert fresh(group).status_reason == "联席会议议定各自保留"


def test_a_status_change_needs_a_reason_and_a_held_status(world, pair):
    group, _tf, _lj = pair
    office = world.users["office"]
    with pytest.raises(ValidationError):
        services.set_status(group, user=office, status=AlignmentStatus.NEGOTIATING, reason="  ")
    with pytest.raises(ValidationError):
        services.set_status(group, user=office, status=AlignmentStatus.DIVERGING, reason="人为标记")
    services.set_status(group, user=office, status=AlignmentStatus.NEGOTIATING, reason="会商")
    with pytest.raises(ValidationError):
        services.set_status(group, user=office, status=AlignmentStatus.NEGOTIATING, reason="再次会商")


def test_a_stale_status_change_is_refused(world, pair):
    group, _tf, lj = pair
    office = world.users["office"]
    stale = fresh(group)
    services.update_clause(lj, user=office, version=lj.version, value=D("30"))  # flagged meanwhile
    with pytest.raises(services.ConflictError):
        services.set_status(
            stale, user=office, status=AlignmentStatus.NEGOTIATING, reason="会商", version=stale.version
        )


def test_ending_a_negotiation_hands_the_group_back_to_the_comparison(world, pair):
    group, _tf, lj = pair
    office = world.users["office"]
    tf_coord = world.users["tf-coord"]
    services.set_status(group, user=tf_coord, status=AlignmentStatus.NEGOTIATING, reason="会商")
    services.update_clause(lj, user=office, version=lj.version, value=D("30"))
    group = fresh(group)
    with pytest.raises(PermissionDenied):
        services.resume_comparison(group, user=world.users["leader"], reason="x")
    with acting(tf_coord):
        services.resume_comparison(group, user=tf_coord, reason="会商未果", version=group.version)
    assert fresh(group).status == AlignmentStatus.DIVERGING
    [event] = events(group, "alignmentgroup.resumed")
    assert event.data["to"] == "diverging"
    assert "会商未果" in event.message
    with pytest.raises(ValidationError):
        services.resume_comparison(fresh(group), user=office, reason="again")


def test_only_the_office_ends_an_agreement_to_differ(world, pair):
    group, _tf, _lj = pair
    office = world.users["office"]
    services.set_status(group, user=office, status=AlignmentStatus.AGREED_TO_DIFFER, reason="各自保留")
    with pytest.raises(PermissionDenied):
        services.resume_comparison(fresh(group), user=world.users["tf-coord"], reason="重新比较")
    services.resume_comparison(fresh(group), user=office, reason="重新比较")
    assert fresh(group).status == AlignmentStatus.ALIGNED


def test_the_history_tells_how_the_group_got_where_it_is(world, pair):
    group, _tf, lj = pair
    office = world.users["office"]
    with acting(office):
        services.update_clause(lj, user=office, version=lj.version, value=D("30"))
        services.set_status(fresh(group), user=office, status=AlignmentStatus.NEGOTIATING, reason="会商")
        services.update_clause(lj, user=office, version=lj.version, value=D("50"))
        services.resume_comparison(fresh(group), user=office, reason="两江已调整")
    verbs = list(AuditEvent.objects.filter(object_id=group.pk).order_by("pk").values_list("verb", flat=True))
    assert [v for v in verbs if v.startswith("alignmentgroup.") and v != "alignmentgroup.member_added"] == [
        "alignmentgroup.created",
        "alignmentgroup.diverging",
        "alignmentgroup.negotiating",
        "alignmentgroup.resumed",
    ]
    assert fresh(group).status == AlignmentStatus.ALIGNED


def test_the_side_by_side_view_lists_every_side_with_its_clauses(world):
    tf = make_clause(world, make_policy(world, world.tf), "50")
    lj1 = make_clause(world, make_policy(world, world.lj), "40")
    lj2 = make_clause(world, make_policy(world, world.lj, title="两江新区另一政策"), "45")
    group = make_group(world, [tf, lj1, lj2])
    columns = services.side_by_side(group)
    assert [c.region for c in columns] == [world.tf, world.lj]
    assert [m.clause for m in columns[1].members] == [lj1, lj2]
    assert (columns[1].low, columns[1].high) == (D(40), D(45))
    assert isinstance(fresh(tf), Clause)


# -- the joint meeting -----------------------------------------------------------------------------


def test_a_diverging_or_negotiated_group_is_proposed_for_the_next_joint_meeting(world, pair):
    group, _tf, lj = pair
    office = world.users["office"]
    tf = make_clause(world, make_policy(world, world.tf), "10", unit="万元/人", term="人才安居补贴")
    lj2 = make_clause(world, make_policy(world, world.lj), "8", unit="万元/人", term="人才安居补贴")
    housing = make_group(world, [tf, lj2], tolerance="1", kind=ToleranceKind.ABSOLUTE, unit="万元/人")
    services.set_status(housing, user=office, status=AlignmentStatus.NEGOTIATING, reason="会商")
    session = add_session(world, make_series(world), dt.date(2020, 7, 15))

    def proposed():
        return [
            p for p in propose_standing_items(session, today=dt.date(2020, 7, 1)) if p.source == "policy_divergence"
        ]

    assert [p.obj for p in proposed()] == [housing]  # the aligned group is not proposed
    services.update_clause(lj, user=office, version=lj.version, value=D("30"))
    proposals = proposed()
    assert [p.obj for p in proposals] == [group, housing]
    assert "40 %" in proposals[0].reason
    assert "10 %" in proposals[0].reason

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from twincity.audit.context import acting
from twincity.audit.models import AuditEvent, ObjectChange
from twincity.core import search
from twincity.core.models import ArchiveInsteadError
from twincity.matters.services import OwnerSpec
from twincity.meetings.choices import OutcomeKind
from twincity.meetings.services import propose_standing_items
from twincity.meetings.tests.helpers import add_session, make_series
from twincity.registers.choices import LinkRelation
from twincity.registers.services import follow_up, link_matter, links_of
from twincity.siting import services, specialisation
from twincity.siting.choices import CaseStatus
from twincity.siting.models import SitingBid, SitingCase
from twincity.siting.tests.helpers import make_case, meeting_decision
from twincity.testing import make_matter

pytestmark = pytest.mark.django_db

DAY = dt.date(2020, 7, 1)


def verbs(case):
    events = AuditEvent.objects.filter(object_id=case.pk, verb__startswith="sitingcase.").order_by("pk")
    return list(events.values_list("verb", flat=True))


def decided(w, case, *, side=None, **kwargs):
    office = w.users["office"]
    kwargs.setdefault("rationale", "科学城急需，两江已有多个类似平台")
    kwargs.setdefault("decided_on", DAY)
    with acting(office):
        return services.decide(case, user=office, side=side or w.tf, **kwargs)


# ------------------------------------------------------------------------------------------ bids and status


def test_a_case_both_sides_bid_for_is_under_negotiation_with_every_step_logged(world):
    case = make_case(world)
    assert case.status == CaseStatus.NEGOTIATING
    assert {b.side_id for b in case.bids.all()} == {world.tf.pk, world.lj.pk}
    assert verbs(case) == [
        "sitingcase.created",
        "sitingcase.bid_submitted",
        "sitingcase.bid_submitted",
        "sitingcase.negotiating",
    ]
    assert ObjectChange.objects.filter(changed_object_id=case.pk, action="create").exists()


def test_a_case_with_one_bid_stays_open_until_the_other_side_bids(world):
    case = make_case(world, bids=("TF",))
    assert case.status == CaseStatus.OPEN
    lj_coord = world.users["lj-coord"]
    with acting(lj_coord):
        bid = services.submit_bid(case, user=lj_coord, side=world.lj, candidate_site="两江协同创新区", need="算力")
    case.refresh_from_db()
    assert bid.side == world.lj
    assert case.status == CaseStatus.NEGOTIATING


def test_the_office_may_raise_a_case_before_any_side_bids(world):
    case = make_case(world, bids=())
    assert case.status == CaseStatus.OPEN
    assert not case.bids.exists()


def test_a_coordinator_raises_a_case_only_with_their_own_sides_bid(world):
    lj_coord = world.users["lj-coord"]
    with pytest.raises(PermissionDenied):
        make_case(world, bids=("TF",), user=lj_coord)
    with pytest.raises(PermissionDenied):
        make_case(world, bids=(), user=lj_coord)
    assert not SitingCase.objects.exists()
    case = make_case(world, bids=("LJ",), user=lj_coord)
    assert case.status == CaseStatus.OPEN


@pytest.mark.parametrize("persona", ["tf-unit", "lj-unit", "leader", "auditor", "outsider"])
def test_only_the_office_and_coordinators_raise_cases_and_bid(world, persona):
    user = world.users[persona]
    with pytest.raises(PermissionDenied):
        make_case(world, bids=(), user=user)
    case = make_case(world, bids=("TF",))
    with pytest.raises(PermissionDenied):
        services.submit_bid(case, user=user, side=world.lj, candidate_site="两江")
    bid = case.bids.get()
    with pytest.raises(PermissionDenied):
        services.update_bid(bid, user=user, version=bid.version, need="改")
    with pytest.raises(PermissionDenied):
        services.update_siting_case(case, user=user, version=case.version, title="改")
    assert SitingBid.objects.get(pk=bid.pk).need == "科学城需要布局一个大数据平台"


def test_each_side_edits_only_its_own_bid(world):
    case = make_case(world)
    lj_bid = case.bids.get(side=world.lj)
    tf_coord, lj_coord = world.users["tf-coord"], world.users["lj-coord"]
    with pytest.raises(PermissionDenied):
        services.update_bid(lj_bid, user=tf_coord, version=lj_bid.version, policy_offer="更低的地价")
    with pytest.raises(PermissionDenied):
        services.submit_bid(make_case(world, bids=("TF",)), user=tf_coord, side=world.lj, candidate_site="两江")
    with acting(lj_coord):
        services.update_bid(lj_bid, user=lj_coord, version=lj_bid.version, policy_offer="与天府同等政策")
    assert SitingBid.objects.get(pk=lj_bid.pk).policy_offer == "与天府同等政策"


def test_a_coordinator_of_a_side_party_to_the_case_edits_the_case_but_a_stranger_side_does_not(world):
    case = make_case(world, bids=("TF",))
    with pytest.raises(PermissionDenied):
        services.update_siting_case(case, user=world.users["lj-coord"], version=case.version, title="改")
    tf_coord = world.users["tf-coord"]
    with acting(tf_coord):
        services.update_siting_case(case, user=tf_coord, version=case.version, industry="超级计算")
    assert SitingCase.objects.get(pk=case.pk).industry == "超级计算"


def test_a_side_bids_once(world):
    case = make_case(world, bids=("TF",))
    office = world.users["office"]
    with pytest.raises(ValidationError):
        services.submit_bid(case, user=office, side=world.tf, candidate_site="天府总部商务区")
    assert case.bids.count() == 1


def test_a_bid_names_a_unit_of_its_own_side(world):
    case = make_case(world, bids=())
    office = world.users["office"]
    with pytest.raises(ValidationError):
        services.submit_bid(case, user=office, side=world.tf, candidate_site="成都科学城", unit=world.lj_dept)
    bid = services.submit_bid(case, user=office, side=world.tf, candidate_site="成都科学城", unit=world.tf_dept)
    with pytest.raises(ValidationError):
        services.update_bid(bid, user=office, version=bid.version, unit=world.lj_dept2)


def test_status_and_decision_are_not_edited_as_plain_fields(world):
    case = make_case(world)
    office = world.users["office"]
    with pytest.raises(ValidationError):
        services.update_siting_case(case, user=office, version=case.version, status=CaseStatus.DECIDED)
    with pytest.raises(ValidationError):
        services.update_siting_case(case, user=office, version=case.version, decided_side=world.tf)
    assert SitingCase.objects.get(pk=case.pk).status == CaseStatus.NEGOTIATING


def test_markup_in_a_bid_is_stored_as_plain_text(world):
    case = make_case(world, bids=())
    office = world.users["office"]
    bid = services.submit_bid(
        case, user=office, side=world.tf, candidate_site="<b>成都科学城</b>", need="<script>x()</script>急需"
    )
    assert (bid.candidate_site, bid.need) == ("成都科学城", "急需")


# ------------------------------------------------------------------------------------------ negotiation record


def test_a_meeting_decision_is_linked_into_the_negotiation_record_not_copied(world):
    case = make_case(world, bids=("TF",))
    outcome = meeting_decision(world)
    tf_coord = world.users["tf-coord"]
    with acting(tf_coord):
        record = services.link_negotiation(case, outcome, user=tf_coord, note="第二次对接会议")
    assert record.outcome_id == outcome.pk
    assert list(case.negotiations.values_list("outcome__text", flat=True)) == [outcome.text]
    case.refresh_from_db()
    assert case.status == CaseStatus.NEGOTIATING  # the meeting took the case up
    assert "sitingcase.negotiation_linked" in verbs(case)
    assert services.link_negotiation(case, outcome, user=tf_coord) == record  # once only
    with acting(tf_coord):
        services.unlink_negotiation(record, user=tf_coord)
    assert not case.negotiations.filter(archived_at__isnull=True).exists()
    assert case.negotiations.count() == 1  # archived, not deleted


def test_only_a_decision_goes_into_the_negotiation_record(world):
    case = make_case(world)
    noted = meeting_decision(world, kind=OutcomeKind.INFORMATION, text="听取了情况汇报")
    with pytest.raises(ValidationError):
        services.link_negotiation(case, noted, user=world.users["office"])
    assert not case.negotiations.exists()


def test_a_coordinator_of_a_side_not_party_to_the_case_cannot_link_decisions(world):
    case = make_case(world, bids=("TF",))
    outcome = meeting_decision(world)
    for persona in ("lj-coord", "tf-unit", "leader", "auditor", "outsider"):
        with pytest.raises(PermissionDenied):
            services.link_negotiation(case, outcome, user=world.users[persona])
    assert not case.negotiations.exists()


# ------------------------------------------------------------------------------------------ the decision


def test_a_siting_decision_closes_the_case(world):
    case = make_case(world)
    outcome = meeting_decision(world)
    office = world.users["office"]
    services.link_negotiation(case, outcome, user=office)
    case = decided(world, case, site="成都科学城（成都超级计算中心）")
    case.refresh_from_db()
    assert (case.status, case.decided_side, case.decided_site, case.decided_on) == (
        CaseStatus.DECIDED,
        world.tf,
        "成都科学城（成都超级计算中心）",
        DAY,
    )
    assert case.is_closed
    event = AuditEvent.objects.get(object_id=case.pk, verb="sitingcase.decided")
    assert event.message == "科学城急需，两江已有多个类似平台"

    tf_bid, lj_bid = case.bids.get(side=world.tf), case.bids.get(side=world.lj)
    later = meeting_decision(world, day=dt.date(2020, 8, 5), text="会议议定：复议布局")
    refused = [
        lambda: services.update_bid(tf_bid, user=office, version=tf_bid.version, need="改"),
        lambda: services.withdraw_bid(lj_bid, user=office, reason="放弃"),
        lambda: services.link_negotiation(case, later, user=office),
        lambda: services.unlink_negotiation(case.negotiations.get(), user=office),
        lambda: decided(world, case, side=world.lj),
        lambda: services.withdraw_case(case, user=office, reason="撤回"),
    ]
    for attempt in refused:
        with pytest.raises(ValidationError):
            attempt()
    case.refresh_from_db()
    assert case.decided_side == world.tf
    assert case.negotiations.filter(archived_at__isnull=True).count() == 1
    assert SitingBid.objects.get(pk=tf_bid.pk).need == "科学城需要布局一个大数据平台"


def test_no_side_can_bid_on_a_decided_case(world):
    case = decided(world, make_case(world, bids=("TF",)))
    with pytest.raises(ValidationError):
        services.submit_bid(case, user=world.users["office"], side=world.lj, candidate_site="两江")


def test_the_decision_goes_to_a_side_with_a_live_bid(world):
    case = make_case(world, bids=("TF",))
    with pytest.raises(ValidationError):
        decided(world, case, side=world.lj)  # no bid
    case = make_case(world, title="另一个平台")
    lj_coord = world.users["lj-coord"]
    with acting(lj_coord):
        services.withdraw_bid(case.bids.get(side=world.lj), user=lj_coord, reason="两江已有多个类似平台")
    with pytest.raises(ValidationError):
        decided(world, case, side=world.lj)  # withdrawn bid
    assert SitingCase.objects.get(pk=case.pk).status == CaseStatus.NEGOTIATING


def test_the_decided_site_defaults_to_the_winning_bids_candidate_site(world):
    case = decided(world, make_case(world))
    assert case.decided_site == "成都科学城"


def test_the_decision_needs_a_rationale_and_a_date_not_in_the_future(world):
    case = make_case(world)
    with pytest.raises(ValidationError):
        decided(world, case, rationale="  ")
    with pytest.raises(ValidationError):
        decided(world, case, decided_on=timezone.localdate() + dt.timedelta(days=1))
    assert SitingCase.objects.get(pk=case.pk).status == CaseStatus.NEGOTIATING


@pytest.mark.parametrize("persona", ["tf-coord", "lj-coord", "tf-unit", "leader", "auditor", "outsider"])
def test_only_the_office_records_the_decision(world, persona):
    case = make_case(world)
    with pytest.raises(PermissionDenied):
        services.decide(case, user=world.users[persona], side=world.tf, rationale="我方急需", decided_on=DAY)
    assert SitingCase.objects.get(pk=case.pk).status == CaseStatus.NEGOTIATING


def test_a_decision_from_a_stale_page_is_refused(world):
    case = make_case(world)
    stale = SitingCase.objects.get(pk=case.pk)
    office = world.users["office"]
    services.update_siting_case(case, user=office, version=case.version, note="补充说明")
    with pytest.raises(services.ConflictError):
        services.decide(stale, user=office, side=world.tf, rationale="急需", decided_on=DAY, version=stale.version)
    assert SitingCase.objects.get(pk=case.pk).status == CaseStatus.NEGOTIATING


# ------------------------------------------------------------------------------------------ withdrawals


def test_withdrawing_a_case_needs_a_reason_and_is_the_offices(world):
    case = make_case(world)
    office = world.users["office"]
    with pytest.raises(ValidationError):
        services.withdraw_case(case, user=office, reason=" ")
    with pytest.raises(PermissionDenied):
        services.withdraw_case(case, user=world.users["tf-coord"], reason="项目方另选他处")
    with acting(office):
        services.withdraw_case(case, user=office, reason="项目方另选他处")
    case.refresh_from_db()
    assert (case.status, case.withdrawal_reason) == (CaseStatus.WITHDRAWN, "项目方另选他处")
    assert AuditEvent.objects.get(object_id=case.pk, verb="sitingcase.withdrawn").message == "项目方另选他处"
    with pytest.raises(ValidationError):
        decided(world, case)


def test_withdrawing_a_bid_needs_a_reason_and_keeps_it_on_the_case(world):
    case = make_case(world)
    lj_bid = case.bids.get(side=world.lj)
    lj_coord = world.users["lj-coord"]
    with pytest.raises(ValidationError):
        services.withdraw_bid(lj_bid, user=lj_coord, reason="")
    with pytest.raises(PermissionDenied):
        services.withdraw_bid(lj_bid, user=world.users["tf-coord"], reason="让给天府")
    with acting(lj_coord):
        services.withdraw_bid(lj_bid, user=lj_coord, reason="两江已有多个类似平台")
    lj_bid.refresh_from_db()
    assert lj_bid.is_withdrawn
    assert lj_bid.withdrawal_reason == "两江已有多个类似平台"
    assert case.bids.count() == 2
    assert "sitingcase.bid_withdrawn" in verbs(case)
    with pytest.raises(ValidationError):
        services.update_bid(lj_bid, user=lj_coord, version=lj_bid.version, need="改")


# ------------------------------------------------------------------------------------------ follow-up


def test_a_decided_case_is_carried_out_by_follow_up_matters_and_shows_their_state(world):
    case = decided(world, make_case(world))
    office = world.users["office"]
    with acting(office):
        matter = follow_up(
            case, user=office, title="成都超级计算中心建设", year=2020, owners=[OwnerSpec(world.tf_dept)]
        )
        serving = make_matter(world, title="算力资源共享")
        link_matter(case, serving, user=office)
    links = links_of(case)
    assert [(link.matter, link.relation) for link in links] == [
        (matter, LinkRelation.CREATED),
        (serving, LinkRelation.SERVES),
    ]
    assert links[0].matter.light  # its state shows on the case


def test_bid_sides_are_the_sides_a_user_may_still_bid_for(world):
    case = make_case(world, bids=("TF",))
    assert services.bid_sides(world.users["office"], case) == [world.lj]
    assert services.bid_sides(world.users["lj-coord"], case) == [world.lj]
    assert services.bid_sides(world.users["tf-coord"], case) == []
    assert services.bid_sides(world.users["leader"], case) == []
    case = decided(world, case)
    assert services.bid_sides(world.users["office"], case) == []


# ------------------------------------------------------------------------------------------ the record itself


def test_the_second_of_two_concurrent_bid_edits_is_refused(world):
    case = make_case(world)
    tf_coord = world.users["tf-coord"]
    first = SitingBid.objects.get(case=case, side=world.tf)
    second = SitingBid.objects.get(case=case, side=world.tf)
    services.update_bid(first, user=tf_coord, version=first.version, policy_offer="第一版")
    with pytest.raises(services.ConflictError) as caught:
        services.update_bid(second, user=tf_coord, version=second.version, policy_offer="第二版")
    assert caught.value.current.policy_offer == "第一版"
    assert SitingBid.objects.get(pk=first.pk).policy_offer == "第一版"


def test_the_second_of_two_concurrent_case_edits_is_refused(world):
    case = make_case(world)
    office = world.users["office"]
    first, second = SitingCase.objects.get(pk=case.pk), SitingCase.objects.get(pk=case.pk)
    services.update_siting_case(first, user=office, version=first.version, title="第一版")
    with pytest.raises(services.ConflictError):
        services.update_siting_case(second, user=office, version=second.version, title="第二版")
    assert SitingCase.objects.get(pk=case.pk).title == "第一版"


def test_a_siting_case_is_archived_never_deleted(world):
    case = make_case(world)
    with pytest.raises(ArchiveInsteadError):
        case.delete()
    with pytest.raises(ArchiveInsteadError):
        case.bids.first().delete()
    with pytest.raises(PermissionDenied):
        services.archive_siting_case(case, user=world.users["leader"])
    services.archive_siting_case(case, user=world.users["office"])
    case.refresh_from_db()
    assert case.is_archived
    assert AuditEvent.objects.filter(object_id=case.pk, verb="sitingcase.archived").exists()


def test_every_member_reads_every_case_and_an_outsider_none(world):
    case = make_case(world, bids=("TF",))
    for persona in ("office", "tf-coord", "lj-coord", "tf-unit", "lj-unit", "leader", "auditor"):
        assert list(SitingCase.objects.restrict(world.users[persona])) == [case]
        assert SitingBid.objects.restrict(world.users[persona]).count() == 1
    assert not SitingCase.objects.restrict(world.users["outsider"]).exists()


def test_search_finds_a_case_by_its_sides_candidate_sites_and_industry(world):
    case = make_case(world)
    make_case(world, title="汽车测试基地", bids=(), industry="智能网联汽车")
    assert list(search.search(SitingCase.objects.all(), "科学城")) == [case]
    assert list(search.search(SitingCase.objects.all(), "数字经济")) == [case]
    assert search.search(SitingCase.objects.all(), "汽车").count() == 1


def test_a_case_under_negotiation_is_proposed_for_the_next_joint_meeting(world):
    contested = make_case(world)
    make_case(world, title="尚未争议", bids=("TF",))
    decided(world, make_case(world, title="已定"))
    session = add_session(world, make_series(world), dt.date(2020, 7, 15))
    proposals = [p for p in propose_standing_items(session, today=DAY) if p.source == "siting_case"]
    assert [p.obj for p in proposals] == [contested]
    assert "成都科学城" in proposals[0].reason


# ------------------------------------------------------------------------------------------ the indicator hook


def test_specialisation_is_not_available_until_a_provider_registers(world):
    case = make_case(world)
    # The indicator system registers its provider when it is installed: it has no figures for this case.
    assert specialisation.specialisation_for(case) == ([] if specialisation.providers() else None)

    def quotients(c):
        return [specialisation.Specialisation(side=world.tf, value=1.8, period="2020")]

    specialisation.register("test", quotients)
    try:
        figures = specialisation.specialisation_for(case)
    finally:
        specialisation.unregister("test")
    assert [(f.side, f.value) for f in figures] == [(world.tf, 1.8)]

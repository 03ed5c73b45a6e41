"""A write saves only what it changed (issue 9): policy alignment's steps judge the group as it is now,
and a moved figure (a derived divergence) does not refuse the office's edit of the group."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from twincity.audit.context import acting
from twincity.audit.models import AuditEvent
from twincity.policies import services
from twincity.policies.choices import AlignmentStatus
from twincity.policies.models import AlignmentGroup, Clause, Policy
from twincity.policies.tests.test_services import fresh, make_policy, pair  # noqa: F401
from twincity.registers import services as registers

pytestmark = pytest.mark.django_db


def edit_meanwhile(group, user, note):
    current = AlignmentGroup.objects.get(pk=group.pk)
    return services.update_group(current, user=user, version=current.version, note=note).version


STEPS = ["negotiate", "resume", "clause_moves", "member_out", "policy_archived", "archive"]


@pytest.mark.parametrize("step", STEPS)
def test_a_group_edit_acknowledged_while_a_step_held_an_old_copy_is_kept(world, pair, step):  # noqa: F811
    group, _tf_clause, lj_clause = pair
    office = world.users["office"]
    with acting(office):
        if step == "resume":
            services.set_status(fresh(group), user=office, status=AlignmentStatus.NEGOTIATING, reason="会商")
        stale = AlignmentGroup.objects.get(pk=group.pk)
        stale_clause = Clause.objects.get(pk=lj_clause.pk)
        acknowledged = edit_meanwhile(group, office, "已确认的备注")
        if step == "negotiate":
            services.set_status(stale, user=office, status=AlignmentStatus.NEGOTIATING, reason="会商")
        elif step == "resume":
            services.resume_comparison(stale, user=office, reason="会商结束")
        elif step == "clause_moves":
            services.update_clause(stale_clause, user=office, version=stale_clause.version, value=D("20"))
        elif step == "member_out":
            member = stale.members.get(clause=lj_clause)
            services.remove_member(member, user=office, reason="口径不同")
        elif step == "policy_archived":
            services.archive_policy(Policy.objects.get(pk=lj_clause.policy_id), user=office)
        elif step == "archive":
            registers.archive_entry(stale, user=office)
    now = AlignmentGroup.objects.get(pk=group.pk)
    assert now.note == "已确认的备注"
    assert now.version >= acknowledged


def test_a_status_set_from_an_old_copy_is_judged_on_the_status_as_it_is_now(world, pair):  # noqa: F811
    """Two people put the group under negotiation at once: the second is told it already is, and the
    history does not say it moved from "aligned" twice."""
    group, _tf, _lj = pair
    office = world.users["office"]
    stale = AlignmentGroup.objects.get(pk=group.pk)
    with acting(office):
        services.set_status(fresh(group), user=office, status=AlignmentStatus.NEGOTIATING, reason="会商")
    with pytest.raises(ValidationError), acting(office):
        services.set_status(stale, user=office, status=AlignmentStatus.NEGOTIATING, reason="再次会商")
    assert len(AuditEvent.objects.filter(object_id=group.pk, verb="alignmentgroup.negotiating")) == 1


def test_a_figure_that_moves_within_the_same_verdict_does_not_refuse_the_offices_edit(world, pair):  # noqa: F811
    """The divergence is derived from the clauses: it changes without a new version. A new verdict
    (aligned → diverging) is a change of the group's state, and does move it."""
    group, _tf, lj_clause = pair
    office = world.users["office"]
    editor_copy = AlignmentGroup.objects.get(pk=group.pk)
    services.update_clause(fresh(lj_clause), user=office, version=fresh(lj_clause).version, value=D("48"))
    moved = fresh(group)
    assert moved.divergence != editor_copy.divergence
    assert moved.status == AlignmentStatus.ALIGNED
    assert moved.version == editor_copy.version
    services.update_group(editor_copy, user=office, version=editor_copy.version, note="补充说明")
    services.update_clause(fresh(lj_clause), user=office, version=fresh(lj_clause).version, value=D("20"))
    flagged = fresh(group)
    assert flagged.status == AlignmentStatus.DIVERGING
    assert flagged.version == editor_copy.version + 1
    assert flagged.note == "补充说明"


def test_a_clause_is_not_added_to_a_policy_archived_meanwhile(world):
    office = world.users["office"]
    policy = make_policy(world, world.tf)
    stale = Policy.objects.get(pk=policy.pk)
    with acting(office):
        registers.archive_entry(fresh(policy), user=office)
        with pytest.raises(ValidationError):
            services.add_clause(stale, user=office, term_name="厂房租金补贴", value=D("30"), unit="%")
    assert not Clause.objects.filter(policy=policy).exists()

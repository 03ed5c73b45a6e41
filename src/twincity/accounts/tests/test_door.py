"""The door's predicates and declarations that the rest of the code asks instead of comparing roles."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.utils import translation
from django.utils.translation import gettext_lazy

from twincity.accounts import access
from twincity.accounts.access import Part, can, may_act_in, members_who, require_in, restrict
from twincity.accounts.choices import Action, Role
from twincity.accounts.services import add_membership, enrol, revoke
from twincity.exchanges.models import Secondment
from twincity.exchanges.tests.test_services import second
from twincity.matters.models import Matter
from twincity.matters.services import OwnerSpec
from twincity.policies.models import AlignmentGroup, Policy
from twincity.regions.services import add_field, pair_counterparts
from twincity.testing import build_world, make_matter, make_user

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------------------------------------- by_action


def test_only_the_host_evaluates_a_secondment_though_both_ends_report_on_it(world):
    secondment = second(world)  # a Liangjiang cadre serving in the Tianfu market-supervision bureau
    reporters = {p for p in world.users if can(world.users[p], Action.REPORT, secondment)}
    evaluators = {p for p in world.users if can(world.users[p], Action.EVALUATE, secondment)}
    assert reporters == {"office", "tf-coord", "lj-coord", "tf-unit", "lj-unit"}
    assert evaluators == {"office", "tf-coord", "tf-unit"}


def test_a_list_restricted_for_evaluation_holds_only_what_the_host_may_evaluate(world):
    secondment = second(world)
    assert list(restrict(Secondment.objects.all(), world.users["tf-unit"], Action.EVALUATE)) == [secondment]
    assert not restrict(Secondment.objects.all(), world.users["lj-unit"], Action.EVALUATE).exists()
    assert not restrict(Secondment.objects.all(), world.users["lj-coord"], Action.EVALUATE).exists()


def test_a_declaration_for_an_unknown_action_is_refused(world, monkeypatch):
    monkeypatch.setattr(Secondment.Access, "by_action", {"judge": {"regions": "host_side"}})
    with pytest.raises(ImproperlyConfigured, match="unknown actions"):
        restrict(Secondment.objects.all(), world.users["tf-coord"], Action.VIEW)


def test_a_declaration_of_an_unknown_scope_is_refused(world, monkeypatch):
    monkeypatch.setattr(Secondment.Access, "by_action", {Action.EVALUATE: {"sides": "host_side"}})
    with pytest.raises(ImproperlyConfigured, match="sides"):
        restrict(Secondment.objects.all(), world.users["tf-coord"], Action.EVALUATE)


# ------------------------------------------------------------------------------------- may_act_in (model)


def test_only_the_office_may_set_up_a_record_that_names_no_side(world):
    may = {p for p in world.users if may_act_in(world.users[p], Action.CHANGE, world.partnership.pk, AlignmentGroup)}
    assert may == {"office"}


def test_a_coordinator_may_add_a_record_of_their_side(world):
    may = {p for p in world.users if may_act_in(world.users[p], Action.CHANGE, world.partnership.pk, Policy)}
    assert may == {"office", "tf-coord", "lj-coord"}


def test_a_superuser_may_act_on_any_model(world):
    root = make_user("root", superuser=True)
    assert may_act_in(root, Action.CHANGE, world.partnership.pk, AlignmentGroup)
    assert may_act_in(root, Action.ADMINISTER, world.partnership.pk)


def test_the_office_of_another_partnership_may_not_act_here(world):
    other = build_world(code_prefix="X")
    office = other.users["office"]
    assert not may_act_in(office, Action.ADMINISTER, world.partnership.pk)
    assert not may_act_in(office, Action.CHANGE, world.partnership.pk, AlignmentGroup)


# ---------------------------------------------------------------------------------------------- require_in


def test_require_in_refuses_with_the_callers_reason_in_the_readers_language(world):
    reason = gettext_lazy("Only the office may change the partnership's structure.")
    require_in(world.users["office"], Action.ADMINISTER, world.partnership.pk, reason)
    with translation.override("zh-hans"), pytest.raises(PermissionDenied) as refused:
        require_in(world.users["tf-coord"], Action.ADMINISTER, world.partnership.pk, reason)
    message = refused.value.args[0]
    assert isinstance(message, str)
    assert message == str(reason) != "Only the office may change the partnership's structure."


# ---------------------------------------------------------------------------------------------- members_who


def usernames(memberships) -> set[str]:
    return {m.user.username for m in memberships}


def test_those_who_attend_the_sessions_are_the_office_the_coordinators_and_the_leaders(world):
    assert usernames(members_who(world.partnership.pk, Part.ATTENDS_SESSIONS)) == {
        "office",
        "tf-coord",
        "lj-coord",
        "leader",
    }


def test_the_contacts_of_units_and_the_coordinators_of_sides(world):
    pk = world.partnership.pk
    assert usernames(members_who(pk, Part.SPEAKS_FOR_UNITS, {world.tf_dept.pk})) == {"tf-unit"}
    assert usernames(members_who(pk, Part.SPEAKS_FOR_UNITS, {world.tf_dept.pk, world.lj_dept.pk})) == {
        "tf-unit",
        "lj-unit",
    }
    assert usernames(members_who(pk, Part.SPEAKS_FOR_UNITS, {world.tf_dept2.pk})) == set()
    assert usernames(members_who(pk, Part.COORDINATES_SIDES, {world.lj.pk})) == {"lj-coord"}


def test_ended_roles_closed_accounts_and_other_partnerships_are_left_out(world):
    revoke(world.users["tf-coord"].memberships.get(), acting_user=world.users["office"])
    get_user_model().objects.filter(pk=world.users["leader"].pk).update(is_active=False)
    other = build_world(code_prefix="X")
    add_membership(make_user("lj-unit-2"), other.partnership, Role.UNIT_CONTACT, organisation=world.lj_dept)
    assert usernames(members_who(world.partnership.pk, Part.ATTENDS_SESSIONS)) == {"office", "lj-coord"}
    assert usernames(members_who(world.partnership.pk, Part.SPEAKS_FOR_UNITS, {world.lj_dept.pk})) == {"lj-unit"}


def test_members_who_is_asked_with_what_the_part_is_taken_for(world):
    with pytest.raises(TypeError):
        members_who(world.partnership.pk, Part.SPEAKS_FOR_UNITS)
    with pytest.raises(TypeError):
        members_who(world.partnership.pk, Part.ATTENDS_SESSIONS, {world.tf.pk})


def test_every_part_names_roles_the_door_knows():
    for taken_by, _scope in access.PARTS.values():
        assert set(taken_by) <= set(Role.values)


# ------------------------------------------------------------------------------ the office's steps, refused


def test_only_the_office_gives_and_ends_roles(world):
    with translation.override("en"):
        with pytest.raises(PermissionDenied, match=r"Only the office gives people their roles\."):
            enrol(world.partnership, acting_user=world.users["tf-coord"], username="x", role=Role.LEADER)
        with pytest.raises(PermissionDenied, match=r"Only the office gives people their roles\."):
            revoke(world.users["tf-unit"].memberships.get(), acting_user=world.users["tf-coord"])
    assert not get_user_model().objects.filter(username="x").exists()
    assert world.users["tf-unit"].memberships.get().archived_at is None


def test_only_the_office_changes_the_partnerships_structure(world):
    with translation.override("en"):
        with pytest.raises(PermissionDenied, match=r"Only the office may change the partnership's structure\."):
            add_field(world.partnership, user=world.users["tf-coord"], name="生态")
        with pytest.raises(PermissionDenied, match=r"Only the office may change the partnership's structure\."):
            pair_counterparts(world.partnership, world.tf_dept, world.lj_dept, user=world.users["lj-coord"])
    assert add_field(world.partnership, user=world.users["office"], name="生态").pk


# ---------------------------------------------------------------------------------------------- the memo


def test_a_role_given_through_the_service_is_seen_by_the_next_request(world, client):
    matter = make_matter(world)
    page = f"/matters/{matter.pk}/"
    client.force_login(world.users["outsider"])
    assert client.get(page).status_code == 404
    assert client.get("/matters/").context["table"].paginator.count == 0
    membership = add_membership(world.users["outsider"], world.partnership, Role.LEADER)
    assert client.get(page).status_code == 200
    assert client.get("/matters/").context["table"].paginator.count == Matter.objects.count()
    revoke(membership, acting_user=world.users["office"])
    assert client.get(page).status_code == 404


def test_the_conditions_kept_for_a_request_follow_its_memberships_after_forget(world):
    make_matter(world)
    reader = get_user_model().objects.get(pk=world.users["outsider"].pk)  # the request's own user object
    assert not restrict(Matter.objects.all(), reader, Action.VIEW).exists()
    assert access.access_q(Matter, reader, Action.VIEW) is access.access_q(Matter, reader, Action.VIEW)  # kept
    membership = add_membership(world.users["outsider"], world.partnership, Role.LEADER)  # another object
    assert not restrict(Matter.objects.all(), reader, Action.VIEW).exists()  # this request keeps what it read
    access.forget(reader)
    assert restrict(Matter.objects.all(), reader, Action.VIEW).count() == Matter.objects.count()
    assert may_act_in(reader, Action.APPROVE, world.partnership.pk)
    revoke(membership, acting_user=world.users["office"])
    access.forget(reader)
    assert not restrict(Matter.objects.all(), reader, Action.VIEW).exists()
    assert access.access_q(Matter, reader, Action.VIEW) is None


def test_can_expression_answers_as_can_for_every_persona_and_action(world):
    """The door's question asked inside a list's own query gives ``can``'s answer, row by row (the matter page reads
    who may change, approve and report with the matter, its milestones and its reports)."""
    mine = make_matter(world)
    theirs = make_matter(world, title="另一事项", owners=[access_owner(world)])
    people = {**world.users, "anonymous": AnonymousUser()}
    answers = set()
    for action in (Action.VIEW, Action.CHANGE, Action.APPROVE, Action.REPORT):
        for name, user in people.items():
            read = dict(
                Matter.objects.filter(pk__in=[mine.pk, theirs.pk])
                .annotate(may=access.can_expression(Matter, user, action))
                .values_list("pk", "may")
            )
            expected = {m.pk: can(user, action, Matter.objects.get(pk=m.pk)) for m in (mine, theirs)}
            assert read == expected, (name, action)
            answers.add((name, action, read[mine.pk], read[theirs.pk]))
    # Not one answer for all: the Liangjiang unit reports on the matter it owns, not on the Tianfu-only one.
    assert ("lj-unit", Action.REPORT, True, False) in answers
    assert ("office", Action.CHANGE, True, True) in answers
    assert dict(
        Matter.objects.annotate(may=access.can_expression(Matter, world.users["outsider"], Action.VIEW)).values_list(
            "pk", "may"
        )
    ) == {mine.pk: False, theirs.pk: False}


def access_owner(world):
    """An owner on the Tianfu side only: a matter that the Liangjiang unit contact may not report on."""
    return OwnerSpec(world.tf_dept)

"""Who reaches which page of policy alignment (walked by core/tests/test_permissions.py).

``pages``: name → (url, personas that get 200; everyone else gets 404). ``actions``: POST-only
name → (url, personas allowed to reach the action; everyone else gets 404 and nothing changes).

The scene: a Tianfu policy and a Liangjiang policy, each with a rent-subsidy clause, compared in one
alignment group. Policies and clauses are their side's (and the office's); the group is the office's,
but both sides' coordinators take part in it (their clauses are in it).
"""

from django.urls import reverse

from twincity.policies.tests.test_services import make_clause, make_group, make_policy
from twincity.testing import EDITORS, EVERYONE, MEMBERS

TIANFU = {"office", "tf-coord"}
OFFICE = {"office"}


def scene(world) -> dict:
    tf_policy = make_policy(world, world.tf)
    lj_policy = make_policy(world, world.lj)
    tf_clause = make_clause(world, tf_policy, "50")
    lj_clause = make_clause(world, lj_policy, "50")
    group = make_group(world, [tf_clause, lj_clause])
    return {
        "world": world,
        "policy": tf_policy,
        "clause": tf_clause,
        "group": group,
        "member": group.members.get(clause=lj_clause),
    }


def pages(s) -> dict:
    partnership = s["world"].partnership.pk
    policy, group = s["policy"], s["group"]

    def url(name, *args, query=""):
        return reverse(f"policies:{name}", args=args) + query

    p = f"?partnership={partnership}"
    return {
        "policies:policy_list": (url("policy_list", query=p), EVERYONE),
        "policies:policy": (url("policy", policy.pk), MEMBERS),
        "policies:policy_add": (url("policy_add", query=p), EDITORS),
        "policies:policy_edit": (url("policy_edit", policy.pk), TIANFU),
        "policies:policy_export": (url("policy_export", query=p), MEMBERS),
        "policies:clause_edit": (url("clause_edit", s["clause"].pk), TIANFU),
        "policies:alignmentgroup_list": (url("alignmentgroup_list", query=p), EVERYONE),
        "policies:alignmentgroup": (url("alignmentgroup", group.pk), MEMBERS),
        "policies:alignmentgroup_add": (url("alignmentgroup_add", query=p), OFFICE),
        "policies:alignmentgroup_edit": (url("alignmentgroup_edit", group.pk), OFFICE),
        "policies:alignmentgroup_export": (url("alignmentgroup_export", query=p), MEMBERS),
    }


def actions(s) -> dict:
    policy, group = s["policy"], s["group"]
    return {
        "policies:policy_archive": (reverse("policies:policy_archive", args=[policy.pk]), TIANFU),
        "policies:clause_add": (reverse("policies:clause_add", args=[policy.pk]), TIANFU),
        "policies:clause_archive": (reverse("policies:clause_archive", args=[s["clause"].pk]), TIANFU),
        "policies:alignmentgroup_archive": (reverse("policies:alignmentgroup_archive", args=[group.pk]), OFFICE),
        # Each side's coordinator puts its own clauses in; only the office takes one out.
        "policies:member_add": (reverse("policies:member_add", args=[group.pk]), EDITORS),
        "policies:member_remove": (reverse("policies:member_remove", args=[s["member"].pk]), OFFICE),
        # Both sides have a clause in the group: either coordinator may put it under negotiation.
        "policies:set_status": (reverse("policies:set_status", args=[group.pk]), EDITORS),
        "policies:resume": (reverse("policies:resume", args=[group.pk]), EDITORS),
    }

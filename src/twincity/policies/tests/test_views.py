"""Policy alignment as people use it: the lists with search and filters, the forms, the clauses of a policy,
and the group's side-by-side comparison with its steps."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from twincity.audit.models import AuditEvent
from twincity.policies import excel, services
from twincity.policies.choices import AlignmentStatus
from twincity.policies.models import AlignmentGroup, AlignmentMember, Clause, Policy
from twincity.policies.tests.test_services import make_clause, make_group, make_policy
from twincity.registers.tests import workbooks
from twincity.testkit import assert_page

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def pair(world):
    tf_clause = make_clause(world, make_policy(world, world.tf), "50", reference="第五条", qualifier="前三年")
    lj_clause = make_clause(world, make_policy(world, world.lj), "50", reference="第三条", qualifier="前三年")
    return make_group(world, [tf_clause, lj_clause]), tf_clause, lj_clause


def list_url(name, world):
    return reverse(f"policies:{name}") + f"?partnership={world.partnership.pk}"


def test_the_policy_list_finds_policies_by_chinese_words_and_side(world, client_as):
    make_policy(world, world.tf, title="天府新区支持总部经济发展若干政策")
    make_policy(world, world.lj, title="两江新区支持总部经济发展若干措施")
    make_policy(world, world.lj, title="两江新区人才安居办法")
    client = client_as("leader")
    body = client.get(list_url("policy_list", world) + "&q=总部经济").content.decode()
    assert "天府新区支持总部经济" in body
    assert "两江新区支持总部经济" in body
    assert "人才安居" not in body
    fragment = client.get(
        list_url("policy_list", world) + f"&q=总部经济&side={world.lj.pk}", headers={"HX-Request": "true"}
    ).content.decode()
    assert "两江新区支持总部经济" in fragment
    assert "天府新区支持总部经济" not in fragment
    assert "<html" not in fragment


def test_the_group_list_shows_each_sides_terms_and_filters_by_status(world, client_as, pair):
    group, _tf, lj = pair
    other = make_group(world, [], tolerance="5")
    office = world.users["office"]
    services.update_clause(lj, user=office, version=lj.version, value=D("40"))
    client = client_as("auditor")
    body = client.get(list_url("alignmentgroup_list", world)).content.decode()
    assert "50 %（前三年）" in body
    assert "40 %（前三年）" in body
    assert "20 %" in body
    diverging = client.get(list_url("alignmentgroup_list", world) + "&status=diverging").content.decode()
    assert f'data-group="{group.pk}"' in diverging
    assert f'data-group="{other.pk}"' not in diverging


@pytest.mark.parametrize("name", ["policy_list", "alignmentgroup_list"])
def test_the_lists_take_constant_queries(world, client_as, name):
    def add(i):
        """A Tianfu policy, a Liangjiang one and their group; returns how the list shows its row(s)."""
        tf = make_clause(world, make_policy(world, world.tf, title=f"政策{i:02}"), "50")
        lj = make_clause(world, make_policy(world, world.lj, title=f"措施{i:02}"), "45")
        group = make_group(world, [tf, lj])
        return [f"政策{i:02}", f"措施{i:02}"] if name == "policy_list" else [f'data-group="{group.pk}"']

    rows = [add(i) for i in range(2)]
    client = client_as("office")
    url = list_url(name, world)
    few = assert_page(client, url, queries=23, contains=[*rows[0], *rows[1]], warm=True)
    rows += [add(i) for i in range(2, 12)]
    assert_page(client, url, queries=few.queries, contains=[*rows[0], *rows[2], *rows[11]])


def test_a_coordinator_enters_a_policy_of_their_side_through_the_form_and_a_stale_edit_is_refused(world, client_as):
    client = client_as("tf-coord")
    add = list_url("policy_add", world)
    form = client.get(add).content.decode()
    assert f'<option value="{world.tf.pk}" selected>' in form  # their own side by default
    response = client.post(
        add,
        {
            "version": 0,
            "side": world.tf.pk,
            "title": "天府新区支持总部经济发展若干政策",
            "issuing_body": "四川天府新区管理委员会",
            "document_number": "天府新区发〔2020〕5号",
            "effective_on": "2020-07-01",
        },
    )
    policy = Policy.objects.get(title="天府新区支持总部经济发展若干政策")
    assert response.status_code == 302
    assert response["Location"] == policy.get_absolute_url()
    assert policy.side == world.tf
    edit = reverse("policies:policy_edit", args=[policy.pk])
    assert 'name="side"' not in client.get(edit).content.decode()  # a policy stays with its side
    data = {"version": 1, "title": policy.title, "document_number": "天府新区发〔2020〕6号"}
    assert client.post(edit, data).status_code == 302
    stale = client_as("office").post(edit, {**data, "document_number": "天府新区发〔2020〕7号"})
    assert stale.status_code == 409
    policy.refresh_from_db()
    assert policy.document_number == "天府新区发〔2020〕6号"


def test_a_coordinator_cannot_enter_a_policy_of_the_other_side(world, client_as):
    client = client_as("lj-coord")
    form = client.get(list_url("policy_add", world)).content.decode()
    side_select = re.search(r'<select name="side".*?</select>', form, re.S).group(0)
    assert world.lj.name in side_select
    assert world.tf.name not in side_select
    response = client.post(list_url("policy_add", world), {"version": 0, "side": world.tf.pk, "title": "冒名政策"})
    assert (response.status_code == 200 and "is-invalid" in response.content.decode()) or "invalid-feedback" in (
        response.content.decode()
    )
    assert not Policy.objects.exists()


def test_clauses_are_added_and_edited_on_the_policy_page(world, client_as):
    policy = make_policy(world, world.tf)
    client = client_as("tf-coord")
    page = client.get(policy.get_absolute_url()).content.decode()
    assert 'id="add-clause"' in page
    client.post(
        reverse("policies:clause_add", args=[policy.pk]),
        {"clause-reference": "第五条", "clause-term_name": "厂房租金补贴", "clause-value": "50", "clause-unit": "％"},
    )
    clause = Clause.objects.get(policy=policy)
    assert clause.unit == "%"
    assert clause.value == D(50)
    edit = reverse("policies:clause_edit", args=[clause.pk])
    data = {"version": 1, "term_name": "厂房租金补贴", "value": "45", "unit": "%", "qualifier": "前三年"}
    response = client.post(edit, data)
    assert response.status_code == 302
    assert response["Location"] == policy.get_absolute_url()
    stale = client_as("office").post(edit, {**data, "value": "60"})
    assert stale.status_code == 409
    assert "45" in stale.content.decode()
    clause.refresh_from_db()
    assert clause.value == D(45)
    assert "45 %（前三年）" in client_as("leader").get(policy.get_absolute_url()).content.decode()
    assert 'id="add-clause"' not in client_as("leader").get(policy.get_absolute_url()).content.decode()


def test_the_group_page_sets_the_sides_terms_side_by_side(world, client_as, pair):
    group, tf, lj = pair
    body = client_as("leader").get(group.get_absolute_url()).content.decode()
    assert f'data-side="{world.tf.code}"' in body
    assert f'data-side="{world.lj.code}"' in body
    assert f'data-clause="{tf.pk}"' in body
    assert f'data-clause="{lj.pk}"' in body
    assert 'data-flagged="no"' in body
    assert "data-edit-clause" not in body
    assert 'id="status-form"' not in body


def test_changing_a_liangjiang_clause_from_the_group_page_flags_the_group(world, client_as, pair):
    group, _tf, lj = pair
    client = client_as("lj-coord")
    page = client.get(group.get_absolute_url()).content.decode()
    assert f'data-edit-clause="{lj.pk}"' in page
    assert f'data-edit-clause="{_tf.pk}"' not in page
    edit = reverse("policies:clause_edit", args=[lj.pk]) + f"?next={group.get_absolute_url()}"
    response = client.post(
        edit, {"version": lj.version, "term_name": lj.term_name, "value": "40", "unit": "%", "qualifier": "前三年"}
    )
    assert response.status_code == 302
    assert response["Location"] == group.get_absolute_url()
    body = client.get(group.get_absolute_url()).content.decode()
    assert 'data-flagged="yes"' in body
    assert "tc-status-diverging" in body
    assert "20 %" in body
    group.refresh_from_db()
    assert group.status == AlignmentStatus.DIVERGING


def test_a_clause_edit_does_not_send_people_to_another_site(world, client_as, pair):
    _group, _tf, lj = pair
    edit = reverse("policies:clause_edit", args=[lj.pk]) + "?next=https://example.org/"
    response = client_as("lj-coord").post(
        edit, {"version": lj.version, "term_name": lj.term_name, "value": "50", "unit": "%"}
    )
    assert response["Location"] == lj.policy.get_absolute_url()


def test_a_coordinator_puts_the_group_under_negotiation_with_a_reason_and_the_page_shows_it(world, client_as, pair):
    group, _tf, _lj = pair
    client = client_as("tf-coord")
    page = client.get(group.get_absolute_url()).content.decode()
    assert 'value="negotiating"' in page
    assert 'value="agreed_to_differ"' not in page
    client.post(
        reverse("policies:set_status", args=[group.pk]), {"status": "negotiating", "reason": "六月联席会议会商"}
    )
    group.refresh_from_db()
    assert group.status == AlignmentStatus.NEGOTIATING
    body = client_as("auditor").get(group.get_absolute_url()).content.decode()
    assert "六月联席会议会商" in body
    client = client_as("tf-coord")  # the same test client, signed in again
    refused = client.post(
        reverse("policies:set_status", args=[group.pk]), {"status": "agreed_to_differ", "reason": "x"}
    )
    assert refused.status_code == 302
    group.refresh_from_db()
    assert group.status == AlignmentStatus.NEGOTIATING
    client.post(reverse("policies:resume", args=[group.pk]), {"resume-reason": "会商完成"})
    group.refresh_from_db()
    assert group.status == AlignmentStatus.ALIGNED


def test_a_status_change_without_a_reason_says_why_and_changes_nothing(world, client_as, pair):
    group, _tf, _lj = pair
    response = client_as("office").post(
        reverse("policies:set_status", args=[group.pk]), {"status": "negotiating", "reason": ""}, follow=True
    )
    assert "alert" in response.content.decode()
    group.refresh_from_db()
    assert group.status == AlignmentStatus.ALIGNED


def test_a_coordinator_adds_their_sides_clause_and_the_office_takes_one_out(world, client_as):
    tf = make_clause(world, make_policy(world, world.tf), "50")
    lj = make_clause(world, make_policy(world, world.lj), "30")
    make_clause(world, make_policy(world, world.lj, title="两江新区另一政策"), "3", unit="元/平方米·月")
    group = make_group(world, [tf])
    client = client_as("lj-coord")
    page = client.get(group.get_absolute_url()).content.decode()
    assert f'<option value="{lj.pk}">' in page
    assert f'<option value="{tf.pk}">' not in page
    assert "元/平方米" not in page  # another unit is not offered
    client.post(reverse("policies:member_add", args=[group.pk]), {"clause": lj.pk})
    group.refresh_from_db()
    assert group.status == AlignmentStatus.DIVERGING
    member = AlignmentMember.objects.get(group=group, clause=lj)
    office = client_as("office")
    office.post(reverse("policies:member_remove", args=[member.pk]), {f"remove-{member.pk}-reason": "条款已废止"})
    group.refresh_from_db()
    assert group.status == AlignmentStatus.ALIGNED
    assert AuditEvent.objects.filter(verb="alignmentgroup.member_removed", message="条款已废止").exists()


def test_the_office_sets_up_a_group_through_the_form_and_coordinators_have_no_add_button(world, client_as):
    assert 'id="add-link"' not in client_as("tf-coord").get(list_url("alignmentgroup_list", world)).content.decode()
    client = client_as("office")
    assert 'id="add-link"' in client.get(list_url("alignmentgroup_list", world)).content.decode()
    response = client.post(
        list_url("alignmentgroup_add", world),
        {
            "version": 0,
            "title": "工业用地出让价格优惠",
            "term_name": "工业用地出让价格优惠",
            "unit": "%",
            "tolerance": "5",
            "tolerance_kind": "absolute",
        },
    )
    group = AlignmentGroup.objects.get()
    assert response.status_code == 302
    assert response["Location"] == group.get_absolute_url()
    assert group.tolerance == D(5)


def test_the_groups_export_carries_each_sides_terms_and_the_figures(world, client_as, pair):
    query = f"?partnership={world.partnership.pk}"
    exported = client_as("leader").get(reverse("policies:alignmentgroup_export") + query)
    [row] = workbooks.rows_of(excel.AlignmentGroupWorkbook(), exported.content)
    assert row["各方标准"] == "天府：50 %（前三年）；两江：50 %（前三年）"
    assert row["状态"] == "一致" or row["状态"] == "Aligned"
    policies = client_as("leader").get(reverse("policies:policy_export") + query)
    rows = workbooks.rows_of(excel.PolicyWorkbook(), policies.content)
    assert "第五条 厂房租金补贴: 50 %（前三年）" in [value for row in rows for value in row.values()]


def test_markup_is_escaped_on_the_group_page(world, client_as):
    tf = make_clause(world, make_policy(world, world.tf), "50", text="补贴 <img src=x onerror=alert(1)>")
    group = make_group(world, [tf])
    body = client_as("leader").get(group.get_absolute_url()).content.decode()
    assert "onerror" not in body

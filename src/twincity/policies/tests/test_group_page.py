"""The alignment group's page as the office reads it: an empty group is not "aligned", percentages are
rounded, the breadcrumb says the menu's word, and a clause can be entered when none is ready to compare."""

import pytest
from django.urls import reverse

from twincity.policies.tests.test_services import make_clause, make_group, make_policy

pytestmark = pytest.mark.django_db


def test_an_empty_group_is_not_compared_rather_than_aligned(world, client_as):
    group = make_group(world, [])
    body = client_as("office").get(reverse("policies:alignmentgroup", args=[group.pk])).content.decode()
    assert 'data-status="not_compared"' in body
    assert "未比对" in body
    assert "一致" not in body
    listing = (
        client_as("office")
        .get(reverse("policies:alignmentgroup_list") + f"?partnership={world.partnership.pk}")
        .content.decode()
    )
    assert 'data-status="not_compared"' in listing
    assert "tc-status-aligned" not in listing
    # The status filter offers it, and "aligned" no longer finds the empty group.
    url = reverse("policies:alignmentgroup_list") + f"?partnership={world.partnership.pk}&status="
    assert f'data-group="{group.pk}"' in client_as("office").get(url + "not_compared").content.decode()
    assert f'data-group="{group.pk}"' not in client_as("office").get(url + "aligned").content.decode()


def test_the_divergence_is_shown_with_one_decimal(world, client_as):
    tf = make_clause(world, make_policy(world, world.tf), "30")
    lj = make_clause(world, make_policy(world, world.lj), "45")
    group = make_group(world, [tf, lj], tolerance="50")
    assert group.divergence_display == "33.3 %"
    body = client_as("office").get(reverse("policies:alignmentgroup", args=[group.pk])).content.decode()
    assert "33.3 %" in body
    assert "33.3333 %" not in body


def test_the_breadcrumb_says_the_menus_word(world, client_as):
    group = make_group(world, [])
    body = client_as("office").get(reverse("policies:alignmentgroup", args=[group.pk])).content.decode()
    breadcrumb = body.split('<ol class="breadcrumb')[1].split("</ol>")[0]
    assert "政策融通" in breadcrumb
    assert "政策对标" not in breadcrumb


def test_a_coordinator_is_shown_where_to_enter_a_clause_when_none_is_in_the_groups_unit(world, client_as):
    policy = make_policy(world, world.tf)
    make_clause(world, policy, "500", unit="元/人")  # a clause, but in another unit
    group = make_group(world, [])
    client = client_as("tf-coord")
    body = client.get(reverse("policies:alignmentgroup", args=[group.pk])).content.decode()
    assert 'id="add-member"' not in body  # nothing in % to add
    assert f'data-new-clause="{policy.pk}"' in body
    link = body.split(f'data-new-clause="{policy.pk}"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    page = client.get(link).content.decode()
    assert '<details id="add-clause" open>' in page
    assert 'name="clause-unit" value="%"' in page
    assert 'name="clause-term_name" value="厂房租金补贴"' in page

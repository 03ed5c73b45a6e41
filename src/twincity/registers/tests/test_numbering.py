"""New register entries are numbered as the office numbers them: per register, gap-free per year, never twice."""

import datetime as dt

import pytest
from django.utils import timezone

from twincity.agreements.tests.helpers import make_agreement
from twincity.petitions.models import Petition
from twincity.petitions.tests.test_services import make_petition
from twincity.policies.tests.test_services import make_group, make_policy
from twincity.registers.services import archive_entry
from twincity.testing import race

pytestmark = pytest.mark.django_db


def test_each_register_numbers_a_new_entry_in_its_own_style(world):
    assert make_petition(world).code == "2020-01"
    assert make_petition(world, code="2020-07").code == "2020-07"  # typed by the office: kept
    assert make_petition(world).code == "2020-08"  # and counted on from
    assert make_petition(world, year=2021).code == "2021-01"  # a new year starts again
    assert make_agreement(world).code == "XY2020-01"  # the year it was signed
    this_year = timezone.localdate().year
    assert make_agreement(world, signed_on=None).code == f"XY{this_year}-01"
    assert make_policy(world, world.tf).code == f"{world.tf.code}-01"  # per side, not per year
    assert make_policy(world, world.lj).code == f"{world.lj.code}-01"
    assert make_policy(world, world.tf).code == f"{world.tf.code}-02"
    assert make_group(world, []).code == "ZC-01"
    assert make_group(world, []).code == "ZC-02"


def test_an_archived_entry_keeps_its_number_and_the_next_one_does_not_reuse_it(world):
    first = make_petition(world)
    archive_entry(first, user=world.users["office"])
    assert make_petition(world).code == "2020-02"


@pytest.mark.django_db(transaction=True)
def test_entries_created_at_the_same_time_get_different_numbers_without_gaps(world):
    def create(i):
        return lambda: make_petition(world, title=f"同时提交的联合请示{i}", submitted_on=dt.date(2020, 5, 1))

    errors = race(*(create(i) for i in range(4)))
    assert errors == []
    codes = sorted(Petition.objects.filter(partnership=world.partnership).values_list("code", flat=True))
    assert codes == ["2020-01", "2020-02", "2020-03", "2020-04"]

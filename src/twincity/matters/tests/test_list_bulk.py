"""The matter list's bulk-status controls belong to the office of the partnership on screen."""

import pytest
from django.urls import reverse

from twincity.accounts.choices import Role
from twincity.accounts.services import add_membership
from twincity.testing import build_second_partnership

pytestmark = pytest.mark.django_db

BULK_CONTROL = "data-bulk-action"


def list_page(client, partnership):
    response = client.get(reverse("matters:list") + f"?partnership={partnership.pk}")
    assert response.status_code == 200
    return response.content.decode()


def test_the_office_of_another_partnership_gets_no_bulk_controls_on_this_ones_list(client, world):
    other = build_second_partnership()
    # The other partnership's office admin reads this partnership's list as a leader.
    someone = other.users["office"]
    add_membership(someone, world.partnership, Role.LEADER)
    client.force_login(someone)
    assert BULK_CONTROL not in list_page(client, world.partnership)
    assert BULK_CONTROL in list_page(client, other.partnership)


def test_this_partnerships_office_gets_the_bulk_controls_and_a_coordinator_does_not(client, world):
    client.force_login(world.users["office"])
    assert BULK_CONTROL in list_page(client, world.partnership)
    client.force_login(world.users["tf-coord"])
    assert BULK_CONTROL not in list_page(client, world.partnership)

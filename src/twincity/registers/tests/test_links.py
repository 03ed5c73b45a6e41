"""Follow-up matters of any register entry: linking by code, unlinking, and who may do either."""

import pytest
from django.urls import reverse

from twincity.petitions.tests.test_services import make_petition
from twincity.registers import services
from twincity.testing import build_world, make_matter

pytestmark = pytest.mark.django_db


def test_an_existing_matter_is_linked_by_its_code_and_its_state_shows_on_the_entry(world, client_as):
    petition = make_petition(world)
    matter = make_matter(world)
    client = client_as("lj-coord")
    url = reverse("registers:link", args=["petitions.petition", petition.pk])
    client.post(url, {"code": matter.code, "note": "为该事项提供政策依据"})
    body = client.get(petition.get_absolute_url()).content.decode()
    assert f'data-matter="{matter.code}"' in body
    assert "为该事项提供政策依据" in body
    client.post(url, {"code": matter.code})  # twice: still one link
    assert len(services.links_of(petition)) == 1


def test_a_matter_of_another_partnership_cannot_be_linked(world, client_as):
    petition = make_petition(world)
    other = build_world(code_prefix="X")
    foreign = make_matter(other, title="别的合作机制的事项")
    client = client_as("office")
    response = client.post(
        reverse("registers:link", args=["petitions.petition", petition.pk]), {"code": foreign.code}, follow=True
    )
    assert response.status_code == 200
    assert services.links_of(petition) == [] or all(
        link.matter.partnership_id == world.partnership.pk for link in services.links_of(petition)
    )
    assert foreign.pk not in [link.matter.pk for link in services.links_of(petition)]


def test_unlinking_archives_the_link_and_only_editors_may(world, client_as):
    petition = make_petition(world)
    matter = make_matter(world)
    link = services.link_matter(petition, matter, user=world.users["office"])
    url = reverse("registers:unlink", args=[link.pk])
    for persona in ("tf-unit", "leader", "auditor", "outsider"):
        assert client_as(persona).post(url).status_code == 404, persona
    assert client_as("tf-coord").post(url).status_code == 302
    link.refresh_from_db()
    assert link.archived_at is not None
    assert services.links_of(petition) == []


def test_the_shared_pages_refuse_models_that_are_not_registers(world, client_as):
    client = client_as("office")
    assert client.get(reverse("registers:follow_up", args=["auth.user", world.users["office"].pk])).status_code == 404
    assert client.get(reverse("registers:follow_up", args=["nonsense", 1])).status_code == 404
    matter = make_matter(world)
    assert client.post(reverse("registers:link", args=["matters.matter", matter.pk]), {"code": "x"}).status_code == 404


def test_links_of_many_entries_take_two_queries(world, django_assert_num_queries):
    petitions = [make_petition(world, title=f"事项{i}") for i in range(5)]
    matter = make_matter(world)
    for petition in petitions:
        services.link_matter(petition, matter, user=world.users["office"])
    with django_assert_num_queries(2):  # the links, their matters (content types are cached)
        links = services.links_for(petitions)
    assert all(len(links[p.pk]) == 1 for p in petitions)

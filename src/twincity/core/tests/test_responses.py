"""How answers are marked: no signed-in page or API answer in a cache, a refused import says 400."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from twincity.testing import make_matter

pytestmark = pytest.mark.django_db


def cache_directives(response) -> set[str]:
    return {part.strip().split("=")[0] for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.mark.parametrize("persona", ["office", "tf-unit", "outsider"])
def test_every_signed_in_page_is_private_and_not_stored(client_as, world, persona):
    matter = make_matter(world)
    client = client_as(persona)
    for url in (
        reverse("home"),
        reverse("matters:list") + f"?partnership={world.partnership.pk}",
        reverse("matters:matter", args=[matter.pk]),  # a 404 for the outsider: not stored either
        reverse("profile"),
        reverse("notifications:list"),
    ):
        response = client.get(url)
        assert {"private", "no-store"} <= cache_directives(response), f"{persona} {url} {response.status_code}"


@pytest.mark.parametrize("persona", ["office", "tf-unit", "outsider"])
def test_every_api_answer_is_private_and_not_stored(api_as, world, persona):
    matter = make_matter(world)
    client = api_as(persona)
    for url in ("/api/matters/", f"/api/matters/{matter.pk}/", "/api/petitions/", "/api/schema/"):
        response = client.get(url)
        assert {"private", "no-store"} <= cache_directives(response), f"{persona} {url}"
    refused = client.patch(f"/api/matters/{matter.pk}/", {"title": "x"}, format="json")
    assert {"private", "no-store"} <= cache_directives(refused)


def test_an_anonymous_api_call_is_not_stored_either(client, world):
    response = client.get("/api/matters/")
    assert response.status_code in (401, 403)
    assert "no-store" in cache_directives(response)


def test_the_public_sign_in_page_is_not_kept_and_static_files_are_left_alone(client, world):
    login = client.get(reverse("login"))
    assert login.status_code == 200
    assert "no-store" in cache_directives(login)  # Django's own never_cache on the sign-in view
    assert "private" not in cache_directives(client.get(reverse("healthz")))


def test_the_matter_import_answers_400_when_it_refuses_a_file(client_as, world):
    client = client_as("office")
    url = reverse("matters:import") + f"?partnership={world.partnership.pk}"
    not_a_workbook = SimpleUploadedFile("清单.xlsx", b"this is not a workbook", content_type="application/octet-stream")
    response = client.post(url, {"partnership": world.partnership.pk, "year": 2021, "file": not_a_workbook})
    assert response.status_code == 400
    assert client.post(url, {"partnership": world.partnership.pk, "year": 2021}).status_code == 400  # no file
    assert client.get(url).status_code == 200

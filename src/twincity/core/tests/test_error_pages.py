"""The error pages people meet: their own, in the reader's language, with the menu and a way back; the API's
errors in the reader's language too."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error

from twincity.matters.models import Matter
from twincity.testing import make_matter

pytestmark = pytest.mark.django_db


def test_a_hidden_or_missing_matter_is_our_404_with_the_menu(client_as, world):
    matter = make_matter(world)
    client = client_as("outsider")
    response = client.get(reverse("matters:matter", args=[matter.pk]))
    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]
    page = response.content.decode()
    assert "页面不存在" in page
    assert "返回首页" in page
    assert 'id="error-page"' in page
    assert "Not Found" not in page

    client = client_as("tf-unit")
    missing = client.get(reverse("matters:matter", args=[matter.pk + 1000]), HTTP_REFERER="/matters/")
    assert missing.status_code == 404
    assert 'id="nav-meetings"' in missing.content.decode()  # the menu stays
    assert 'href="/matters/"' in missing.content.decode()  # and the way back


def test_the_404_speaks_english_to_an_english_reader(client_as, world):
    client = client_as("tf-unit")
    response = client.get("/matters/999999/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_a_refused_step_is_our_403(client_as, world):
    matter = make_matter(world)
    client = client_as("leader")
    response = client.post(
        reverse("matters:change_status", args=[matter.pk]), {"status": "suspended", "version": matter.version}
    )
    assert response.status_code == 403
    assert 'id="error-page"' in response.content.decode()
    assert Matter.objects.get(pk=matter.pk).status == matter.status


def test_an_expired_form_says_so_and_saves_nothing(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["office"])
    matter = make_matter(world)
    response = client.post(reverse("matters:edit", args=[matter.pk]), {"title": "改了", "version": matter.version})
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()
    assert Matter.objects.get(pk=matter.pk).title == matter.title


@pytest.mark.parametrize(("language", "text"), [("zh-hans", "系统出错了"), ("en", "Something went wrong")])
def test_the_500_page_needs_nothing_but_the_language(language, text):
    with translation.override(language):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert text in response.content.decode()


@pytest.mark.parametrize(("language", "detail"), [("zh-hans", "未找到。"), ("en", "Not found.")])
def test_the_api_404_is_in_the_readers_language(api_as, world, language, detail):
    matter = make_matter(world)
    client = api_as("outsider")
    for url in (f"/api/matters/{matter.pk}/", "/api/matters/999999/", "/api/nothing-here/"):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 404, url
        assert response.json()["detail"] == detail, url


def test_the_sign_in_page_carries_the_offices_name_not_the_host(client):
    page = client.get(reverse("login"), HTTP_HOST="127.0.0.1:18731").content.decode()
    assert "双城办" in page.split("</title>")[0]
    assert "127.0.0.1" not in page

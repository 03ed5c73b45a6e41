"""Lists whose cost does not grow with their rows (the audit log, the supervised items), and a request that
reads the user's memberships once, whichever way it signs in."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from twincity.core.cache import clear_own_cache
from twincity.matters.models import Matter
from twincity.testing import make_matter

pytestmark = pytest.mark.django_db


def queries(client, url, **params):
    client.get(url, params)  # warm: content types, translations
    clear_own_cache()  # what the list costs when rendered, not when its results come from the cache
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, url
    return captured.captured_queries, response


@pytest.mark.parametrize("name", ["audit:log", "supervision:case_list", "matters:list"])
def test_the_list_costs_the_same_for_5_or_50_rows(client_as, world, name):
    client = client_as("office")
    url = reverse(name)
    params = {"per_page": 100}
    if name == "audit:log":  # the log names its rows with one query per kind of record: one kind here
        params["changed_object_type"] = ContentType.objects.get_for_model(Matter).pk
    for i in range(2):
        make_matter(world, title=f"合作事项{i}")
    few, few_response = queries(client, url, **params)
    for i in range(2, 20):
        make_matter(world, title=f"合作事项{i}")
    many, many_response = queries(client, url, **params)
    rows = lambda response: len(response.context["table"].paginated_rows)  # noqa: E731
    assert rows(many_response) > rows(few_response)
    assert len(many) == len(few), "\n".join(q["sql"] for q in many)


def memberships_read(captured) -> int:
    return sum('"accounts_membership"' in q["sql"] and "FROM" in q["sql"] for q in captured)


def test_a_page_reads_the_memberships_once(client_as, world):
    make_matter(world)
    captured, _ = queries(client_as("tf-unit"), reverse("matters:list"))
    assert memberships_read(captured) == 1


@pytest.mark.parametrize("sign_in", ["token", "session"])
def test_an_api_list_reads_the_memberships_once(api_as, client_as, world, sign_in):
    make_matter(world)
    client = api_as("tf-unit") if sign_in == "token" else client_as("tf-unit")
    for url in ("/api/matters/", "/api/milestones/", "/api/sessions/", "/api/supervision-cases/"):
        captured, _ = queries(client, url)
        assert memberships_read(captured) == 1, url

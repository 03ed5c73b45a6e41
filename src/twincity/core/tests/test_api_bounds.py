"""Values at and beyond the edges of what the database holds, in every filter and paging parameter.

The outside attack sent ``?field=99999999999999999999``, ``?year=0`` and huge ``limit``s and got
server errors; the answer must be a page (maybe empty) or a 400 that says what is wrong, never a 500.
"""

import pytest
from django.core.exceptions import ValidationError

from twincity.api_urls import router
from twincity.matters.models import Matter
from twincity.testing import make_matter

pytestmark = pytest.mark.django_db

EDGE_VALUES = (
    "99999999999999999999",
    "-99999999999999999999",
    "9223372036854775808",
    "2147483648",
    "-1",
    "0",
    "1e400",
    "99999-12-31",
)


def list_filters():
    for prefix, viewset, _basename in router.registry:
        filterset_class = getattr(viewset, "filterset_class", None)
        if filterset_class is None:
            continue
        for name in filterset_class.base_filters:
            yield pytest.param(prefix, name, id=f"{prefix}?{name}")


@pytest.mark.parametrize(("prefix", "name"), list(list_filters()))
def test_no_filter_value_makes_a_server_error(api_as, prefix, name):
    client = api_as("office")
    client.raise_request_exception = False
    for value in EDGE_VALUES:
        response = client.get(f"/api/{prefix}/", {name: value})
        assert response.status_code in (200, 400), f"{prefix}?{name}={value}: {response.status_code}"


@pytest.mark.parametrize(
    ("limit", "offset", "expected"),
    [
        ("99999999999999999999", "0", 200),
        ("500", "99999999999999999999", 200),
        ("-1", "0", 400),
        ("0", "0", 400),
        ("10", "-5", 400),
        ("x", "0", 400),
    ],
)
def test_paging_stays_within_bounds(api_as, limit, offset, expected):
    client = api_as("office")
    client.raise_request_exception = False
    for prefix in ("matters", "petitions", "milestones"):
        response = client.get(f"/api/{prefix}/", {"limit": limit, "offset": offset})
        assert response.status_code == expected, f"{prefix} limit={limit} offset={offset}"


def test_a_page_holds_at_most_500_rows(api_as, world):
    make_matter(world)
    response = api_as("office").get("/api/matters/", {"limit": "99999999999999999999"})
    assert response.status_code == 200
    assert "limit=500" in (response.json()["next"] or "limit=500")


# If-Match as clients and attackers send it: (header, status of a PATCH that names no other version).
IF_MATCH_VARIANTS = [
    ('"99999999999999999999"', 412),
    ('"2147483648"', 412),
    ('"-1"', 412),
    ('"0"', 412),
    ('"abc"', 412),
    ('"1", "2"', 412),
    ("", 428),
    ("*", 428),
    ('W/"{v}"', 200),
    ('"{v}"', 200),
    ("{v}", 200),
    ('"{stale}"', 409),
]


@pytest.mark.parametrize(("header", "expected"), IF_MATCH_VARIANTS)
def test_if_match_on_a_patch_answers_by_the_versioning_rules(api_as, world, header, expected):
    matter = make_matter(world)
    client = api_as("office")
    client.raise_request_exception = False
    value = header.format(v=matter.version, stale=matter.version + 7)
    response = client.patch(f"/api/matters/{matter.pk}/", {"title": "按版本修改"}, format="json", HTTP_IF_MATCH=value)
    assert response.status_code == expected, response.content
    assert (Matter.objects.get(pk=matter.pk).title == "按版本修改") == (expected == 200)


@pytest.mark.parametrize(("header", "expected"), IF_MATCH_VARIANTS)
def test_if_match_on_a_step_answers_by_the_versioning_rules(api_as, world, header, expected):
    matter = make_matter(world)
    client = api_as("office")
    client.raise_request_exception = False
    value = header.format(v=matter.version, stale=matter.version + 7)
    response = client.post(
        f"/api/matters/{matter.pk}/status/", {"status": "suspended"}, format="json", HTTP_IF_MATCH=value
    )
    assert response.status_code == expected, response.content
    assert (Matter.objects.get(pk=matter.pk).status == "suspended") == (expected == 200)


@pytest.mark.parametrize("version", [99999999999999999999, 2**31, -1, 0])
def test_a_version_in_the_body_beyond_any_version_is_a_400(api_as, world, version):
    matter = make_matter(world)
    client = api_as("office")
    client.raise_request_exception = False
    response = client.patch(f"/api/matters/{matter.pk}/", {"title": "x", "version": version}, format="json")
    assert response.status_code == 400
    assert "version" in response.json()


@pytest.mark.parametrize("year", [14, 0, 1948, 2101, 99999])
def test_a_joint_request_of_year_14_is_refused_in_chinese(api_as, world, year):
    response = api_as("office").post(
        "/api/petitions/",
        {"partnership": world.partnership.pk, "year": year, "title": "联合请示", "target_authority": "国务院"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    message = response.json()["year"][0]
    assert "1949" in message or "2100" in message
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message


def test_a_matter_of_year_14_is_refused_by_the_model(world):
    matter = make_matter(world)
    matter.year = 14
    with pytest.raises(ValidationError) as refused:
        matter.full_clean()
    assert "year" in refused.value.message_dict


@pytest.mark.parametrize("pk", ["99999999999999999999", "9223372036854775808", "-1", "0.5", "1e3"])
def test_an_id_beyond_the_database_is_a_json_404_on_every_detail(api_as, world, pk):
    client = api_as("office")
    client.raise_request_exception = False
    for prefix, _viewset, _basename in router.registry:
        response = client.get(f"/api/{prefix}/{pk}/")
        assert response.status_code == 404, f"{prefix}/{pk}: {response.status_code}"
        assert response["Content-Type"].startswith("application/json"), f"{prefix}/{pk}"
        step = client.post(f"/api/{prefix}/{pk}/archive/", {}, format="json")
        assert step.status_code in (404, 405), f"{prefix}/{pk}/archive: {step.status_code}"

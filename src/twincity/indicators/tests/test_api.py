"""The statistics API as scripts use it: members read, the office writes definitions, each side writes its own
figures in bulk (every item valid or nothing written), the office finalises, a final figure is revised."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from twincity.accounts.models import ApiToken
from twincity.core.cache import clear_own_cache
from twincity.indicators.choices import ObservationStatus
from twincity.indicators.models import DataElement, Observation, Revision
from twincity.indicators.tests.helpers import build_statistics, figures
from twincity.testing import MEMBERS

pytestmark = pytest.mark.django_db

BULK = "/api/indicator-figures/bulk/"


@pytest.fixture
def w():
    return build_statistics()


@pytest.fixture
def api(w):
    def make(persona):
        _token, key = ApiToken.issue(w.users[persona])
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return make


def item(element, region, period, value, **extra):
    return {"element": element, "region": region, "period": period, "value": value, **extra}


@pytest.mark.parametrize("persona", sorted(MEMBERS))
def test_members_read_elements_indicators_figures_frameworks_and_panels(w, api, persona):
    obs = figures(w, w.users["office"], [(w.gdp, w.tf, "2020", "100")]).created[0]
    client = api(persona)
    assert {e["code"] for e in client.get("/api/indicator-elements/").json()["results"]} == {"GDP", "RD"}
    indicator = client.get(f"/api/indicators/{w.intensity.pk}/").json()
    assert indicator["formula"] == "R&D经费 ÷ 地区生产总值 × 100"
    assert client.get(f"/api/indicator-figures/{obs.pk}/").json()["value"].startswith("100")
    assert client.get("/api/indicator-frameworks/").status_code == 200
    assert client.get("/api/indicator-panels/").status_code == 200


def test_the_outsider_gets_404_on_every_statistics_endpoint(w, api):
    obs = figures(w, w.users["office"], [(w.gdp, w.tf, "2020", "100")]).created[0]
    client = api("outsider")
    assert client.get("/api/indicator-figures/").json()["results"] == []
    for url in [
        f"/api/indicator-figures/{obs.pk}/",
        f"/api/indicator-elements/{w.gdp.pk}/",
        f"/api/indicators/{w.intensity.pk}/",
    ]:
        assert client.get(url).status_code == 404
    body = {"partnership": w.partnership.pk, "figures": [item("GDP", w.tf.pk, "2021", "1")]}
    assert client.post(BULK, body, format="json").status_code == 404
    assert client.post(f"/api/indicator-figures/{obs.pk}/finalise/", {}, format="json").status_code == 404
    assert Observation.objects.count() == 1


def test_the_office_writes_definitions_with_versions_and_others_get_403(w, api):
    office = api("office")
    response = office.post(
        "/api/indicator-elements/",
        {"partnership": w.partnership.pk, "code": "POP", "name": "常住人口", "unit": "万人"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert office.patch(f"/api/indicator-elements/{pk}/", {"unit": "人"}, format="json").status_code == 428
    response = office.patch(
        f"/api/indicator-elements/{pk}/", {"unit": "人"}, format="json", headers={"If-Match": '"1"'}
    )
    assert response.status_code == 200
    stale = office.patch(f"/api/indicator-elements/{pk}/", {"unit": "千人"}, format="json", headers={"If-Match": '"1"'})
    assert stale.status_code == 409
    assert DataElement.objects.get(pk=pk).unit == "人"
    coord = api("lj-coord")
    assert (
        coord.patch(
            f"/api/indicator-elements/{pk}/", {"unit": "x"}, format="json", headers={"If-Match": '"2"'}
        ).status_code
        == 403
    )
    response = coord.post(
        "/api/indicator-elements/", {"partnership": w.partnership.pk, "code": "X", "name": "x"}, format="json"
    )
    assert response.status_code == 403
    assert office.post(f"/api/indicator-elements/{pk}/archive/").status_code == 200
    assert DataElement.objects.get(pk=pk).archived_at is not None


def test_a_liangjiang_coordinator_writes_liangjiang_figures_in_bulk(w, api):
    body = [item("GDP", w.lj.pk, "2020", "1,234.5"), item("RD", w.lj.code, "2020", 45.6, source="统计局")]
    response = api("lj-coord").post(BULK, body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["created"] == 2
    assert Observation.objects.get(element=w.rd).value == Decimal("45.6")


def test_a_bulk_write_with_another_sides_figure_is_403_and_writes_nothing(w, api):
    body = {
        "partnership": w.partnership.pk,
        "figures": [item("GDP", w.lj.pk, "2020", "1"), item("GDP", w.tf.pk, "2020", "2")],
    }
    assert api("lj-coord").post(BULK, body, format="json").status_code == 403
    assert api("leader").post(BULK, body, format="json").status_code == 403
    assert not Observation.objects.exists()


def test_a_liangjiang_unit_contact_writes_in_its_units_name(w, api):
    assert (
        api("lj-unit")
        .post(BULK, [item("GDP", w.lj.pk, "2020Q1" if False else "2020", "88")], format="json")
        .status_code
        == 201
    )
    assert Observation.objects.get().organisation_id == w.lj_dept.pk


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"value": "NaN"}, "value"),
        ({"value": "1e309"}, "value"),
        ({"value": "9" * 40}, "value"),
        ({"value": "=1+1"}, "value"),
        ({"period": "2020Q5"}, "period"),
        ({"element": "NOPE"}, "element"),
        ({"region": "NOWHERE"}, "region"),
        ({"region": "99999999"}, "region"),
    ],
)
def test_a_wrong_item_is_a_400_naming_its_index_and_field_and_nothing_is_written(w, api, bad, field):
    body = [item("GDP", w.tf.pk, "2020", "1"), {**item("RD", w.tf.pk, "2020", "2"), **bad}]
    response = api("office").post(BULK, body, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors[0]["index"] == 1
    assert errors[0]["field"] == field
    assert not Observation.objects.exists()


def test_full_width_digits_and_thousands_separators_are_read(w, api):
    response = api("office").post(BULK, [item("GDP", w.tf.pk, "２０２０", "１，２３４")], format="json")
    assert response.status_code == 201, response.json()
    assert Observation.objects.get().value == Decimal(1234)


def test_a_bulk_write_with_a_stale_version_is_refused(w, api):
    obs = figures(w, w.users["lj-coord"], [(w.gdp, w.lj, "2020", "100")]).created[0]
    figures(w, w.users["office"], [(w.gdp, w.lj, "2020", "110")])
    response = api("lj-coord").post(BULK, [item("GDP", w.lj.pk, "2020", "120", version=obs.version)], format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["index"] == 0
    obs.refresh_from_db()
    assert obs.value == Decimal(110)


def test_the_office_finalises_and_a_final_figure_is_revised_with_a_reason(w, api):
    obs = figures(w, w.users["lj-coord"], [(w.gdp, w.lj, "2020", "100")]).created[0]
    assert api("lj-coord").post(f"/api/indicator-figures/{obs.pk}/finalise/", {}, format="json").status_code == 403
    response = api("office").post(f"/api/indicator-figures/{obs.pk}/finalise/", {}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == ObservationStatus.FINAL
    version = response.json()["version"]
    # bulk cannot change a final figure
    response = api("lj-coord").post(BULK, [item("GDP", w.lj.pk, "2020", "101")], format="json")
    assert response.status_code == 400
    client = api("lj-coord")
    revise = f"/api/indicator-figures/{obs.pk}/revise/"
    assert client.post(revise, {"value": "101", "reason": "更正"}, format="json").status_code == 428
    response = client.post(revise, {"value": "101", "reason": "更正", "version": version}, format="json")
    assert response.status_code == 200, response.json()
    assert len(response.json()["revisions"]) == 1
    assert Revision.objects.get().reason == "更正"
    assert (
        api("tf-coord").post(revise, {"value": "1", "reason": "x", "version": version + 1}, format="json").status_code
        == 403
    )


def test_the_figures_list_costs_the_same_queries_for_few_and_many_rows(w, api):
    figures(w, w.users["office"], [(w.gdp, w.tf, "2000", "1")])
    client = api("leader")
    client.get("/api/indicator-figures/")
    clear_own_cache()  # both lists computed, not read from the cache (core.cache)
    with CaptureQueriesContext(connection) as few:
        client.get("/api/indicator-figures/")
    figures(w, w.users["office"], [(w.gdp, r, str(y), y) for r in (w.tf, w.lj) for y in range(2001, 2030)])
    clear_own_cache()
    with CaptureQueriesContext(connection) as many:
        response = client.get("/api/indicator-figures/?limit=100")
    assert response.json()["count"] == 59
    assert len(many.captured_queries) <= len(few.captured_queries)

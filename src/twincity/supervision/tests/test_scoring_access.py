"""Who sees the scores: the league table, a unit's record, the export and the API, as every persona."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from twincity.accounts.models import ApiToken
from twincity.supervision.choices import Rating
from twincity.supervision.tests import scorekit as kit
from twincity.testing import MEMBERS, PERSONAS, build_second_partnership, build_world

pytestmark = pytest.mark.django_db

YEAR = dt.date.today().year  # noqa: DTZ011 - the pages default to the current year
D = dt.date


def record(w):
    kit.case(
        w, owners=[w.tf_dept], due_on=D(YEAR, 1, 10), closed_on=D(YEAR, 1, 9), rating=Rating.GOOD, title="天府的事项"
    )
    kit.case(
        w, owners=[w.lj_dept], due_on=D(YEAR, 1, 10), closed_on=D(YEAR, 1, 15), rating=Rating.PASS, title="两江的事项"
    )


@pytest.fixture
def scene():
    w = build_world()
    record(w)
    other = build_second_partnership("X")
    kit.case(other, owners=[other.tf_dept], due_on=D(YEAR, 1, 10), title="别的合作机制的事项")
    return w, other


def api(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {ApiToken.issue(user)[1]}")
    return client


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_league_table_and_its_export_are_for_every_member(client, scene, persona):
    w, _other = scene
    client.force_login(w.users[persona])
    q = f"?partnership={w.partnership.pk}"
    page = client.get(reverse("supervision:scores") + q)
    export = client.get(reverse("supervision:scores_export") + q)
    detail = client.get(reverse("supervision:score_detail", args=[w.lj_dept.pk]) + q)
    expected = 200 if persona in MEMBERS else 404
    assert (page.status_code, export.status_code, detail.status_code) == (expected, expected, expected)
    if expected == 200:
        body = page.content.decode()
        assert w.tf_dept.name in body
        assert w.lj_dept.name in body
        assert "40×" in body  # the formula next to the score
        book = load_workbook(io.BytesIO(export.content))
        names = [row[1] for row in book.active.iter_rows(values_only=True)]
        assert w.tf_dept.name in names


@pytest.mark.parametrize(
    ("persona", "sees_lj_record"),
    [
        ("office", True),
        ("leader", True),
        ("auditor", True),
        ("lj-coord", True),
        ("lj-unit", True),
        ("tf-coord", False),
        ("tf-unit", False),
    ],
)
def test_a_units_record_is_shown_to_the_unit_its_coordinator_the_office_and_the_leaders(
    client, scene, persona, sees_lj_record
):
    w, _other = scene
    client.force_login(w.users[persona])
    body = client.get(reverse("supervision:score_detail", args=[w.lj_dept.pk]) + f"?partnership={w.partnership.pk}")
    text = body.content.decode()
    assert ("两江的事项" in text) is sees_lj_record
    assert ('id="record-closed"' in text) is not sees_lj_record
    assert 'id="unit-score"' in text  # everyone sees the score and how it was computed


def test_the_other_partnership_sees_nothing_of_this_one(client, scene):
    w, other = scene
    client.force_login(other.users["office"])
    q = f"?partnership={w.partnership.pk}"
    for name in (
        "supervision:scores",
        "supervision:scores_export",
        "supervision:briefing",
        "supervision:briefing_pdf",
        "supervision:digest",
        "supervision:digest_pdf",
        "supervision:briefings",
    ):
        assert client.get(reverse(name) + q).status_code == 404, name
    assert client.get(reverse("supervision:score_detail", args=[w.tf_dept.pk]) + q).status_code == 404
    # Its own partnership's unit, asked of this partnership: not a unit of it.
    assert client.get(reverse("supervision:score_detail", args=[other.tf_dept.pk]) + q).status_code == 404
    assert client.get(reverse("supervision:policy", args=[w.partnership.pk])).status_code == 404
    own = client.get(reverse("supervision:scores")).content.decode()
    assert f">{w.tf_dept.name}<" not in own  # its own units are prefixed X
    assert f">{other.tf_dept.name}<" in own
    assert "别的合作机制的事项" not in own  # the record behind it is not in the table


@pytest.mark.parametrize("persona", [*PERSONAS, "other"])
def test_the_api_lists_the_table_to_members_and_nothing_to_anyone_else(scene, persona):
    w, other = scene
    user = other.users["office"] if persona == "other" else w.users[persona]
    client = api(user)
    response = client.get("/api/supervision-scores/", {"partnership": w.partnership.pk})
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    member = persona in MEMBERS
    assert ids == ({w.tf_dept.pk, w.lj_dept.pk} if member else set())
    detail = client.get(f"/api/supervision-scores/{w.lj_dept.pk}/", {"partnership": w.partnership.pk})
    assert detail.status_code == (200 if member else 404)
    if member:
        body = detail.json()
        assert body["formula"].endswith(str(body["score"]))
        assert ("record" in body) is (persona in {"office", "leader", "auditor", "lj-coord", "lj-unit"})
    briefing = client.get("/api/supervision-scores/briefing/", {"partnership": w.partnership.pk})
    assert briefing.status_code == (200 if persona in {"office", "leader"} else 404)


def test_the_api_refuses_bad_periods_with_a_reason(scene):
    w, _other = scene
    client = api(w.users["office"])
    bad = client.get("/api/supervision-scores/", {"start": "2026-05-01", "end": "2026-01-01"})
    assert bad.status_code == 400
    assert "end" in bad.json()
    assert client.get("/api/supervision-scores/", {"by": "nonsense"}).status_code == 400
    assert client.get("/api/supervision-scores/", {"start": "not a date"}).status_code == 400
    assert client.get("/api/supervision-scores/briefing/", {"month": "2026-13"}).status_code == 400
    assert client.get("/api/supervision-scores/99999999999999999999/").status_code == 404


def test_a_bad_period_on_the_page_is_said_and_the_year_shown(client, scene):
    w, _other = scene
    client.force_login(w.users["leader"])
    response = client.get(reverse("supervision:scores"), {"start": f"{YEAR}-05-01", "end": f"{YEAR}-01-01"})
    assert response.status_code == 200
    assert "alert-danger" in response.content.decode()
    assert client.get(reverse("supervision:scores_export"), {"start": "x"}).status_code == 404


def test_the_league_table_per_side_and_per_field_and_sorted(client, scene):
    w, _other = scene
    client.force_login(w.users["office"])
    by_side = client.get(reverse("supervision:scores"), {"by": "side"}).content.decode()
    assert "天府" in by_side
    assert "两江" in by_side
    sorted_by_name = client.get(reverse("supervision:scores"), {"sort": "name"})
    assert sorted_by_name.status_code == 200
    assert client.get(reverse("supervision:scores"), {"sort": "nonsense"}).status_code == 200


def test_an_id_beyond_the_database_is_a_404_on_the_unit_page(client, scene):
    w, _other = scene
    client.force_login(w.users["office"])
    client.raise_request_exception = False
    for pk in ("99999999999999999999", "9223372036854775808"):
        assert client.get(f"/supervision/scores/units/{pk}/").status_code == 404
        assert client.get(f"/supervision/settings/{pk}/").status_code == 404


def test_the_trend_follows_the_units_chosen(client, scene):
    w, _other = scene
    client.force_login(w.users["office"])
    response = client.get(reverse("supervision:scores"), {"trend": [w.lj_dept.pk, "x"]})
    assert response.status_code == 200
    series = response.context["charts"]["chart-trend"]["series"]
    assert [s["name"] for s in series] == [w.lj_dept.name]
    both = client.get(reverse("supervision:scores")).context["charts"]["chart-trend"]["series"]
    assert {s["name"] for s in both} == {w.tf_dept.name, w.lj_dept.name}


def test_the_outsider_gets_no_page_no_pdf_no_export(client, scene):
    w, _other = scene
    client.force_login(w.users["outsider"])
    for name in (
        "supervision:scores",
        "supervision:scores_export",
        "supervision:briefing",
        "supervision:briefing_pdf",
        "supervision:digest",
        "supervision:digest_pdf",
        "supervision:briefings",
    ):
        assert client.get(reverse(name)).status_code == 404, name
        assert client.get(reverse(name), {"partnership": w.partnership.pk}).status_code == 404, name

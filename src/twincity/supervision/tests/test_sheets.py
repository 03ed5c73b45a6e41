"""The register of supervision sheets: who sees which sheet (page, workbook, PDF, API), filters, the trail."""

from __future__ import annotations

import datetime as dt
import io
import subprocess

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from twincity.supervision.choices import CaseState
from twincity.supervision.models import Sheet
from twincity.supervision.run import supervise
from twincity.supervision.tests.sheetkit import make_case
from twincity.testing import PERSONAS, build_second_partnership
from twincity.testkit import assert_page

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def sheets(world):
    """Three sheets: both sides' (red, escalated to the coordinators), Tianfu's alone (blue), Liangjiang's
    alone (blue, closed with its case)."""
    both = make_case(world, title="双方共办事项", due_on=D(2026, 3, 31))
    tf = make_case(world, title="天府独办事项", due_on=D(2026, 4, 6), sides=[(world.tf, world.tf_dept)])
    lj = make_case(world, title="两江独办事项", due_on=D(2026, 4, 5), sides=[(world.lj, world.lj_dept)])
    supervise(D(2026, 4, 1))
    supervise(D(2026, 4, 4))
    lj.state = CaseState.CLOSED
    lj.save()
    supervise(D(2026, 4, 5))
    return {
        "both": Sheet.objects.get(case=both),
        "tf": Sheet.objects.get(case=tf),
        "lj": Sheet.objects.get(case=lj),
    }


SEES = {  # persona → the sheets they read
    "office": {"both", "tf", "lj"},
    "leader": {"both", "tf", "lj"},
    "auditor": {"both", "tf", "lj"},
    "tf-coord": {"both", "tf"},
    "lj-coord": {"both", "lj"},
    "tf-unit": {"both", "tf"},
    "lj-unit": {"both", "lj"},
    "outsider": set(),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_reads_the_sheets_of_their_part_on_the_page_the_api_and_in_the_workbook(
    client, api_as, world, sheets, persona
):
    client.force_login(world.users[persona])
    p = world.partnership.pk
    body = client.get(reverse("supervision:sheet_list") + f"?partnership={p}").content.decode()
    listed = {key for key, s in sheets.items() if s.case.title in body}
    assert listed == SEES[persona]
    for key, sheet in sheets.items():
        status = client.get(reverse("supervision:sheet_detail", args=[sheet.pk])).status_code
        assert status == (200 if key in SEES[persona] else 404), f"{persona} {key}"

    api = api_as(persona)
    rows = api.get("/api/supervision/sheets/", {"limit": 500}).json()["results"]
    assert {r["item_title"] for r in rows} == {sheets[k].case.title for k in SEES[persona]}
    for key, sheet in sheets.items():
        status = api.get(f"/api/supervision/sheets/{sheet.pk}/").status_code
        assert status == (200 if key in SEES[persona] else 404)

    export = client.get(reverse("supervision:sheet_export") + f"?partnership={p}")
    if persona == "outsider":
        assert export.status_code == 404
    else:
        ws = load_workbook(io.BytesIO(export.content)).active
        titles = {row[4] for row in ws.iter_rows(min_row=2, values_only=True)}
        assert titles == {sheets[k].case.title for k in SEES[persona]}


def test_the_api_is_read_only(api_as, sheets):
    api = api_as("office")
    url = f"/api/supervision/sheets/{sheets['both'].pk}/"
    assert api.patch(url, {"level": "blue"}, format="json").status_code == 405
    assert api.delete(url).status_code == 405
    assert api.post("/api/supervision/sheets/", {"case": sheets["both"].case_id}, format="json").status_code == 405
    assert Sheet.objects.get(pk=sheets["both"].pk).level == "red"


def test_the_api_detail_has_the_trail(api_as, sheets):
    data = api_as("tf-unit").get(f"/api/supervision/sheets/{sheets['both'].pk}/").json()
    assert data["display_number"] == sheets["both"].display_number
    assert [s["kind"] for s in data["steps"]] == ["issued", "escalated"]
    assert data["level"] == "red"
    assert data["escalation"] == "coordinator"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("level=red", {"both"}),
        ("level=blue", {"tf", "lj"}),
        ("level=blue&level=red", {"both", "tf", "lj"}),
        ("state=closed", {"lj"}),
        ("state=open", {"both", "tf"}),
        ("escalation=coordinator", {"both"}),
        ("escalation=owner", {"tf", "lj"}),
        ("side={lj}", {"both", "lj"}),
        ("organisation={tf_dept}", {"both", "tf"}),
        ("year=2026", {"both", "tf", "lj"}),
        ("year=2025", set()),
    ],
)
def test_the_filters(client_as, api_as, world, sheets, query, expected):
    query = query.format(lj=world.lj.pk, tf_dept=world.tf_dept.pk)
    body = client_as("office").get(reverse("supervision:sheet_list") + "?" + query).content.decode()
    assert {k for k, s in sheets.items() if s.case.title in body} == expected
    rows = api_as("office").get("/api/supervision/sheets/?" + query).json()["results"]
    assert {k for k, s in sheets.items() if s.pk in {r["id"] for r in rows}} == expected


def test_hostile_filters_are_refused_or_ignored_without_a_server_error(client_as, api_as, sheets):
    for query in ("year=99999999999999", "side=abc", "level=purple", "state=<script>", "organisation=-1"):
        assert client_as("office").get(reverse("supervision:sheet_list") + "?" + query).status_code == 200
        assert api_as("office").get("/api/supervision/sheets/?" + query).status_code in (200, 400)


def test_the_list_costs_a_fixed_number_of_queries_and_says_when_nothing_matches(client_as, world, sheets):
    client = client_as("office")
    url = reverse("supervision:sheet_list") + f"?partnership={world.partnership.pk}"
    few = assert_page(client, url, warm=True).queries
    for i in range(6):
        make_case(world, title=f"更多事项{i}", due_on=D(2026, 4, 1))
    supervise(D(2026, 4, 2))
    assert_page(client, url, queries=few, contains=["更多事项5"])
    assert_page(client, url + "&year=2020", contains=["没有符合条件的督办单。"])


def test_the_sheet_page_shows_the_trail_and_links_to_the_item(client_as, sheets):
    sheet = sheets["both"]
    page = assert_page(
        client_as("lj-coord"),
        reverse("supervision:sheet_detail", args=[sheet.pk]),
        contains=[sheet.display_number, 'id="sheet-item"', 'href="/matters/"', 'id="sheet-steps"'],
    )
    assert page.body.count("list-group-item small") == 2


def test_the_menu_leads_to_the_register(client_as, world):
    page = assert_page(client_as("tf-unit"), reverse("workspace:my_work"))
    assert reverse("supervision:sheet_list") + f"?partnership={world.partnership.pk}" in page.body


def test_the_sheet_prints_as_a_pdf_in_chinese(client_as, world, sheets, tmp_path):
    sheet = sheets["both"]
    response = client_as("tf-unit").get(reverse("supervision:sheet_pdf", args=[sheet.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
    compact = "".join(text.split())
    assert sheet.display_number in compact
    assert "双方共办事项" in compact
    assert world.tf_dept.name in compact
    other = client_as("lj-unit").get(reverse("supervision:sheet_pdf", args=[sheets["tf"].pk]))
    assert other.status_code == 404
    assert client_as("outsider").get(reverse("supervision:sheet_pdf", args=[sheet.pk])).status_code == 404


def test_another_partnership_sheets_stay_out(client_as, api_as, world, sheets):
    other = build_second_partnership("X")
    make_case(other, title="别的机制的事项", due_on=D(2026, 4, 1))
    supervise(D(2026, 4, 2))
    foreign = Sheet.objects.get(case__title="别的机制的事项")
    # numbered in its own partnership, from 1 (its own world's items may have sheets too: populate() makes them)
    own = sorted(Sheet.objects.filter(partnership=foreign.partnership).values_list("number", flat=True))
    assert own == list(range(1, len(own) + 1))
    assert foreign.number in own
    for persona in PERSONAS:
        body = client_as(persona).get(reverse("supervision:sheet_list")).content.decode()
        assert "别的机制的事项" not in body
        assert client_as(persona).get(reverse("supervision:sheet_detail", args=[foreign.pk])).status_code == 404
        assert api_as(persona).get(f"/api/supervision/sheets/{foreign.pk}/").status_code == 404

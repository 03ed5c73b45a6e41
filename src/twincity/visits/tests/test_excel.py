"""The visit log in Excel: a round trip, and a catalogue of bad files each leaving the database as it was."""

import io
from functools import partial

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from twincity.regions.models import PartnershipRegion, Region
from twincity.registers.tests import workbooks
from twincity.testkit import Refusal, assert_import_refused
from twincity.visits.excel import VisitWorkbook
from twincity.visits.models import Visit, VisitTopic
from twincity.visits.tests.test_services import record_visit

pytestmark = pytest.mark.django_db

WORKBOOK = VisitWorkbook()
GOOD = {
    "编号": "2020-01",
    "考察名称": "天府新区党政代表团赴两江新区实地考察学习",
    "来访方": "天府",
    "接待方": "两江",
    "开始日期": "2020-04-23",
    "层级": "党政代表团",
    "考察主题": "开放、创新",
}
typed = partial(workbooks.typed, WORKBOOK)


def row(**changes) -> dict:
    """A row of the sheet: the good one with some cells changed (named by their Chinese headers)."""
    return {**GOOD, **changes}


def import_as(world, content: bytes, persona="office"):
    return WORKBOOK.import_file(io.BytesIO(content), partnership=world.partnership, user=world.users[persona])


def test_new_rows_add_visits_with_their_topics_and_status(world):
    result = import_as(world, typed(row()))
    assert result.is_valid, result.errors
    assert result.created == 1, result.errors
    visit = Visit.objects.get(code="2020-01")
    assert (visit.visiting_region, visit.host_region) == (world.tf, world.lj)
    assert visit.topic_values == ["opening_up", "innovation"]
    assert visit.status == "held"


def test_an_exported_log_edited_in_excel_updates_its_visit(world):
    visit = record_visit(world, code="2019-01")
    wb = load_workbook(io.BytesIO(workbooks.export(WORKBOOK, world)))
    ws = wb["考察互访"]
    headers = [c.value for c in ws[1]]
    assert ws.cell(3, headers.index("考察主题") + 1).value == "城市、产业"
    assert ws.cell(3, headers.index("状态") + 1).value == "已开展"
    ws.cell(3, headers.index("考察成果") + 1).value = "提炼形成“十条真经”"
    ws.cell(3, headers.index("考察主题") + 1).value = "人才"
    out = io.BytesIO()
    wb.save(out)
    result = import_as(world, out.getvalue(), "lj-coord")
    assert result.is_valid, result.errors
    assert result.updated == 1, result.errors
    visit = Visit.objects.get(pk=visit.pk)
    assert visit.outcomes == "提炼形成“十条真经”"
    assert visit.topic_values == ["talent"]
    assert visit.version == 2


# The columns a sheet with only 编号, 名称 and 来访方 lacks (状态 is only exported, so never missing).
MISSING = [
    ("考察名称", "Title"),
    ("接待方", "Host side"),
    ("开始日期", "From"),
    ("结束日期", "To"),
    ("层级", "Level"),
    ("考察主题", "Topics"),
    ("带队领导", "Head of delegation"),
    ("代表团成员", "Members"),
    ("考察行程", "Programme"),
    ("考察成果", "Outcomes"),
    ("领域", "Field"),
    ("备注", "Notes"),
    ("版本", "Version"),
]
BAD_FILES = {  # each file, and the problems (row, column, message) it must be refused with
    "not a workbook": (b"%PDF-1.4 this is not a spreadsheet", [(None, None, Refusal.NOT_XLSX)]),
    "wrong header": (
        typed(row(), header_row=["编号", "名称", "来访方"]),
        [
            (1, "B 名称", Refusal.unknown_column("名称")),
            *((1, zh, Refusal.missing_column(zh, en)) for zh, en in MISSING),
        ],
    ),
    "bad date": (typed(row(开始日期="二〇二〇年四月")), [(2, "E 开始日期", Refusal.not_a_date("二〇二〇年四月"))]),
    "unknown side": (typed(row(来访方="浦东")), [(2, "C 来访方", Refusal.unknown_side("浦东"))]),
    "unknown level": (
        typed(row(层级="市长代表团")),
        [(2, "G 层级", Refusal.not_a_choice("市长代表团", ["党政代表团", "部门", "企业", "其他"]))],
    ),
    "unknown topic": (typed(row(考察主题="开放、旅游")), [(2, "H 考察主题", "“旅游”不是考察主题。")]),
    "formula": (
        typed(row(考察名称='=HYPERLINK("http://evil.example/","点击")')),
        [(2, "B 考察名称", Refusal.formula('=HYPERLINK("http://evil.example/","点击")'))],
    ),
    "duplicate numbers": (typed(row(), row(考察名称="另一次考察")), [(3, "编号", Refusal.number_twice("2020-01", 2))]),
    "a side visiting itself": (
        typed(row(), row(编号="2020-02", 来访方="天府", 接待方="天府")),
        [(3, None, "一方不能考察自己：请选择另一接待方。")],
    ),
    "ends before it starts": (typed(row(编号="", 结束日期="2020-04-01")), [(2, None, "结束日期不能早于开始日期。")]),
    "empty": (typed(), [(None, None, Refusal.NO_ENTRIES)]),
}
MODELS = (Visit, VisitTopic)


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_file_is_refused_and_changes_nothing(world, case):
    content, expected = BAD_FILES[case]
    assert_import_refused(lambda: import_as(world, content), expected, models=MODELS)


def test_a_bad_cell_is_reported_with_its_row_and_column(world):
    result = import_as(world, BAD_FILES["unknown topic"][0])
    [problem] = result.errors
    assert (problem.row, problem.column) == (2, "H 考察主题")
    assert "旅游" in problem.message


def test_a_coordinator_cannot_import_a_visit_their_side_took_no_part_in(world):
    third = Region.objects.create(code="GA", name="贵安新区", short_name="贵安")
    PartnershipRegion.objects.create(partnership=world.partnership, region=third, rotation_order=3)
    guian = {
        "考察名称": "贵安新区赴天府新区考察",
        "来访方": "贵安",
        "接待方": "天府",
        "开始日期": "2020-05-01",
        "层级": "部门",
    }
    content = typed(guian)
    assert_import_refused(
        lambda: import_as(world, content, "lj-coord"), [(2, None, Refusal.NOT_THIS_ENTRY)], models=MODELS
    )


@pytest.mark.parametrize("persona", ["tf-unit", "leader", "auditor", "outsider"])
def test_people_who_may_not_record_visits_may_not_import_them(world, persona):
    content = typed(row())
    assert_import_refused(
        lambda: import_as(world, content, persona), [(None, None, Refusal.NOT_AN_EDITOR)], models=MODELS
    )


def test_the_office_imports_the_visit_log_on_the_import_page(world, client_as):
    client = client_as("office")
    url = reverse("visits:visit_import") + f"?partnership={world.partnership.pk}"
    bad = SimpleUploadedFile("visits.xlsx", BAD_FILES["unknown topic"][0])
    response = client.post(url, {"file": bad, "partnership": world.partnership.pk})
    assert response.status_code == 400
    assert "旅游" in response.content.decode()
    good = SimpleUploadedFile("visits.xlsx", typed(row()))
    response = client.post(url, {"file": good, "partnership": world.partnership.pk})
    assert response.status_code == 302
    assert Visit.objects.get(code="2020-01").topic_values == ["opening_up", "innovation"]

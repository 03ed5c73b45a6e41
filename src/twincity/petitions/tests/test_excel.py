"""The list of joint requests in Excel: exported, edited, imported back; every bad file refused whole,
the database unchanged."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from twincity.petitions import services
from twincity.petitions.excel import PetitionWorkbook
from twincity.petitions.models import Petition, PetitionSide, PetitionText
from twincity.petitions.tests.test_services import make_petition
from twincity.registers.tests.workbooks import export, headers, rows_of, typed
from twincity.testkit import Refusal, assert_import_refused

pytestmark = pytest.mark.django_db

WORKBOOK = PetitionWorkbook()
HEADERS = headers(WORKBOOK)


def row(world, **changes) -> dict:
    values = {
        "年度": 2020,
        "事项名称": "参与全国一体化大数据中心建设试点",
        "领域": "创新",
        "争取对象": "国家发展改革委",
        "起草单位": f"{world.tf_dept.name}、{world.lj_dept.name}",
    }
    values.update(changes)
    return values


def import_(world, content: bytes, user: str = "office"):
    return WORKBOOK.import_file(
        SimpleUploadedFile("requests.xlsx", content), partnership=world.partnership, user=world.users[user]
    )


MODELS = (Petition, PetitionSide, PetitionText)


def test_the_export_carries_the_state_read_only_and_in_chinese(world):
    petition = make_petition(world, code="2020-01")
    services.endorse(petition, user=world.users["office"], side=world.tf)
    (exported,) = rows_of(WORKBOOK, export(WORKBOOK, world, "leader"))
    assert exported["编号"] == "2020-01"
    assert exported["状态"] == "起草中"
    assert exported["起草单位"] == f"{world.tf_dept.name}、{world.lj_dept.name}"


def test_an_exported_list_edited_in_excel_updates_the_request_but_never_its_state(world):
    petition = make_petition(world, code="2020-01")
    wb = load_workbook(io.BytesIO(export(WORKBOOK, world)))
    ws = wb.worksheets[0]
    ws.cell(row=3, column=HEADERS.index("争取对象") + 1, value="国家数据局")
    ws.cell(row=3, column=HEADERS.index("状态") + 1, value="已获支持")  # read-only: ignored
    out = io.BytesIO()
    wb.save(out)
    result = import_(world, out.getvalue(), user="lj-coord")
    assert result.is_valid, result.problems
    assert (result.created, result.updated) == (0, 1)
    petition.refresh_from_db()
    assert petition.target_authority == "国家数据局"
    assert petition.status == "drafting"


def _formula(world) -> bytes:
    return typed(WORKBOOK, row(world, 事项名称='=HYPERLINK("http://evil.example/","点击")'))


def _macros(world) -> bytes:
    out = io.BytesIO(typed(WORKBOOK, row(world)))
    with zipfile.ZipFile(out, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"macro")
    return out.getvalue()


def _stale(world) -> bytes:
    petition = make_petition(world, code="2020-01")
    content = export(WORKBOOK, world)
    services.update_petition(petition, user=world.users["office"], version=petition.version, note="在应用中改过")
    return content


BAD_FILES = [  # each file, and the problems (row, column, message) it must be refused with
    pytest.param(lambda w: b"not a workbook at all", [(None, None, Refusal.NOT_XLSX)], id="not an xlsx file"),
    pytest.param(
        lambda w: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
        [(None, None, Refusal.OLD_XLS)],
        id="an old .xls file",
    ),
    pytest.param(_macros, [(None, None, Refusal.MACROS)], id="a workbook with macros"),
    pytest.param(
        lambda w: typed(WORKBOOK, header_row=HEADERS), [(None, None, Refusal.NO_ENTRIES)], id="headers but no rows"
    ),
    pytest.param(
        lambda w: typed(WORKBOOK, row(w), header_row=[h for h in HEADERS if h != "争取对象"]),
        [(1, "争取对象", Refusal.missing_column("争取对象", "Target authority"))],
        id="a required column missing",
    ),
    pytest.param(
        lambda w: typed(WORKBOOK, row(w), header_row=[*HEADERS, "乱写的列"]),
        [(1, "N 乱写的列", Refusal.unknown_column("乱写的列"))],
        id="an unknown column",
    ),
    pytest.param(
        lambda w: typed(WORKBOOK, row(w), row(w, 年度="二〇二〇")),
        [(3, "B 年度", Refusal.not_a_number("二〇二〇"))],
        id="a year that is not a number",
    ),
    pytest.param(
        lambda w: typed(WORKBOOK, row(w, 起草单位="不存在的单位")),
        [(2, "F 起草单位", Refusal.unknown_unit("不存在的单位"))],
        id="an unknown unit",
    ),
    pytest.param(
        lambda w: typed(WORKBOOK, row(w, 领域="不存在的领域")),
        [(2, "D 领域", Refusal.unknown_field("不存在的领域"))],
        id="an unknown field",
    ),
    pytest.param(
        _formula,
        [(2, "C 事项名称", Refusal.formula('=HYPERLINK("http://evil.example/","点击")'))],
        id="a formula",
    ),
    pytest.param(
        lambda w: typed(WORKBOOK, row(w, 编号="Q-1"), row(w, 编号="Q-1")),
        [(3, "编号", Refusal.number_twice("Q-1", 2))],
        id="a number twice",
    ),
    pytest.param(
        lambda w: typed(WORKBOOK, row(w), row(w, 事项名称=None)),
        [(3, "C 事项名称", Refusal.REQUIRED)],
        id="a row without a title",
    ),
    pytest.param(
        lambda w: typed(WORKBOOK, row(w, 事项名称="长" * 301)),
        [(2, "C 事项名称", Refusal.too_long(300))],
        id="a title too long",
    ),
    pytest.param(_stale, [(3, None, Refusal.stale("2020-01"))], id="a row edited in a stale export"),
]


@pytest.mark.parametrize(("bad_file", "expected"), BAD_FILES)
def test_a_bad_file_is_refused_whole_and_the_database_is_unchanged(world, bad_file, expected):
    content = bad_file(world)
    assert_import_refused(lambda: import_(world, content), expected, models=MODELS)


def test_a_coordinator_imports_joint_requests_which_belong_to_both_sides(world):
    """Every joint request is both sides' (either coordinator edits it; each endorses only for its side)."""
    result = import_(world, typed(WORKBOOK, row(world, 起草单位=world.lj_dept.name)), user="tf-coord")
    assert result.is_valid, result.problems
    petition = Petition.objects.get()
    assert {half.region_id for half in petition.sides.all()} == {world.tf.pk, world.lj.pk}


def test_readers_may_not_import_at_all(world):
    assert_import_refused(
        lambda: import_(world, typed(WORKBOOK, row(world)), user="leader"),
        [(None, None, Refusal.NOT_AN_EDITOR)],
        models=MODELS,
    )

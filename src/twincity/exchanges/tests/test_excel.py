"""The register of secondments in Excel: exported, edited, imported back; every bad file refused whole."""

import io
import zipfile
from functools import partial

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from twincity.audit.models import AuditEvent
from twincity.exchanges import services
from twincity.exchanges.choices import Rating
from twincity.exchanges.excel import SecondmentWorkbook
from twincity.exchanges.models import Secondment, SecondmentReport
from twincity.exchanges.tests.test_services import days, second
from twincity.registers.tests import workbooks
from twincity.testkit import Refusal, assert_import_refused

pytestmark = pytest.mark.django_db

WORKBOOK = SecondmentWorkbook()
HEADERS = workbooks.headers(WORKBOOK)


# The shared helpers, bound to this register's workbook.
export = partial(workbooks.export, WORKBOOK)
rows_of = partial(workbooks.rows_of, WORKBOOK)
typed = partial(workbooks.typed, WORKBOOK)


def row(world, **changes) -> dict:
    values = {
        "姓名": "赵某某",
        "职级": "处级",
        "原任职务": "两江新区开放合作局副局长",
        "派出单位": world.lj_dept.name,
        "接收单位": world.tf_dept.name,
        "起始日期": days(-30).isoformat(),
        "结束日期": days(335).isoformat(),
        "领域": "人才",
        "挂职目标": "参与双城办日常运行",
    }
    values.update(changes)
    return values


def import_(world, content: bytes, user="office", name="secondments.xlsx"):
    return WORKBOOK.import_file(
        SimpleUploadedFile(name, content), partnership=world.partnership, user=world.users[user]
    )


MODELS = (Secondment, SecondmentReport)


def test_the_export_has_chinese_and_english_headers_and_the_workflow_columns(world):
    s = second(world, code="HP-01", start=-365, end=-1)
    services.evaluate(s, user=world.users["office"], rating=Rating.EXCELLENT, evaluation="优秀")
    content = export(world)
    ws = load_workbook(io.BytesIO(content)).worksheets[0]
    assert ws.title == "干部互派"
    assert [c.value for c in ws[1]][:3] == ["编号", "姓名", "职级"]
    assert ws["B2"].value == "Name"
    (exported,) = rows_of(content)
    assert exported["编号"] == "HP-01"
    assert exported["派出单位"] == world.lj_dept.name
    assert exported["接收单位"] == world.tf_dept.name
    assert (exported["派出方"], exported["接收方"]) == ("两江", "天府")
    assert (exported["状态"], exported["考核等次"]) == ("期满", "优秀")  # Chinese whatever the interface language


def test_a_typed_list_is_imported_through_the_services(world):
    result = import_(
        world,
        typed(
            row(world, 编号="HP-01"),
            row(world, 姓名="钱某某", 派出单位=world.tf_dept2.name, 接收单位=world.lj_dept2.name),
        ),
    )
    assert result.is_valid, result.errors
    assert result.created == 2
    zhao = Secondment.objects.get(code="HP-01")
    assert (zhao.home_side, zhao.host_side, zhao.field.name) == (world.lj, world.tf, "人才")
    assert AuditEvent.objects.filter(verb="secondment.created").count() == 2


def test_an_exported_list_edited_in_excel_updates_the_entries_with_their_versions(world):
    s = second(world, code="HP-01")
    content = export(world)
    wb = load_workbook(io.BytesIO(content))
    ws = wb.worksheets[0]
    ws.cell(row=3, column=HEADERS.index("挂任职务") + 1, value="天府新区市场监管局局长助理")
    out = io.BytesIO()
    wb.save(out)
    result = import_(world, out.getvalue(), user="lj-coord")
    assert result.is_valid, result.errors
    assert (result.created, result.updated) == (0, 1)
    s.refresh_from_db()
    assert s.host_post == "天府新区市场监管局局长助理"
    assert s.version == 2


def test_the_office_imports_through_the_page_and_readers_cannot(world, client_as):
    url = reverse("exchanges:secondment_import") + f"?partnership={world.partnership.pk}"
    upload = SimpleUploadedFile("s.xlsx", typed(row(world)))
    response = client_as("tf-coord").post(url, {"file": upload, "partnership": world.partnership.pk})
    assert response.status_code == 302
    assert Secondment.objects.filter(person_name="赵某某").exists()
    assert client_as("leader").get(url).status_code == 404
    exported = client_as("leader").get(reverse("exchanges:secondment_export") + f"?partnership={world.partnership.pk}")
    assert exported.status_code == 200
    assert rows_of(exported.content)[0]["姓名"] == "赵某某"


def _stale(world) -> bytes:
    s = second(world, code="HP-01")
    content = export(world)
    services.update_secondment(s, user=world.users["office"], version=s.version, note="在应用中改过")
    return content


def _macro(world) -> bytes:
    buffer = io.BytesIO(typed(row(world)))
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item))
        dst.writestr("xl/vbaProject.bin", b"macro")
    return out.getvalue()


BAD_FILES = {  # each file, and the problems (row, column, message) it must be refused with
    "not a workbook": (lambda w: "姓名,职级\n赵某某,处级\n".encode(), [(None, None, Refusal.NOT_XLSX)]),
    "an old .xls file": (
        lambda w: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512,
        [(None, None, Refusal.OLD_XLS)],
    ),
    "a workbook with macros": (_macro, [(None, None, Refusal.MACROS)]),
    "a wrong header": (  # the last column, 版本, renamed
        lambda w: typed(row(w), header_row=[*HEADERS[:-1], "奖金"]),
        [(1, "T 奖金", Refusal.unknown_column("奖金")), (1, "版本", Refusal.missing_column("版本", "Version"))],
    ),
    "a missing column": (
        lambda w: typed(row(w), header_row=[h for h in HEADERS if h != "接收单位"]),
        [(1, "接收单位", Refusal.missing_column("接收单位", "Host unit"))],
    ),
    "a date that is not a date": (
        lambda w: typed(row(w), row(w, 姓名="钱某某", 起始日期="明年春天")),
        [(3, "H 起始日期", Refusal.not_a_date("明年春天"))],
    ),
    "an unknown rank": (
        lambda w: typed(row(w, 职级="部级")),
        [(2, "C 职级", Refusal.not_a_choice("部级", ["厅局级", "处级", "科级", "其他"]))],
    ),
    "an unknown unit": (
        lambda w: typed(row(w), row(w, 姓名="钱某某", 接收单位="西咸新区组织部")),
        [(3, "F 接收单位", Refusal.unknown_unit("西咸新区组织部"))],
    ),
    "a formula": (
        lambda w: typed(row(w, 挂职目标='=HYPERLINK("http://x")')),
        [(2, "L 挂职目标", Refusal.formula('=HYPERLINK("http://x")'))],
    ),
    "a missing name": (lambda w: typed(row(w), row(w, 姓名=None)), [(3, "B 姓名", Refusal.REQUIRED)]),
    "duplicate numbers": (
        lambda w: typed(row(w, 编号="HP-01"), row(w, 编号="HP-01", 姓名="钱某某")),
        [(3, "编号", Refusal.number_twice("HP-01", 2))],
    ),
    "both units on one side": (
        lambda w: typed(row(w), row(w, 姓名="钱某某", 派出单位=w.tf_dept2.name)),
        [(3, None, "接收单位须属于派出单位所在方之外的另一方。")],
    ),
    "a term ending before it starts": (
        lambda w: typed(row(w, 起始日期=days(10).isoformat(), 结束日期=days(5).isoformat())),
        [(2, None, "任期结束日期须晚于开始日期。")],
    ),
    "a row changed in the application since the export": (_stale, [(3, None, Refusal.stale("HP-01"))]),
    "an empty sheet": (lambda w: typed(), [(None, None, Refusal.NO_ENTRIES)]),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_file_is_refused_whole_and_the_database_is_unchanged(world, case):
    make, expected = BAD_FILES[case]
    content = make(world)
    assert_import_refused(lambda: import_(world, content), expected, models=MODELS)


def test_readers_import_nothing(world):
    assert_import_refused(
        lambda: import_(world, typed(row(world)), user="leader"), [(None, None, Refusal.NOT_AN_EDITOR)], models=MODELS
    )

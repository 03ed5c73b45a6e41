"""The register of agreements in Excel (the office keeps it there today): exported, edited, imported back;
every bad file refused whole, the database unchanged."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from twincity.agreements import services
from twincity.agreements.excel import AgreementWorkbook
from twincity.agreements.models import Agreement, AgreementParty
from twincity.agreements.tests.helpers import add_third_side, make_agreement
from twincity.audit.models import AuditEvent
from twincity.registers.tests.workbooks import export, headers, rows_of, typed
from twincity.testkit import Refusal, assert_import_refused

pytestmark = pytest.mark.django_db

WORKBOOK = AgreementWorkbook()
HEADERS = headers(WORKBOOK)


def row(world, **changes) -> dict:
    values = {
        "协议名称": "人力资源合作战略合作协议",
        "领域": "人才",
        "合作方向": "人力资源",
        "签约单位": f"{world.tf_dept.name}、{world.lj_dept.name}",
        "签署日期": "2020-05-20",
        "生效日期": "2020-05-20",
        "到期日期": "2023-05-19",
    }
    values.update(changes)
    return values


def import_(world, content: bytes, user="office"):
    return WORKBOOK.import_file(
        SimpleUploadedFile("agreements.xlsx", content), partnership=world.partnership, user=world.users[user]
    )


MODELS = (Agreement, AgreementParty)


def test_the_export_has_chinese_and_english_headers_parties_signatories_and_the_state(world):
    make_agreement(world, code="XY2020-04", expires_on=dt.date(2021, 5, 31))
    content = export(WORKBOOK, world)
    ws = load_workbook(io.BytesIO(content)).worksheets[0]
    assert ws.title == "合作协议"
    assert [c.value for c in ws[1]][:3] == ["编号", "协议名称", "领域"]
    assert ws["B2"].value == "Title"
    (exported,) = rows_of(WORKBOOK, content)
    assert exported["编号"] == "XY2020-04"
    assert exported["签约单位"] == f"{world.tf_dept.name}、{world.lj_dept.name}"
    assert "局长 张局长" in exported["签署人"]
    assert exported["状态"] == "已到期"  # computed from the date, in Chinese whatever the interface language


def test_a_typed_list_is_imported_through_the_services(world):
    result = import_(
        world, typed(WORKBOOK, row(world, 编号="XY2020-05"), row(world, 协议名称="教育合作协议", 到期日期=None))
    )
    assert result.is_valid, result.errors
    assert result.created == 2
    hr = Agreement.objects.get(code="XY2020-05")
    assert {p.side_id for p in hr.parties.all()} == {world.tf.pk, world.lj.pk}
    assert Agreement.objects.get(title="教育合作协议").expires_on is None
    assert AuditEvent.objects.filter(verb="agreement.created").count() == 2


def test_an_exported_list_edited_in_excel_updates_the_agreement_and_keeps_its_signatories(world):
    agreement = make_agreement(world, code="XY2020-04")
    wb = load_workbook(io.BytesIO(export(WORKBOOK, world)))
    ws = wb.worksheets[0]
    ws.cell(row=3, column=HEADERS.index("到期日期") + 1, value="2025-05-31")
    out = io.BytesIO()
    wb.save(out)
    result = import_(world, out.getvalue(), user="lj-coord")
    assert result.is_valid, result.errors
    assert (result.created, result.updated) == (0, 1)
    agreement.refresh_from_db()
    assert agreement.expires_on == dt.date(2025, 5, 31)
    assert agreement.version == 2
    assert agreement.parties.get(side=world.tf).signatory == "张局长"


def test_the_office_imports_through_the_page_and_readers_cannot(world, client_as):
    url = reverse("agreements:agreement_import") + f"?partnership={world.partnership.pk}"
    upload = SimpleUploadedFile("a.xlsx", typed(WORKBOOK, row(world)))
    response = client_as("tf-coord").post(url, {"file": upload, "partnership": world.partnership.pk})
    assert response.status_code == 302
    assert Agreement.objects.filter(title="人力资源合作战略合作协议").exists()
    assert client_as("leader").get(url).status_code == 404
    exported = client_as("leader").get(reverse("agreements:agreement_export") + f"?partnership={world.partnership.pk}")
    assert exported.status_code == 200
    assert rows_of(WORKBOOK, exported.content)[0]["协议名称"] == "人力资源合作战略合作协议"


def _formula(world) -> bytes:
    return typed(WORKBOOK, row(world, 协议名称='=HYPERLINK("http://evil.example/","点击")'))


def _stale(world) -> bytes:
    agreement = make_agreement(world, code="XY2020-04")
    content = export(WORKBOOK, world)
    services.update_agreement(agreement, user=world.users["office"], version=agreement.version, note="在应用中改过")
    return content


BAD_FILES = [  # each file, and the problems (row, column, message) it must be refused with
    pytest.param(lambda w: b"not a workbook at all", [(None, None, Refusal.NOT_XLSX)], id="not an xlsx file"),
    pytest.param(
        lambda w: typed(WORKBOOK, row(w), header_row=[h for h in HEADERS if h != "协议名称"]),
        [(1, "协议名称", Refusal.missing_column("协议名称", "Title"))],
        id="a required column missing",
    ),
    pytest.param(
        lambda w: typed(WORKBOOK, row(w), row(w, 签署日期="去年五月")),
        [(3, "F 签署日期", Refusal.not_a_date("去年五月"))],
        id="a date that is not a date",
    ),
    pytest.param(
        lambda w: typed(WORKBOOK, row(w, 签约单位=f"{w.tf_dept.name}、不存在的单位")),
        [(2, "E 签约单位", Refusal.unknown_unit("不存在的单位"))],
        id="an unknown unit",
    ),
    pytest.param(
        lambda w: typed(WORKBOOK, row(w, 签约单位=f"{w.tf_dept.name}、{w.tf_dept2.name}")),
        [(2, None, "协议至少须有两个签约单位，且分属至少两个不同地区。")],
        id="parties of one side",
    ),
    pytest.param(
        lambda w: typed(WORKBOOK, row(w, 到期日期="2019-01-01")),
        [(2, None, "协议的到期日期须晚于生效日期。")],
        id="expires before it comes into force",
    ),
    pytest.param(
        lambda w: typed(WORKBOOK, row(w, 领域="不存在的领域")),
        [(2, "C 领域", Refusal.unknown_field("不存在的领域"))],
        id="an unknown field",
    ),
    pytest.param(
        _formula,
        [(2, "B 协议名称", Refusal.formula('=HYPERLINK("http://evil.example/","点击")'))],
        id="a formula",
    ),
    pytest.param(
        lambda w: typed(WORKBOOK, row(w, 编号="XY-1"), row(w, 编号="XY-1", 协议名称="重复")),
        [(3, "编号", Refusal.number_twice("XY-1", 2))],
        id="a number twice",
    ),
    pytest.param(
        lambda w: typed(WORKBOOK, row(w), row(w, 协议名称=None)),
        [(3, "B 协议名称", Refusal.REQUIRED)],
        id="a row without a title",
    ),
    pytest.param(_stale, [(3, None, Refusal.stale("XY2020-04"))], id="a row edited in a stale export"),
]


@pytest.mark.parametrize(("bad_file", "expected"), BAD_FILES)
def test_a_bad_file_is_refused_whole_and_the_database_is_unchanged(world, bad_file, expected):
    content = bad_file(world)
    assert_import_refused(lambda: import_(world, content), expected, models=MODELS)


def test_a_coordinator_cannot_import_an_agreement_their_side_is_not_party_to(world):
    add_third_side(world)
    content = typed(WORKBOOK, row(world, 签约单位=f"{world.lj_dept.name}、{world.xk_dept.name}"))
    assert_import_refused(
        lambda: import_(world, content, user="tf-coord"), [(2, None, Refusal.NOT_THIS_ENTRY)], models=MODELS
    )

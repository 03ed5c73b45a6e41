"""The annual list in Excel: the office exports it, edits it, imports it back; bad files are refused whole."""

import datetime as dt
import io
import random
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template.defaultfilters import filesizeformat
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from twincity.accounts.choices import Action
from twincity.audit.context import acting
from twincity.audit.models import AuditEvent, ObjectChange
from twincity.matters import excel, services
from twincity.matters.excel import (
    NOTES_SHEET,
    STATUS_WORDS,
    ImportResult,
    apply_import,
    export_matters,
    layout,
    parse_import,
)
from twincity.matters.models import ListEntry, Matter, MatterList, MatterOwner, MatterSide
from twincity.matters.services import OwnerSpec
from twincity.supervision import services as supervision
from twincity.testing import make_matter

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------------------------------- helpers


def columns(world) -> dict[str, tuple[str, str]]:
    """Column key → (letter, Chinese header) in this world's layout (天府 first, then 两江)."""
    return {c.key: (get_column_letter(i), c.zh) for i, c in enumerate(layout(world.partnership.sides()), 1)}


def where(world, key: str) -> str:
    """A column as the import names it: letter and header, e.g. “H 完成时限”."""
    letter, header = columns(world)[key]
    return f"{letter} {header}"


def cell(world, key: str, row: int) -> str:
    return f"{columns(world)[key][0]}{row}"


def export(world, user="office") -> bytes:
    return export_matters(Matter.objects.restrict(world.users[user], Action.VIEW), world.partnership)


def edit(content: bytes, **cells) -> bytes:
    """The workbook with some cells of the list sheet changed (``I3="…"``), as a person would in Excel."""
    wb = load_workbook(io.BytesIO(content))
    ws = wb.worksheets[0]
    for coordinate, value in cells.items():
        ws[coordinate] = value
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def new_file(world, rows: list[dict], *, english_line: bool = True, english_headers: bool = False) -> bytes:
    """A list typed from scratch: ``rows`` map column keys (``title``, ``lead:<side pk>``…) to cell values."""
    cols = layout(world.partnership.sides())
    wb = Workbook()
    ws = wb.active
    ws.title = "重点合作事项"
    ws.append([c.en if english_headers else c.zh for c in cols])
    if english_line:
        ws.append([c.en for c in cols])
    for row in rows:
        ws.append([row.get(c.key) for c in cols])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def row_for(world, **values) -> dict:
    """A valid new matter led by the market-supervision bureaus of both sides."""
    data = {
        "title": "共建川渝市场监管一体化",
        "field": "开放",
        "status": "推进中",
        "start_date": "2020-01-01",
        "due_date": "2020-12-31",
        f"lead:{world.tf.pk}": "天府新区市场监管局",
        f"lead:{world.lj.pk}": "两江新区市场监管局",
        f"leader:{world.tf.pk}": "张主任",
    }
    data.update(values)
    return data


def parse(world, content: bytes, user="office", year=2020):
    return parse_import(io.BytesIO(content), partnership=world.partnership, year=year, user=world.users[user])


def problems(plan) -> list[tuple]:
    return [(p.row, p.column, p.message) for p in plan.errors]


def counts() -> dict[str, int]:
    models = (Matter, MatterOwner, MatterSide, ListEntry, MatterList, ObjectChange, AuditEvent)
    return {m.__name__: m.objects.count() for m in models}


@pytest.fixture
def untouched(world):
    """The database as it was before: asserted after the test, together with the refusal to apply the plan."""
    before = {}

    def start():
        before.update(counts())

    yield start
    assert before, "call untouched() once the test's own data is in place"
    assert counts() == before


def refused(world, plan) -> None:
    """A plan with problems cannot be applied: nothing is written."""
    assert plan.errors
    assert not plan.rows
    with pytest.raises(ValidationError):
        apply_import(plan, user=world.users["office"])


# ------------------------------------------------------------------------------------------- round trip


def test_an_exported_list_imported_again_unchanged_changes_nothing(world):
    make_matter(world)
    make_matter(world, title="=1+1 不是公式", goal="目标\r\n第二行  ", field=None)
    make_matter(world, title="共建人力资源服务产业园", start_date=None, due_date=None)
    content = export(world)
    before = counts()
    versions = dict(Matter.objects.values_list("pk", "version"))

    plan = parse(world, content)

    assert plan.errors == []
    assert [(r.row, r.action) for r in plan.rows] == [(3, "unchanged"), (4, "unchanged"), (5, "unchanged")]
    result = apply_import(plan, user=world.users["office"])
    assert result == ImportResult(created=0, updated=0, unchanged=3)
    assert dict(Matter.objects.values_list("pk", "version")) == versions
    after = counts()
    assert after["ObjectChange"] == before["ObjectChange"]
    assert after["AuditEvent"] == before["AuditEvent"] + 1  # the import itself is logged, nothing else


def test_an_edited_cell_updates_that_matter_and_leaves_a_change_record(world):
    first = make_matter(world)
    second = make_matter(world, title="共建人力资源服务产业园")
    content = edit(export(world), **{cell(world, "title", 4): "共建人力资源服务产业园（二期）"})

    plan = parse(world, content)
    assert plan.errors == []
    assert [(r.code, r.action, r.changes) for r in plan.rows] == [
        (first.code, "unchanged", []),
        (second.code, "update", ["title"]),
    ]
    with acting(world.users["office"]):
        result = apply_import(plan, user=world.users["office"])

    assert result == ImportResult(created=0, updated=1, unchanged=1)
    second.refresh_from_db()
    assert second.title == "共建人力资源服务产业园（二期）"
    assert second.version == 2
    change = ObjectChange.objects.for_object(second).filter(action="update").first()
    assert change.user == world.users["office"]
    assert ("title", "共建人力资源服务产业园", "共建人力资源服务产业园（二期）") in change.diff()
    event = AuditEvent.objects.get(verb="matter_list.imported")
    assert event.data == {"year": 2020, "created": 0, "updated": 1, "unchanged": 1, "rows": 2}
    assert event.user == world.users["office"]


def test_units_leaders_dates_and_status_edited_in_excel_reach_the_matter(world):
    matter = make_matter(world)
    content = edit(
        export(world),
        **{
            cell(world, f"support:{world.tf.pk}", 3): "天府新区教育局",
            cell(world, f"lead:{world.lj.pk}", 3): "两江新区教育局",
            cell(world, f"leader:{world.lj.pk}", 3): "王主任",
            cell(world, "due_date", 3): "2020年11月30日",
            cell(world, "status", 3): "暂缓",
        },
    )

    plan = parse(world, content)
    assert plan.errors == []
    assert plan.rows[0].changes == ["due_date", "owners", "leaders", "status"]
    apply_import(plan, user=world.users["office"])

    matter.refresh_from_db()
    assert matter.due_date == dt.date(2020, 11, 30)
    assert matter.status == "suspended"
    assert {(o.organisation.name, o.role) for o in matter.owners.all()} == {
        ("天府新区市场监管局", "lead"),
        ("天府新区教育局", "support"),
        ("两江新区教育局", "lead"),
    }
    assert matter.sides.get(region=world.lj).responsible_leader == "王主任"
    assert AuditEvent.objects.filter(verb="matter.suspended", object_id=matter.pk).exists()
    assert ObjectChange.objects.filter(action="delete", object_repr__startswith="两江新区市场监管局").exists()


def test_new_rows_add_matters_numbered_on_the_years_list(world):
    make_matter(world)  # 2020-01
    content = new_file(
        world,
        [
            row_for(world, title="共建内陆开放门户（新增）", start_date=dt.date(2020, 3, 1), due_date="2020/9/30"),
            row_for(
                world,
                code="2020-09",
                title="共建产业转移承接平台",
                field="Industry",
                status="In progress",
                start_date="2020年6月1日",
                **{
                    f"lead:{world.tf.pk}": "天府新区市场监管局、天府新区教育局",
                    f"support:{world.lj.pk}": "两江新区教育局\n",
                    f"lead:{world.lj.pk}": "两江新区市场监管局；",
                },
            ),
            row_for(world, title="推进政务服务“一网通办”", status=None, field=None),
        ],
    )

    plan = parse(world, content)
    assert plan.errors == []
    assert [(r.row, r.action, r.code) for r in plan.rows] == [
        (3, "create", "2020-02"),
        (4, "create", "2020-09"),
        (5, "create", "2020-03"),
    ]
    result = apply_import(plan, user=world.users["office"])

    assert result == ImportResult(created=3, updated=0, unchanged=0)
    first = Matter.objects.get(code="2020-02")
    assert (first.title, first.start_date, first.due_date) == (
        "共建内陆开放门户（新增）",
        dt.date(2020, 3, 1),
        dt.date(2020, 9, 30),
    )
    second = Matter.objects.get(code="2020-09")
    assert second.field.name == "产业"
    assert second.status == "in_progress"
    assert second.start_date == dt.date(2020, 6, 1)
    assert {(o.organisation.name, o.role, o.side_id) for o in second.owners.all()} == {
        ("天府新区市场监管局", "lead", world.tf.pk),
        ("天府新区教育局", "lead", world.tf.pk),
        ("两江新区市场监管局", "lead", world.lj.pk),
        ("两江新区教育局", "support", world.lj.pk),
    }
    assert dict(second.sides.values_list("region_id", "responsible_leader")) == {world.tf.pk: "张主任", world.lj.pk: ""}
    third = Matter.objects.get(code="2020-03")
    assert third.status == "proposed"
    assert third.field is None
    assert AuditEvent.objects.filter(verb="matter.created").count() == 4


def test_a_matter_added_by_import_is_recorded_exactly_like_one_added_by_hand(world):
    office = world.users["office"]
    with acting(office):
        by_hand = services.create_matter(
            partnership=world.partnership,
            year=2020,
            title="共建川渝市场监管一体化",
            user=office,
            code="2020-01",
            status="in_progress",
            field=world.field,
            goal="统一标准",
            description="两地市场监管部门联合执法",
            start_date=dt.date(2020, 1, 1),
            due_date=dt.date(2020, 12, 31),
            owners=[
                services.OwnerSpec(world.tf_dept),
                services.OwnerSpec(world.lj_dept),
                services.OwnerSpec(world.lj_dept2, "support"),
            ],
            leaders={world.tf.pk: "张主任"},
        )
    content = new_file(
        world,
        [
            row_for(
                world,
                code="2020-02",
                goal="统一标准",
                description="两地市场监管部门联合执法",
                **{f"support:{world.lj.pk}": "两江新区教育局"},
            )
        ],
    )
    apply_import(parse(world, content), user=office)
    imported = Matter.objects.get(code="2020-02")
    by_hand.refresh_from_db()

    def own_fields(m):
        skip = {"id", "code", "created", "last_updated", "search_document"}
        return {f.attname: getattr(m, f.attname) for f in Matter._meta.concrete_fields if f.attname not in skip}

    assert own_fields(imported) == own_fields(by_hand)
    assert imported.search_document == by_hand.search_document.replace("2020 01", "2020 02")
    assert sorted(imported.owners.values_list("organisation_id", "side_id", "role")) == sorted(
        by_hand.owners.values_list("organisation_id", "side_id", "role")
    )
    assert sorted(imported.sides.values_list("region_id", "responsible_leader", "percent_complete")) == sorted(
        by_hand.sides.values_list("region_id", "responsible_leader", "percent_complete")
    )
    assert imported.entries.get().code == "2020-02"

    def created_records(m):
        return sorted(
            (c.changed_object_type.model, c.user_id) for c in ObjectChange.objects.for_object(m).filter(action="create")
        )

    assert created_records(imported) == created_records(by_hand)
    latest = ObjectChange.objects.for_object(imported).get(changed_object_type__model="matter").postchange_data
    assert latest["title"] == "共建川渝市场监管一体化"
    assert latest["watch_from"] == "2020-12-17"
    assert AuditEvent.objects.filter(verb="matter.created", object_id=imported.pk, user=office).exists()


def test_a_list_exported_in_english_headers_without_the_second_line_imports_with_excel_row_numbers(world):
    content = new_file(world, [row_for(world), row_for(world, due_date="2019-12-31")], english_line=False)
    plan = parse(world, content)
    assert problems(plan) == [(3, where(world, "due_date"), _("The due date is before the start date."))]
    english = new_file(world, [row_for(world)], english_line=False, english_headers=True)
    plan = parse(world, english)
    assert plan.errors == []
    assert [(r.row, r.action) for r in plan.rows] == [(2, "create")]


def test_the_office_confirms_completion_by_import_as_on_the_matters_page(world):
    matter = make_matter(world)
    case = supervision.case_of(matter)
    for side in case.sides.all():  # as on the page: once every owning side has reported its part
        supervision.report_completion(case, side, user=world.users["office"], note="已完成")
    content = edit(export(world), **{cell(world, "status", 3): "已完成"})
    apply_import(parse(world, content), user=world.users["office"])
    matter.refresh_from_db()
    assert (matter.status, matter.confirmed_by, matter.version) == ("completed", world.users["office"], 2)
    assert matter.completed_on is not None
    assert AuditEvent.objects.filter(verb="matter.completion_confirmed", object_id=matter.pk).exists()


def test_a_unit_archived_since_keeps_its_matters_but_takes_no_new_ones(world, untouched):
    make_matter(world)
    world.lj_dept.archived_at = timezone.now()
    world.lj_dept.save()
    content = export(world)
    assert parse(world, content).rows[0].action == "unchanged"
    untouched()
    plan = parse(world, new_file(world, [row_for(world)]))
    assert problems(plan) == [
        (
            3,
            where(world, f"lead:{world.lj.pk}"),
            _("The unit “%(unit)s” is archived: it can take on no more matters.") % {"unit": "两江新区市场监管局"},
        )
    ]
    refused(world, plan)


@pytest.mark.parametrize("step", ["parse", "apply"])
def test_an_import_costs_the_same_number_of_queries_for_3_or_30_new_matters(world, step):
    def queries(n: int, year: int) -> int:
        content = new_file(world, [row_for(world, title=f"合作事项{i}") for i in range(n)])
        with CaptureQueriesContext(connection) as ctx:
            plan = parse(world, content, year=year)
        if step == "parse":
            return len(ctx.captured_queries)
        with CaptureQueriesContext(connection) as ctx:
            apply_import(plan, user=world.users["office"])
        return len(ctx.captured_queries)

    make_matter(world, year=2021)
    make_matter(world, year=2022)
    assert queries(3, 2021) == queries(30, 2022)


# ------------------------------------------------------------------------------------------- the export


def test_the_export_has_two_header_lines_the_notes_and_the_dropdowns(world):
    matter = make_matter(world, title='=HYPERLINK("http://example.org")', due_date=dt.date(2020, 3, 1))
    content = export_matters(Matter.objects.all(), world.partnership, today=dt.date(2020, 6, 1))

    wb = load_workbook(io.BytesIO(content))
    ws = wb["重点合作事项"]
    assert wb.sheetnames == ["重点合作事项", NOTES_SHEET]
    headers = [c.value for c in ws[1]]
    assert headers[:8] == ["编号", "事项名称", "领域", "目标", "内容", "状态", "开始日期", "完成时限"]
    assert headers[8:14] == [
        "天府牵头单位",
        "天府配合单位",
        "天府责任领导",
        "两江牵头单位",
        "两江配合单位",
        "两江责任领导",
    ]
    assert headers[14:] == ["完成进度(%)", "状态灯", "下一节点日期", "最近报送日期", "版本"]
    assert [c.value for c in ws[2]][:2] == ["Code", "Title"]
    assert ws.freeze_panes == "C3"
    assert ws.column_dimensions[columns(world)["version"][0]].hidden
    row = {key: ws[cell(world, key, 3)] for key in columns(world)}
    assert row["title"].value == '=HYPERLINK("http://example.org")'
    assert row["title"].data_type == "s"
    assert row["status"].value == STATUS_WORDS["in_progress"]
    assert row["light"].value == "已逾期"  # due 2020-03-01, seen on 2020-06-01
    assert row["due_date"].value == dt.datetime(2020, 3, 1)  # noqa: DTZ001 - an Excel cell holds a naive datetime
    assert row[f"lead:{world.tf.pk}"].value == "天府新区市场监管局"
    assert row["version"].value == matter.version
    dropdowns = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    status_letter, field_letter = columns(world)["status"][0], columns(world)["field"][0]
    assert dropdowns[f"{status_letter}3:{status_letter}1048576"] == '"拟推进,已确定,推进中,已完成,暂缓,已取消"'
    assert "开放" in dropdowns[f"{field_letter}3:{field_letter}1048576"]
    notes = [c for r in wb[NOTES_SHEET].iter_rows(values_only=True) for c in r if c]
    assert "完成时限" in notes
    assert "公共服务" in notes
    assert "已取消" in notes


def test_the_export_costs_the_same_number_of_queries_for_3_or_30_matters(world):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            export_matters(Matter.objects.all(), world.partnership)
        return len(ctx.captured_queries)

    for i in range(3):
        make_matter(world, title=f"合作事项{i}")
    few = queries()
    for i in range(27):
        make_matter(world, title=f"合作事项{i + 3}")
    assert queries() == few


def test_the_export_of_a_list_filtered_by_unit_has_each_matter_once(world):
    make_matter(world)
    make_matter(world, title="共建人力资源服务产业园", code="2020-00")
    filtered = Matter.objects.filter(owners__organisation__in=[world.tf_dept, world.lj_dept]).distinct()
    ws = load_workbook(io.BytesIO(export_matters(filtered, world.partnership))).worksheets[0]
    assert [r[0] for r in ws.iter_rows(min_row=3, values_only=True)] == ["2020-00", "2020-01"]


# ------------------------------------------------------------------------------------------- bad files


def test_a_file_with_wrong_columns_names_every_missing_and_unknown_column(world, untouched):
    make_matter(world)
    untouched()
    wb = load_workbook(io.BytesIO(export(world)))
    ws = wb.worksheets[0]
    ws["H1"] = "截止日期"  # instead of 完成时限
    ws.cell(1, ws.max_column + 1, "备注")
    ws["T1"] = "备注"
    buffer = io.BytesIO()
    wb.save(buffer)

    plan = parse(world, buffer.getvalue())

    assert problems(plan) == [
        (
            1,
            "H 截止日期",
            _("Unknown column “%(header)s”: rename it to one of the columns described on the Notes sheet or remove it.")
            % {"header": "截止日期"},
        ),
        (
            1,
            "T 备注",
            _("Unknown column “%(header)s”: rename it to one of the columns described on the Notes sheet or remove it.")
            % {"header": "备注"},
        ),
        (
            1,
            "完成时限",
            _("The column “%(header)s” (%(english)s) is missing.") % {"header": "完成时限", "english": "Due date"},
        ),
    ]
    refused(world, plan)


def test_an_unknown_unit_is_refused_with_its_row_and_column(world, untouched):
    untouched()
    content = new_file(world, [row_for(world), row_for(world, **{f"support:{world.lj.pk}": "两江新区不存在局"})])
    plan = parse(world, content)
    assert problems(plan) == [
        (
            4,
            where(world, f"support:{world.lj.pk}"),
            _("There is no unit called “%(unit)s” in this partnership.") % {"unit": "两江新区不存在局"},
        )
    ]
    assert str(plan.errors[0]) == _("Row %(row)s, column %(column)s: %(message)s") % {
        "row": 4,
        "column": "M 两江配合单位",
        "message": plan.errors[0].message,
    }
    refused(world, plan)


def test_a_unit_of_the_other_side_is_refused_in_this_sides_column(world, untouched):
    untouched()
    content = new_file(world, [row_for(world, **{f"support:{world.tf.pk}": "两江新区教育局"})])
    plan = parse(world, content)
    assert problems(plan) == [
        (
            3,
            where(world, f"support:{world.tf.pk}"),
            _("“%(unit)s” is a unit of %(other)s, not of %(side)s: put it in the %(other)s column.")
            % {"unit": "两江新区教育局", "other": "两江", "side": "天府"},
        )
    ]
    refused(world, plan)


@pytest.mark.parametrize("value", ["2020-02-30", "明年六月", 43983, "2020-06"])
def test_a_bad_date_is_refused_with_its_row_and_column(world, untouched, value):
    untouched()
    plan = parse(world, new_file(world, [row_for(world, start_date=value)]))
    assert problems(plan) == [
        (
            3,
            where(world, "start_date"),
            _("“%(value)s” is not a date; write 2020-06-01, 2020/6/1 or 2020年6月1日.") % {"value": value},
        )
    ]
    refused(world, plan)


def test_a_due_date_before_the_start_date_is_refused(world, untouched):
    untouched()
    plan = parse(world, new_file(world, [row_for(world, start_date="2020-06-01", due_date=dt.date(2020, 5, 31))]))
    assert problems(plan) == [(3, where(world, "due_date"), _("The due date is before the start date."))]
    refused(world, plan)


def test_problems_are_told_in_the_language_of_the_person_importing(world):
    content = new_file(world, [row_for(world, start_date="2020-06-01", due_date="2020-05-31")])
    with translation.override("zh-hans"):
        assert [str(p) for p in parse(world, content).errors] == ["第 3 行，H 完成时限 列：完成时限早于开始日期。"]
    with translation.override("en"):
        assert [str(p) for p in parse(world, content).errors] == [
            "Row 3, column H 完成时限: The due date is before the start date."
        ]


def test_a_code_twice_in_the_file_is_refused_on_its_second_row(world, untouched):
    untouched()
    plan = parse(
        world,
        new_file(
            world, [row_for(world, code="2020-05"), row_for(world, title="另一事项"), row_for(world, code="2020-05")]
        ),
    )
    assert problems(plan) == [
        (
            5,
            where(world, "code"),
            _("The code %(code)s appears twice in the file (also in row %(row)s).") % {"code": "2020-05", "row": 3},
        )
    ]
    refused(world, plan)


def test_an_unknown_status_and_an_unknown_field_are_refused(world, untouched):
    untouched()
    plan = parse(world, new_file(world, [row_for(world, status="进行中", field="农业")]))
    assert problems(plan) == [
        (3, where(world, "field"), _("“%(value)s” is not a field of this partnership.") % {"value": "农业"}),
        (
            3,
            where(world, "status"),
            _("Unknown status “%(value)s”; use one of: %(allowed)s.")
            % {"value": "进行中", "allowed": "拟推进、已确定、推进中、已完成、暂缓、已取消"},
        ),
    ]
    refused(world, plan)


def test_every_problem_of_the_file_is_reported_not_only_the_first(world, untouched):
    untouched()
    content = new_file(
        world,
        [
            row_for(world, title=None),
            row_for(world),
            {},  # an empty row: skipped, and the rows below keep the numbers Excel shows
            row_for(world, due_date="2020-13-01", **{f"lead:{world.tf.pk}": "无名局"}),
        ],
    )
    plan = parse(world, content)
    assert [(p.row, p.column) for p in plan.errors] == [
        (3, where(world, "title")),
        (6, where(world, "due_date")),
        (6, where(world, f"lead:{world.tf.pk}")),
    ]
    assert plan.errors[0].message == _("The title is required.")
    refused(world, plan)


NOT_XLSX = _(
    "This file is not an Excel workbook (.xlsx). If it is a CSV or text file, open it in Excel "
    "and save it as “Excel Workbook (.xlsx)”."
)


def docx_like() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param("编号,事项名称\n2020-01,共建内陆开放门户\n".encode("gbk"), NOT_XLSX, id="csv renamed .xlsx"),
        pytest.param(random.Random(2020).randbytes(4000), NOT_XLSX, id="random bytes"),
        pytest.param(b"PK\x03\x04" + random.Random(7).randbytes(4000), NOT_XLSX, id="broken zip"),
        pytest.param(docx_like(), NOT_XLSX, id="a Word file renamed"),
        pytest.param(
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4000),
            _(
                "This is an old Excel 97–2003 file (.xls) or a password-protected workbook. Open it in Excel, "
                "save it as “Excel Workbook (.xlsx)” without a password, and import that file."
            ),
            id="xls",
        ),
        pytest.param(b"", _("The file is empty."), id="empty"),
    ],
)
def test_a_file_that_is_not_an_xlsx_workbook_is_refused(world, untouched, content, message):
    untouched()
    plan = parse_import(
        SimpleUploadedFile("重点合作事项.xlsx", content),
        partnership=world.partnership,
        year=2020,
        user=world.users["office"],
    )
    assert problems(plan) == [(None, None, message)]
    refused(world, plan)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(world, untouched):
    make_matter(world)
    untouched()
    content = export(world)
    with override_settings(TWINCITY_IMPORT_MAX_BYTES=2 * 1024):
        upload = SimpleUploadedFile("list.xlsx", content)
        plan = parse_import(upload, partnership=world.partnership, year=2020, user=world.users["office"])
        as_stream = parse(world, content)  # a stream without a declared size: read up to the limit, no further
    too_large = _("The file is too large: at most %(max)s may be imported.") % {"max": filesizeformat(2048)}
    assert problems(plan) == problems(as_stream) == [(None, None, too_large)]
    refused(world, plan)


def zip_bomb(megabytes: int) -> bytes:
    """An xlsx-shaped zip whose sheet is ``megabytes`` MB of spaces: a few hundred KB on the wire."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        z.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook/>')
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(b'<?xml version="1.0"?><worksheet><sheetData>')
            chunk = b" " * (1 << 20)
            for _i in range(megabytes):
                part.write(chunk)
            part.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


@pytest.mark.parametrize("megabytes", [200, 20], ids=["200 MB in all", "20 MB at a ratio over 100"])
def test_a_zip_bomb_is_refused_before_anything_unpacks_it(world, untouched, monkeypatch, megabytes):
    untouched()
    content = zip_bomb(megabytes)
    assert len(content) < 2 * 1024 * 1024

    def must_not_load(*args, **kwargs):
        raise AssertionError("openpyxl was asked to read a zip bomb")

    monkeypatch.setattr(excel, "load_workbook", must_not_load)
    plan = parse(world, content)
    assert problems(plan) == [
        (None, None, _("The file unpacks to far more data than a list of matters holds; it is refused as unsafe."))
    ]
    refused(world, plan)


def test_formula_cells_are_refused_by_row_and_column_and_never_calculated(world, untouched):
    make_matter(world)
    untouched()
    content = edit(
        export(world),
        **{
            cell(world, "title", 3): "=1+1",
            cell(world, "description", 3): '=HYPERLINK("http://evil.example/","点击查看")',
            cell(world, "percent", 3): "=100",  # even in a column the import ignores
        },
    )
    plan = parse(world, content)
    message = _("The cell holds a formula (%(formula)s). Formulas are not calculated on import: type the value itself.")
    assert problems(plan) == [
        (3, where(world, "title"), message % {"formula": "=1+1"}),
        (3, where(world, "description"), message % {"formula": '=HYPERLINK("http://evil.example/","点击查看")'}),
        (3, where(world, "percent"), message % {"formula": "=100"}),
    ]
    refused(world, plan)


def test_a_row_edited_in_a_stale_export_is_refused(world, untouched):
    matter = make_matter(world)
    content = export(world)
    lj_coord = world.users["lj-coord"]
    with acting(lj_coord):  # someone else edits the matter after the export
        services.update_matter(matter, user=lj_coord, version=matter.version, goal="年内签约")
    untouched()
    plan = parse(world, edit(content, **{cell(world, "title", 3): "共建内陆开放门户（修订）"}))
    assert problems(plan) == [
        (
            3,
            where(world, "version"),
            _(
                "The matter %(code)s was changed by someone else after this file was exported. Export the list "
                "again and redo your changes to this row."
            )
            % {"code": matter.code},
        )
    ]
    refused(world, plan)


def test_a_matter_changed_between_the_check_and_the_import_leaves_nothing_written(world):
    matter = make_matter(world)
    content = edit(export(world), **{cell(world, "title", 3): "共建内陆开放门户（修订）"})
    content = edit(content, A4=None, **{cell(world, "title", 4): "共建人力资源服务产业园"})
    content = edit(content, **{cell(world, f"lead:{world.tf.pk}", 4): "天府新区教育局"})
    plan = parse(world, content)
    assert [r.action for r in plan.rows] == ["update", "create"]
    office = world.users["office"]
    with acting(office):
        services.update_matter(matter, user=office, version=matter.version, goal="年内签约")
    before = counts()

    with pytest.raises(ValidationError) as refusal:
        apply_import(plan, user=office)

    assert refusal.value.messages == [
        _("Row %(row)s: the matter %(code)s was changed by someone else meanwhile; nothing was imported.")
        % {"row": 3, "code": matter.code}
    ]
    assert counts() == before


def test_a_code_taken_between_the_check_and_the_import_leaves_nothing_written(world):
    plan = parse(world, new_file(world, [row_for(world, code="2020-05"), row_for(world, code="2020-06")]))
    assert plan.errors == []
    make_matter(world, code="2020-06")
    before = counts()
    with pytest.raises(ValidationError) as refusal:
        apply_import(plan, user=world.users["office"])
    assert refusal.value.messages == [
        _("Someone added matters to the %(year)s list meanwhile; nothing was imported. Import the file again.")
        % {"year": 2020}
    ]
    assert counts() == before


def test_a_code_changed_in_excel_is_refused_rather_than_taken_for_a_new_matter(world, untouched):
    make_matter(world)
    untouched()
    plan = parse(world, edit(export(world), A3="2020-1A"))
    assert problems(plan) == [
        (
            3,
            where(world, "version"),
            _(
                "This row has a version but its code is not on the %(year)s list. Codes cannot be changed by "
                "import; for a new matter leave the version (hidden column) empty."
            )
            % {"year": 2020},
        )
    ]
    refused(world, plan)


# ------------------------------------------------------------------------------------------- who may import


def liangjiang_only_matter(world):
    return make_matter(
        world, title="两江新区自贸试验区法院协作", owners=[OwnerSpec(world.lj_dept)], leaders={world.lj.pk: "李主任"}
    )


def test_a_coordinator_changing_a_matter_their_side_takes_no_part_in_gets_a_row_error(world, untouched):
    shared = make_matter(world)
    theirs = liangjiang_only_matter(world)
    untouched()
    content = export(world, user="tf-coord")  # the coordinator sees the whole list
    content = edit(
        content,
        **{cell(world, "goal", 3): "年内签约", cell(world, "goal", 4): "年内签约"},
    )
    plan = parse(world, content, user="tf-coord")
    assert problems(plan) == [
        (
            4,
            where(world, "code"),
            _("You may not change the matter %(code)s: your side takes no part in it.") % {"code": theirs.code},
        )
    ]
    refused(world, plan)
    shared.refresh_from_db()
    assert shared.goal == ""  # the row the coordinator could change was not written either


def test_a_coordinator_updates_their_sides_matters_and_leaves_the_others_rows_alone(world):
    shared = make_matter(world)
    liangjiang_only_matter(world)
    content = edit(export(world, user="tf-coord"), **{cell(world, "goal", 3): "年内签约"})
    plan = parse(world, content, user="tf-coord")
    assert plan.errors == []
    result = apply_import(plan, user=world.users["tf-coord"])
    assert result == ImportResult(created=0, updated=1, unchanged=1)
    shared.refresh_from_db()
    assert shared.goal == "年内签约"


def test_a_coordinator_cannot_add_a_matter_without_their_side_or_approve_one(world, untouched):
    untouched()
    content = new_file(
        world,
        [
            row_for(world, status="拟推进", **{f"lead:{world.tf.pk}": None, f"leader:{world.tf.pk}": None}),
            row_for(world, status="推进中"),
        ],
    )
    plan = parse(world, content, user="tf-coord")
    assert problems(plan) == [
        (
            3,
            where(world, f"lead:{world.tf.pk}"),
            _("A matter you add must involve your side: name a unit of %(side)s.") % {"side": "天府"},
        ),
        (
            4,
            where(world, "status"),
            _("A new matter starts as “%(proposed)s”; only the office may add it as “%(status)s”.")
            % {"proposed": "拟推进", "status": "推进中"},
        ),
    ]
    refused(world, plan)


def test_a_coordinator_cannot_confirm_completion_by_import(world, untouched):
    make_matter(world)
    untouched()
    content = edit(export(world, user="tf-coord"), **{cell(world, "status", 3): "已完成"})
    plan = parse(world, content, user="tf-coord")
    assert problems(plan) == [
        (3, where(world, "status"), _("Only the office or a leader may make a matter “%(to)s”.") % {"to": "已完成"})
    ]
    refused(world, plan)


@pytest.mark.parametrize("persona", ["tf-unit", "leader", "auditor", "outsider"])
def test_people_who_may_not_change_the_list_may_not_import_at_all(world, untouched, persona):
    make_matter(world)
    untouched()
    plan = parse(world, export(world), user=persona)
    assert problems(plan) == [(None, None, _("You may not add or change matters of this partnership."))]
    refused(world, plan)

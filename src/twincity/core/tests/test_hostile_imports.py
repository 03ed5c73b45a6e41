"""Hostile files against every import the app has (the matter list and each register that imports):
whatever the trick, the file is refused with a clear message in the user's language and nothing is written."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.utils import translation

from twincity.agreements.excel import AgreementWorkbook
from twincity.agreements.tests.test_excel import row as agreement_row
from twincity.audit.models import AuditEvent, ObjectChange
from twincity.core import xlsx
from twincity.exchanges.excel import SecondmentWorkbook
from twincity.exchanges.tests.test_excel import row as secondment_row
from twincity.matters.excel import apply_import, parse_import
from twincity.matters.models import Matter
from twincity.matters.tests.test_excel import export as export_matters_of
from twincity.matters.tests.test_excel import new_file, row_for
from twincity.petitions.excel import PetitionWorkbook
from twincity.petitions.tests.test_excel import row as petition_row
from twincity.registers.tests.workbooks import typed
from twincity.testing import make_matter
from twincity.visits.excel import VisitWorkbook
from twincity.visits.tests.test_excel import row as visit_row

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Import:
    """One import of the app, driven as the office would: ``file(world, titles)`` types a valid file with one
    new row per title (``None``: no code), ``run`` imports it and gives the problems as the user reads them."""

    name: str
    model: type
    title_field: str
    file: Callable
    run: Callable
    first_row: int = 2  # a typed register sheet has one header row; the matter list's template two

    def count(self) -> tuple[int, ...]:
        return (self.model.objects.count(), ObjectChange.objects.count(), AuditEvent.objects.count())


def _matters_file(world, rows: list[dict]) -> bytes:
    return new_file(world, [row_for(world, **({"title": r["title"]} | r.get("matter", {}))) for r in rows])


def _matters_run(world, content: bytes) -> list[str]:
    office = world.users["office"]
    plan = parse_import(io.BytesIO(content), partnership=world.partnership, year=2020, user=office)
    if not plan.errors:
        apply_import(plan, user=office)
    return [str(p) for p in plan.errors]


def _register(workbook, title_header: str, base: Callable, extra_key: str):
    def file(world, rows: list[dict]) -> bytes:
        return typed(workbook, *[{**base(world), title_header: r["title"], **r.get(extra_key, {})} for r in rows])

    def run(world, content: bytes) -> list[str]:
        result = workbook.import_file(io.BytesIO(content), partnership=world.partnership, user=world.users["office"])
        return [str(p) for p in result.errors]

    return file, run


IMPORTS = [
    Import("matters", Matter, "title", _matters_file, _matters_run, first_row=3),
    Import(
        "petitions",
        PetitionWorkbook.model,
        "title",
        *_register(PetitionWorkbook(), "事项名称", lambda w: petition_row(w), "petition"),
    ),
    Import(
        "agreements",
        AgreementWorkbook.model,
        "title",
        *_register(AgreementWorkbook(), "协议名称", lambda w: agreement_row(w), "agreement"),
    ),
    Import(
        "visits",
        VisitWorkbook.model,
        "title",
        *_register(VisitWorkbook(), "考察名称", lambda w: {**visit_row(), "编号": None}, "visit"),
    ),
    Import(  # a secondment is told apart by its person (and units and start), not by its optional title
        "secondments",
        SecondmentWorkbook.model,
        "person_name",
        *_register(SecondmentWorkbook(), "姓名", lambda w: secondment_row(w), "secondment"),
    ),
]
EACH_IMPORT = pytest.mark.parametrize("imp", IMPORTS, ids=[i.name for i in IMPORTS])


def test_each_import_accepts_the_plain_file_these_tests_start_from(world):
    for imp in IMPORTS:
        assert imp.run(world, imp.file(world, [{"title": f"{imp.name} 正常导入"}])) == [], imp.name
        assert imp.model.objects.filter(**{imp.title_field: f"{imp.name} 正常导入"}).count() == 1


# ------------------------------------------------------------------------------------ a DTD, however hidden

SLOT = b"ENTITYSLOT"
DTD = b'<!DOCTYPE x [<!ENTITY e "EXPANDED-ENTITY">]>'


def with_dtd(content: bytes, *, dtd_at: int) -> bytes:
    """The workbook with the part holding the title SLOT rewritten: a comment that puts a DTD at byte
    ``dtd_at`` of the part, and the title replaced by that DTD's entity (which a parser would expand)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    found = False
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if SLOT in data:
                found = True
                head = data[: data.index(b"?>") + 2] if data.startswith(b"<?xml") else b""
                padding = dtd_at - len(head) - len(b"<!---->")
                assert padding >= 0
                comment = b"<!--" + b"x" * padding + b"-->"
                data = head + comment + DTD + data[len(head) :].replace(SLOT, b"&e;")
                assert data.index(b"<!DOCTYPE") == dtd_at
            target.writestr(info.filename, data)
    assert found
    return out.getvalue()


@EACH_IMPORT
@pytest.mark.parametrize(
    "dtd_at",
    [70_000, xlsx.SCAN_CHUNK - 4, xlsx.SCAN_CHUNK - 1, 3 * xlsx.SCAN_CHUNK - 8],
    ids=["after 70 KB of comment", "split 4 bytes before a chunk's end", "split after its <", "split after <!DOCTY"],
)
def test_a_dtd_after_a_long_comment_or_split_across_chunks_is_refused_and_nothing_is_written(world, imp, dtd_at):
    content = with_dtd(imp.file(world, [{"title": SLOT.decode()}]), dtd_at=dtd_at)
    before = imp.count()
    with translation.override("zh-hans"):
        problems = imp.run(world, content)
    assert problems == ["该工作簿含有导入不接受的 XML 内容（文档类型声明）。"]
    assert imp.count() == before
    assert not imp.model.objects.filter(**{imp.title_field: "EXPANDED-ENTITY"}).exists()


def _zip(**parts: bytes) -> zipfile.ZipFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return zipfile.ZipFile(buffer)


@pytest.mark.parametrize(
    "data",
    [
        b"<?xml version='1.0'?>" + b" " * (xlsx.SCAN_CHUNK * 2) + b"<!doctype x>",
        ("<?xml version='1.0' encoding='UTF-16'?>" + " " * xlsx.SCAN_CHUNK + "<!DOCTYPE x>").encode("utf-16"),
        ("<?xml version='1.0' encoding='UTF-32'?><!DOCTYPE x>").encode("utf-32"),
        b'<?xml version="1.0" encoding="cp500"?><a/>',
        b"<a/>" + b" " * (xlsx.SCAN_CHUNK - 6) + b"<!ENTITY e 'x'>",
    ],
    ids=["lower case, far down", "UTF-16 across a chunk", "UTF-32", "EBCDIC declared", "an entity split"],
)
def test_every_spelling_of_a_dtd_is_found(data):
    archive = _zip(**{"xl/worksheets/sheet1.bin": data})  # whatever the part's name: relationships decide
    assert xlsx.declares_dtd(archive, archive.infolist()[0])


def test_an_ordinary_part_declares_nothing():
    data = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' + b"<t>DOCTYPE ENTITY &lt;!x</t>" * 10_000
    archive = _zip(**{"xl/sharedStrings.xml": data})
    assert not xlsx.declares_dtd(archive, archive.infolist()[0])


# ------------------------------------------------------------------------------- rows without a code, twice


@EACH_IMPORT
def test_two_rows_without_a_code_for_the_same_entry_are_refused_with_both_row_numbers(world, imp):
    content = imp.file(world, [{"title": "同一事项"}, {"title": "另一事项"}, {"title": " 同一事项 "}])
    before = imp.count()
    with translation.override("zh-hans"):
        (problem,) = imp.run(world, content)
    first, second = imp.first_row, imp.first_row + 2
    assert f"第{first}行与第{second}行" in problem, problem
    assert "重复添加" in problem, problem
    assert imp.count() == before


@EACH_IMPORT
def test_the_same_file_imported_twice_adds_its_rows_once(world, imp):
    content = imp.file(world, [{"title": "导入两次的事项"}])
    assert imp.run(world, content) == []
    before = imp.count()
    with translation.override("en"):
        (problem,) = imp.run(world, content)
    assert "would be added twice" in problem, problem
    assert str(imp.first_row) in problem, problem
    assert imp.count() == before
    assert imp.model.objects.filter(**{imp.title_field: "导入两次的事项"}).count() == 1


def test_a_register_row_is_the_same_entry_only_when_its_identity_is(world):
    """An agreement of the same title between other parties, or a visit of the same title another day, is new."""
    agreements = next(i for i in IMPORTS if i.name == "agreements")
    other_parties = {"签约单位": f"{world.tf_dept2.name}、{world.lj_dept2.name}"}
    content = agreements.file(world, [{"title": "战略合作协议"}, {"title": "战略合作协议", "agreement": other_parties}])
    assert agreements.run(world, content) == []
    visits = next(i for i in IMPORTS if i.name == "visits")
    content = visits.file(world, [{"title": "考察学习"}, {"title": "考察学习", "visit": {"开始日期": "2020-05-01"}}])
    assert visits.run(world, content) == []


def test_rows_that_both_have_a_code_stay_what_the_person_meant(world):
    petitions = next(i for i in IMPORTS if i.name == "petitions")
    content = petitions.file(
        world,
        [
            {"title": "同名请求", "petition": {"编号": "2020-31"}},
            {"title": "同名请求", "petition": {"编号": "2020-32"}},
        ],
    )
    assert petitions.run(world, content) == []


def test_a_hostile_title_exported_and_imported_back_is_the_same_text(world):
    """The quote prefix that keeps “=…” text in Excel does not change what the import reads."""
    make_matter(world, title='=HYPERLINK("http://x.example/","y")')
    office = world.users["office"]
    plan = parse_import(io.BytesIO(export_matters_of(world)), partnership=world.partnership, year=2020, user=office)
    assert plan.errors == []
    assert plan.unchanged == 1

"""Assertions the tests share, so that each kind of test checks what it claims in the same way.

* ``assert_page(client, url, queries=n, contains=[...])``: the page answers 200 (or the status named), shows
  what it should, and costs at most ``n`` queries. A list's query-count test that only counted queries
  would pass on a 404 page; this one cannot.
* ``unchanged(*models)``: a block that must write nothing. The rows of the models named, and the audit
  trail, are read (every field) before and after and must be equal: a refusal that answers 403 but wrote
  anyway fails.
* ``assert_import_refused(do_import, [(row, column, message), ...], models=...)``: an Excel import refused
  with exactly these problems, in the user's language, and nothing written.
* ``rows_three_ways(table)`` / ``normalised_cells(html)`` / ``HOSTILE``: a table's rows written as f-strings
  (``lean_rows``) held to ``LeanTable``'s general rendering and to django-tables2's own, with hostile text.

The people and data themselves are built by ``twincity.testing``; this module only checks.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from twincity.audit.models import AuditEvent, ObjectChange
from twincity.core.cache import clear_own_cache
from twincity.core.tables import ROW_TEMPLATE, LeanTable

# What every write leaves behind: a refusal leaves none of it.
TRAIL = (ObjectChange, AuditEvent)

# Text that a page must show escaped, never as markup.
HOSTILE = """<script>alert("x")</script> & 'quoted' “全角”"""


@dataclass
class Page:
    """A page as the test client received it: the response, its text and the queries it cost."""

    response: object
    body: str
    queries: int


def assert_page(
    client,
    url: str,
    *,
    queries: int | None = None,
    contains: Iterable[str] = (),
    absent: Iterable[str] = (),
    status: int = 200,
    headers: dict | None = None,
    warm: bool = False,
) -> Page:
    """GET ``url`` and check it answers ``status``, contains every text of ``contains`` and none of ``absent``,
    and (when ``queries`` is given) costs at most that many queries. ``warm`` loads the page once first, so
    that what is cached per process (content types, translations) is not counted; the rendered pieces it stored
    (``core.cache``) are then dropped, so the count is what the page costs when it is rendered (a query budget is
    for the miss; ``core/tests/test_cache.py`` counts the hit)."""
    if warm:
        client.get(url, headers=headers or {})
        clear_own_cache()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers or {})
    assert response.status_code == status, f"GET {url} answered {response.status_code}, not {status}"
    body = response.content.decode()
    missing = [text for text in contains if text not in body]
    assert not missing, f"GET {url} does not show {missing}"
    shown = [text for text in absent if text in body]
    assert not shown, f"GET {url} shows {shown}"
    count = len(captured.captured_queries)
    if queries is not None:
        assert count <= queries, f"GET {url} took {count} queries, more than {queries}:\n" + "\n".join(
            q["sql"] for q in captured.captured_queries
        )
    return Page(response, body, count)


def snapshot(*models) -> dict[str, list[dict]]:
    """Every row of each model (and of the audit trail), every field, in primary-key order."""
    every = dict.fromkeys([*models, *TRAIL])  # in order, each once
    return {m._meta.label: list(m._base_manager.order_by("pk").values()) for m in every}


@contextmanager
def unchanged(*models) -> Iterator[None]:
    """The block writes nothing to ``models`` nor to the audit trail: no row added, changed or removed."""
    before = snapshot(*models)
    yield
    after = snapshot(*models)
    for label, rows in before.items():
        assert after[label] == rows, f"{label} changed: {rows} -> {after[label]}"


def problems(result) -> list[tuple]:
    """An import's problems as (row, column, message), the message as the user reads it."""
    return [(p.row, p.column, str(p.message)) for p in result.errors]


def assert_import_refused(do_import: Callable, expected: Iterable[tuple], *, models: Iterable = ()):
    """``do_import()`` is refused with exactly the problems ``expected`` (row, column, message) and writes
    nothing to ``models`` nor to the audit trail. Returns the import's result."""
    with unchanged(*models):
        result = do_import()
    assert not result.is_valid
    assert problems(result) == list(expected)
    return result


class Refusal:
    """What the shared workbook (``core/xlsx.py``, ``registers/excel.py``) tells a person whose file it refuses,
    word for word as they read it (Chinese, the default language). A catalogue of bad files names, per case,
    the message it must produce, so a case refused for another reason than the one it stands for fails."""

    NOT_XLSX = (
        "该文件不是 Excel 工作簿（.xlsx）。如为 CSV 或文本文件，请在 Excel 中打开并另存为“Excel 工作簿（.xlsx）”。"
    )
    OLD_XLS = (
        "该文件为旧版 Excel 97–2003 文件（.xls）或受密码保护的工作簿。"
        "请在 Excel 中打开，另存为不设密码的“Excel 工作簿（.xlsx）”后再导入。"
    )
    MACROS = "该工作簿含有宏。请另存为“Excel 工作簿（.xlsx）”后再导入。"
    NO_ENTRIES = "表头下方没有任何条目。"
    REQUIRED = "此列必填。"
    NOT_AN_EDITOR = "您无权新增或修改本合作机制的台账条目。"
    NOT_THIS_ENTRY = "您无权新增或修改此条目。"

    @staticmethod
    def missing_column(zh: str, en: str) -> str:
        return f"缺少列“{zh}”（{en}）。"

    @staticmethod
    def unknown_column(header: str) -> str:
        return f"无法识别的列“{header}”：请按“说明”工作表所列的列名重命名，或删除该列。"

    @staticmethod
    def not_a_date(value: str) -> str:
        return f"“{value}”不是日期（请写作 2020-06-19）。"

    @staticmethod
    def not_a_number(value: str) -> str:
        return f"“{value}”不是整数。"

    @staticmethod
    def too_long(most: int) -> str:
        return f"最多 {most} 个字符。"

    @staticmethod
    def unknown_unit(name: str) -> str:
        return f"“{name}”不是本合作机制的单位。"

    @staticmethod
    def unknown_field(name: str) -> str:
        return f"“{name}”不是本合作机制的领域。"

    @staticmethod
    def unknown_side(name: str) -> str:
        return f"“{name}”不是本合作机制的一方。"

    @staticmethod
    def not_a_choice(value: str, allowed: Iterable[str]) -> str:
        return f"“{value}”不在可选值中：{'、'.join(allowed)}。"

    @staticmethod
    def formula(text: str) -> str:
        return f"该单元格含有公式（{text}）。导入时不计算公式，请直接填写数值。"

    @staticmethod
    def number_twice(code: str, first_row: int) -> str:
        return f"编号 {code} 与第 {first_row} 行重复。"

    @staticmethod
    def stale(code: str) -> str:
        return f"条目 {code} 在导出后已被他人修改，请重新导出。"


# ---------------------------------------------------------------------------------------------- table rows


def normalised_cells(text: str) -> str:
    """Rows' HTML without the ``data-label`` attributes and the whitespace between tags, to compare with
    django-tables2's own (which writes neither the same way)."""
    text = re.sub(r' data-label="[^"]*"', "", text)
    text = re.sub(r"\s+>", ">", text)
    return re.sub(r">\s+<", "><", text).strip()


def rows_three_ways(table) -> tuple[str, str, str]:
    """The rows as the table's ``lean_rows`` renders them, as ``LeanTable``'s general way does, and the inside of
    django-tables2's own ``<tbody>``."""
    table.template_name = table.frame_template
    theirs = table.as_html(RequestFactory().get("/"))
    table.template_name = ROW_TEMPLATE
    table._counter = itertools.count()
    general = str(LeanTable.lean_rows(table))
    table._counter = itertools.count()
    lean = str(table.lean_rows())
    return lean, general, re.search(r"<tbody[^>]*>(.*?)</tbody>", theirs, re.S).group(1)

"""The annual list in Excel: export it, edit it, import it back (年度重点合作事项清单 · Excel 导出与导入).

The file
========

An export is an ``.xlsx`` workbook with two sheets.

**重点合作事项** (the list): one matter per row.

* Row 1 holds the column headers in Chinese, row 2 the same headers in English (grey). Matters start
  in row 3. The headers are the file's format, not interface text: they are the same whatever the
  language of the person who exported it, so a file goes from one office to another unchanged. On
  import the columns are found by their header (Chinese or English), in any order; row 2 may be
  deleted.
* Columns (``天府`` / ``两江`` stand for each side's short name, ``<side>`` for its English name; sides
  come in the partnership's rotation order):

  ============= ============================ ==================================================
  header        English                      content
  ============= ============================ ==================================================
  编号          Code                         the matter's code on the year's list (2020-07);
                                             empty on a new row = numbered automatically
  事项名称      Title                        required
  领域          Field                        one of the partnership's fields (Chinese or English)
  目标          Goal                         text
  内容          Description                  text
  状态          Status                       拟推进 已确定 推进中 已完成 暂缓 已取消 (or English)
  开始日期      Start date                   a date cell, or 2020-06-01 / 2020/6/1 / 2020年6月1日
  完成时限      Due date                     the same; not before the start date
  天府牵头单位  <side>: lead units           units of that side by name (full, short or English),
                                             several separated by 、 or ; or a new line
  天府配合单位  <side>: supporting units     the same
  天府责任领导  <side>: responsible leader   a name
  完成进度(%)   Percent complete             for reading only (from progress reports)
  状态灯        Health light                 for reading only: 正常推进 需关注 已逾期 不适用
  下一节点日期  Next milestone due           for reading only
  最近报送日期  Last report                  for reading only
  版本          Version                      hidden; lets the import notice a matter changed
                                             since the export. Do not edit; empty on new rows.
  ============= ============================ ==================================================

**说明 Notes**: the same explanations, the allowed status values and the partnership's fields.

Importing
=========

The person importing chooses the year; each row's code decides: a code already on that year's list
updates that matter, a new or empty code adds one. A row without a code whose title (ignoring case and
spacing) is that of another row of the file, or of a matter on the year's list, is refused with both
rows or the matter's code: the same file imported twice, or a copied row, would otherwise add the matter
twice. Two rows that both carry a code are taken as meant. The whole file is checked first and every problem
is reported with its row (as Excel numbers it) and column; nothing is written unless every row is
valid, and then everything is written in one transaction with the usual change records.

The import refuses a file that is not an ``.xlsx`` workbook (old ``.xls``, CSV, a renamed file, one
with macros), one larger than ``TWINCITY_IMPORT_MAX_BYTES``, one that would unpack to too much data
(a zip bomb: more than 100 MB in all, or a part compressed more than 100 times), more than 20,000
rows, and any cell holding a formula: formulas are never calculated, the value itself must be typed.
A row for a matter changed by someone else since the export is refused (export again and redo the
edit); so is a row whose code was changed (codes are not changed by import). Read-only columns are
ignored, and so is anything to the right of the last known column.

Who may import: the office (every matter) and a side's coordinator (matters their side is party to,
and new matters naming a unit of their side). New matters start as 拟推进 unless the importer may
approve (the office); completion is confirmed on the matter's page, never by adding a row.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import io
import itertools
import logging
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from twincity.accounts.access import coordinated_sides, is_office, may_act_in
from twincity.accounts.choices import Action
from twincity.audit.context import acting
from twincity.audit.services import log_event
from twincity.core import xlsx
from twincity.core.services import ConflictError
from twincity.core.xlsx import Column, ImportProblem, ImportReport
from twincity.matters import services
from twincity.matters.choices import TRANSITIONS, Light, MatterStatus, OwnerRole
from twincity.matters.models import ListEntry, Matter, MatterList, MatterOwner, MatterSide
from twincity.matters.querysets import light_expression
from twincity.regions.models import Field, Organisation, Partnership, Region

__all__ = [
    "COLUMNS",
    "EXPORT_ONLY_COLUMNS",
    "SIDE_COLUMNS",
    "VERSION_COLUMN",
    "Column",
    "ImportPlan",
    "ImportProblem",
    "ImportResult",
    "PlannedRow",
    "apply_import",
    "export_matters",
    "layout",
    "parse_import",
]

logger = logging.getLogger(__name__)

DATA_SHEET = "重点合作事项"
NOTES_SHEET = "说明 Notes"  # a sheet title may not contain "/"
FIRST_DATA_ROW = 3

# Limits beyond the upload size (settings.TWINCITY_IMPORT_MAX_BYTES). Read with getattr so that a
# deployment may set them; the defaults hold a 10,000-matter list with a wide margin.
MAX_ROWS = 20_000

# Words of the file format (not interface text: a file must read the same in every office).
STATUS_WORDS: dict[str, str] = {
    MatterStatus.PROPOSED: "拟推进",
    MatterStatus.APPROVED: "已确定",
    MatterStatus.IN_PROGRESS: "推进中",
    MatterStatus.COMPLETED: "已完成",
    MatterStatus.SUSPENDED: "暂缓",
    MatterStatus.CANCELLED: "已取消",
}
LIGHT_WORDS: dict[str, str] = {
    Light.GREEN: "正常推进",
    Light.YELLOW: "需关注",
    Light.RED: "已逾期",
    Light.GREY: "不适用",
}
UNIT_SEPARATORS = re.compile(r"[、;；\r\n]+")
# ----------------------------------------------------------------------------------------- the layout


COLUMNS: tuple[Column, ...] = (
    Column(
        "code", "编号", "Code", gettext_lazy("Code on the year's list; empty on a new row: numbered automatically."), 11
    ),
    Column("title", "事项名称", "Title", gettext_lazy("Required."), 36),
    Column("field", "领域", "Field", gettext_lazy("One of the fields listed below (Chinese or English name)."), 10),
    Column("goal", "目标", "Goal", gettext_lazy("Text."), 30),
    Column("description", "内容", "Description", gettext_lazy("Text."), 40),
    Column(
        "status", "状态", "Status", gettext_lazy("One of the statuses listed below; empty on a new row: 拟推进."), 10
    ),
    Column("start_date", "开始日期", "Start date", gettext_lazy("A date: 2020-06-01, 2020/6/1 or 2020年6月1日."), 12),
    Column("due_date", "完成时限", "Due date", gettext_lazy("A date, not before the start date."), 12),
)
# Repeated for every side of the partnership, prefixed with the side's short name.
SIDE_COLUMNS: tuple[Column, ...] = (
    Column(
        "lead",
        "牵头单位",
        "lead units",
        gettext_lazy("Units of this side, by name; several separated by 、 or ; or a new line."),
        26,
    ),
    Column("support", "配合单位", "supporting units", gettext_lazy("Same as the lead units."), 26),
    Column("leader", "责任领导", "responsible leader", gettext_lazy("A name."), 12),
)
EXPORT_ONLY_COLUMNS: tuple[Column, ...] = (
    Column("percent", "完成进度(%)", "Percent complete", gettext_lazy("For reading only."), 10, imported=False),
    Column("light", "状态灯", "Health light", gettext_lazy("For reading only."), 10, imported=False),
    Column(
        "next_milestone", "下一节点日期", "Next milestone due", gettext_lazy("For reading only."), 12, imported=False
    ),
    Column("last_report", "最近报送日期", "Last report", gettext_lazy("For reading only."), 12, imported=False),
)
VERSION_COLUMN = Column(
    "version",
    "版本",
    "Version",
    gettext_lazy("Hidden. Tells the import which state of the matter you edited. Do not change it; empty on new rows."),
    8,
)


def side_words(region: Region) -> tuple[str, str]:
    """How a side is named in headers: fixed words from the region itself, never the interface language."""
    zh = region.short_name or region.name
    return zh, region.name_en or zh


def layout(sides: list[Region]) -> list[Column]:
    """The full sheet layout for a partnership whose sides (in rotation order) are ``sides``."""
    columns = list(COLUMNS)
    for side in sides:
        zh, en = side_words(side)
        columns.extend(
            Column(f"{col.key}:{side.pk}", f"{zh}{col.zh}", f"{en}: {col.en}", col.help, col.width, True, side.pk)
            for col in SIDE_COLUMNS
        )
    return columns + list(EXPORT_ONLY_COLUMNS) + [VERSION_COLUMN]


# ----------------------------------------------------------------------------------------- export

EXPORT_CHUNK = 2000
EXPORT_VALUES = (
    "pk",
    "code",
    "title",
    "field__name",
    "goal",
    "description",
    "status",
    "start_date",
    "due_date",
    "percent_complete",
    "xl_light",
    "next_milestone_due",
    "version",
)


def export_matters(queryset, partnership: Partnership, *, today: dt.date | None = None) -> bytes:
    """The matters of ``queryset`` (already narrowed by the caller with ``restrict``) as an xlsx file.

    Three queries per 2,000 matters (matters, their units, their sides); rows are streamed (write-only mode).
    """
    today = today or timezone.localdate()
    sides = partnership.sides()
    columns = layout(sides)
    # Plain values, not model instances: building 60,000 objects for 10,000 matters cost more than the rest.
    matters = (
        queryset.filter(partnership=partnership)
        .annotate(xl_light=light_expression(today))
        .order_by("year_list__year", "code", "pk")
        .values_list(*EXPORT_VALUES)
    )
    book = xlsx.ExportBook()
    ws = book.sheet(DATA_SHEET)
    letters = {col.key: get_column_letter(i) for i, col in enumerate(columns, 1)}
    for col in columns:
        ws.width(letters[col.key], col.width, hidden=col is VERSION_COLUMN)
    ws.freeze(f"C{FIRST_DATA_ROW}")  # headers and code + title stay in view
    ws.append(
        [
            ws.header(c.zh, font=xlsx.HEADER_FONT, fill=xlsx.HEADER_FILL if c.imported else xlsx.READ_ONLY_FILL)
            for c in columns
        ]
    )
    ws.append(
        [
            ws.header(c.en, font=xlsx.EN_FONT, fill=xlsx.EN_FILL if c.imported else xlsx.EN_READ_ONLY_FILL)
            for c in columns
        ]
    )

    for chunk in itertools.batched(matters.iterator(chunk_size=EXPORT_CHUNK), EXPORT_CHUNK):
        ids = [values[0] for values in chunk]
        units: dict[tuple[int, str, int], list[str]] = defaultdict(list)
        owned = MatterOwner.objects.filter(matter_id__in=ids).order_by("pk")
        for matter_id, role, side_id, name in owned.values_list("matter_id", "role", "side_id", "organisation__name"):
            units[(matter_id, role, side_id)].append(name)
        leaders: dict[tuple[int, int], str] = {}
        last_report: dict[int, dt.date] = {}
        in_sides = MatterSide.objects.filter(matter_id__in=ids)
        for matter_id, region_id, leader, reported in in_sides.values_list(
            "matter_id", "region_id", "responsible_leader", "last_reported_on"
        ):
            leaders[(matter_id, region_id)] = leader
            if reported and (matter_id not in last_report or reported > last_report[matter_id]):
                last_report[matter_id] = reported
        # Strings are written as they are: the sheet's one writer (xlsx.ExportSheet.append) keeps them text.
        for pk, code, title, field_name, goal, description, status, start, due, percent, light, nxt, version in chunk:
            row: list[Any] = [code, title, field_name, goal, description, STATUS_WORDS.get(status, status), start, due]
            for side in sides:
                row += [
                    "、".join(units[(pk, OwnerRole.LEAD, side.pk)]),
                    "、".join(units[(pk, OwnerRole.SUPPORT, side.pk)]),
                    leaders.get((pk, side.pk), ""),
                ]
            row += [percent, LIGHT_WORDS.get(light, light), nxt, last_report.get(pk), version]
            ws.append(row)

    fields = list(Field.objects.filter(partnership=partnership, archived_at__isnull=True).order_by("order", "pk"))
    ws.add_choice(
        letters["status"], list(STATUS_WORDS.values()), _("Choose one of the statuses."), first_row=FIRST_DATA_ROW
    )
    ws.add_choice(
        letters["field"],
        [f.name for f in fields],
        _("Choose one of the partnership's fields."),
        first_row=FIRST_DATA_ROW,
    )
    _write_notes(book, columns, letters, fields)
    return book.save()


def _write_notes(book: xlsx.ExportBook, columns: list[Column], letters: dict[str, str], fields: list[Field]) -> None:
    ws = book.sheet(NOTES_SHEET)
    for letter, width in zip("ABCDE", (8, 18, 26, 14, 70), strict=True):
        ws.width(letter, width)
    bold = Font(bold=True)

    def heading(text):
        return ws.styled(text, font=Font(bold=True, size=12))

    ws.append([heading(_("How to fill in the list"))])
    for line in (
        _("One matter per row, from row 3. Rows 1 and 2 are the column headers (Chinese, English): keep them."),
        _(
            "The code decides: a code already on the year's list updates that matter; "
            "a new or empty code adds a matter (an empty code is numbered automatically)."
        ),
        _("Units by their name in the system; several units separated by 、 or ; or a new line."),
        _("Dates as date cells or typed as 2020-06-01, 2020/6/1 or 2020年6月1日."),
        _("Grey columns are for reading only: the import ignores them."),
        _(
            "The hidden column “版本” (Version) lets the import notice a matter someone changed after your "
            "export: do not change it, and leave it empty on new rows."
        ),
        _("A code is changed on the matter's page, not here: a row whose code was changed is refused."),
        _("Formulas are refused: type the values themselves."),
        _("The file is checked as a whole: nothing is imported unless every row is valid."),
    ):
        ws.append([None, line])
    ws.append([])
    ws.append([heading(_("Columns"))])
    ws.append([ws.styled(value, font=bold) for value in (_("Column"), "表头", "English", _("On import"), _("Content"))])
    for col in columns:
        ws.append(
            [
                letters[col.key],
                col.zh,
                col.en,
                _("read") if col.imported else _("ignored"),
                str(col.help),
            ]
        )
    ws.append([])
    ws.append([heading(_("Statuses"))])
    with translation.override("en"):
        english = {k: str(MatterStatus(k).label) for k in STATUS_WORDS}
    for code, word in STATUS_WORDS.items():
        ws.append([None, word, english[code]])
    ws.append([])
    ws.append([heading(_("Fields"))])
    for f in fields:
        ws.append([None, f.name, f.name_en])


# ----------------------------------------------------------------------------------------- import: results


@dataclass
class PlannedRow:
    """A valid row and what it will do: ``create``, ``update`` or nothing (``unchanged``)."""

    row: int
    action: str
    code: str
    matter: Matter | None = None
    version: int | None = None
    values: dict = field(default_factory=dict)  # title, field, goal, description, start_date, due_date
    status: str | None = None
    owners: list[services.OwnerSpec] | None = None
    leaders: dict[int, str] = field(default_factory=dict)
    changes: list[str] = field(default_factory=list)
    auto_code: bool = False


@dataclass
class ImportPlan(ImportReport):
    partnership: Partnership | None = None
    year: int = 0
    rows: list[PlannedRow] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def to_create(self) -> int:
        return self.count("create")

    @property
    def to_update(self) -> int:
        return self.count("update")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int = 0


# ----------------------------------------------------------------------------------------- import: the file


# ----------------------------------------------------------------------------------------- import: context


class _Units:
    """The partnership's units, found by full name, short name or English name, per side."""

    def __init__(self, side_ids: list[int]):
        self.by_name: dict[str, list[tuple[int, Organisation]]] = defaultdict(list)
        # Archived units too: a matter they still own must survive the round trip (see _parse_row).
        units = Organisation.objects.filter(Q(region_id__in=side_ids) | Q(region__parent_id__in=side_ids))
        units = units.select_related("region")
        for unit in units:
            side_id = unit.region_id if unit.region_id in side_ids else unit.region.parent_id
            for key in {xlsx.norm(unit.name), xlsx.norm(unit.short_name), xlsx.norm(unit.name_en)} - {""}:
                self.by_name[key].append((side_id, unit))

    def find(self, name: str, side_id: int) -> tuple[Organisation | None, list[int]]:
        """(the unit of this side called ``name``, or None; the sides where units of that name were found)."""
        matches = self.by_name.get(xlsx.norm(name), [])
        own = {u.pk: u for s, u in matches if s == side_id}
        active = [u for u in own.values() if u.archived_at is None]
        if len(own) == 1 or len(active) == 1:
            return (active[0] if active else next(iter(own.values()))), [side_id]
        return None, sorted({s for s, _u in matches})


@dataclass
class _Context:
    partnership: Partnership
    year: int
    user: Any
    sides: list[Region]
    side_names: dict[int, str]
    fields: dict[str, Field]
    statuses: dict[str, str]
    units: _Units
    year_list: MatterList | None
    matters: dict[str, Matter]
    moved_codes: dict[str, Matter]
    changeable: set[int]
    approvable: set[int]
    is_office: bool
    may_approve: bool
    own_sides: set[int]


def _context(partnership: Partnership, year: int, user) -> _Context:
    sides = partnership.sides()
    side_ids = [s.pk for s in sides]
    fields: dict[str, Field] = {}
    for f in Field.objects.filter(partnership=partnership).order_by("archived_at", "order", "pk"):
        for key in (xlsx.norm(f.name), xlsx.norm(f.name_en)):
            if key:
                fields.setdefault(key, f)
    statuses: dict[str, str] = {}
    for code, word in STATUS_WORDS.items():
        statuses[xlsx.norm(word)] = code
        statuses[xlsx.norm(code)] = code
        statuses[xlsx.norm(str(MatterStatus(code).label))] = code
        with translation.override("en"):
            statuses[xlsx.norm(str(MatterStatus(code).label))] = code
    year_list = MatterList.objects.filter(partnership=partnership, year=year).first()
    matters: dict[str, Matter] = {}
    moved: dict[str, Matter] = {}
    changeable: set[int] = set()
    approvable: set[int] = set()
    if year_list is not None:
        on_list = Matter.objects.filter(year_list=year_list).select_related("field", "year_list", "partnership")
        on_list = on_list.prefetch_related(
            Prefetch("owners", queryset=MatterOwner.objects.select_related("organisation").order_by("pk")), "sides"
        )
        matters = {m.code: m for m in on_list}
        entries = ListEntry.objects.filter(year_list=year_list).exclude(matter__year_list=year_list)
        for entry in entries.select_related("matter__year_list"):
            moved.setdefault(entry.code, entry.matter)
        changeable = set(
            Matter.objects.restrict(user, Action.CHANGE).filter(year_list=year_list).values_list("pk", flat=True)
        )
        approvable = set(
            Matter.objects.restrict(user, Action.APPROVE).filter(year_list=year_list).values_list("pk", flat=True)
        )
    return _Context(
        partnership=partnership,
        year=year,
        user=user,
        sides=sides,
        side_names={s.pk: side_words(s)[0] for s in sides},
        fields=fields,
        statuses=statuses,
        units=_Units(side_ids),
        year_list=year_list,
        matters=matters,
        moved_codes=moved,
        changeable=changeable,
        approvable=approvable,
        is_office=is_office(user, partnership.pk),
        may_approve=may_act_in(user, Action.APPROVE, partnership.pk),
        own_sides=coordinated_sides(user, partnership.pk),
    )


# ----------------------------------------------------------------------------------------- import: parsing


def parse_import(fileobj, *, partnership: Partnership, year: int, user) -> ImportPlan:
    """Read and check an uploaded list; write nothing. The plan's ``errors`` say every problem found."""
    plan = ImportPlan(partnership=partnership, year=year)
    if not may_act_in(user, Action.CHANGE, partnership.pk):
        plan.refuse(_("You may not add or change matters of this partnership."))
        return plan
    data = xlsx.read_limited(fileobj, plan)
    bomb = _("The file unpacks to far more data than a list of matters holds; it is refused as unsafe.")
    if data is None or not xlsx.open_container(data, plan, bomb_message=bomb):
        return plan
    try:
        workbook = load_workbook(
            io.BytesIO(data), read_only=True, data_only=False, keep_links=False, keep_vba=False, rich_text=False
        )
    except Exception:  # untrusted input: any failure to read it is the file's fault, said plainly
        logger.warning("xlsx import: workbook could not be read", exc_info=True)
        plan.refuse(_("The workbook could not be read; it may be damaged. Open it in Excel, save it again and retry."))
        return plan
    try:
        ws = workbook[DATA_SHEET] if DATA_SHEET in workbook.sheetnames else workbook.worksheets[0]
        if not hasattr(ws, "iter_rows"):  # a chart sheet
            plan.refuse(_("The first sheet of the workbook holds no table."))
            return plan
        ws.reset_dimensions()  # the declared size may be wrong or hostile; read what is there
        _parse_sheet(ws, plan, _context(partnership, year, user))
    except Exception:  # the sheet is parsed lazily: a damaged part may only show here (logged, in case it is a bug)
        logger.warning("xlsx import: sheet could not be read", exc_info=True)
        plan.rows.clear()
        plan.refuse(_("The workbook could not be read; it may be damaged. Open it in Excel, save it again and retry."))
    finally:
        workbook.close()
    if plan.errors:
        plan.rows.clear()
    return plan


def _parse_sheet(ws, plan: ImportPlan, ctx: _Context) -> None:
    columns = layout(ctx.sides)
    by_key = {c.key: c for c in columns}
    rows = ws.iter_rows(min_row=1, max_row=1)
    header = next(rows, None)
    rows.close()
    if not header:
        plan.refuse(_("The sheet is empty: it has no header row."))
        return
    xlsx.refuse_formulas(header, 1, plan, {})
    index = xlsx.header_map(header, plan, columns)
    if index is None:
        return
    headers = {key: f"{get_column_letter(i + 1)} {xlsx.cell_text(header[i].value)}" for key, i in index.items()}
    labels = {i: headers[key] for key, i in index.items()}
    # Rows are read only as wide as the last known column: a cell far to the right (XFD) would otherwise make
    # openpyxl build 16,384 cells for every row. What lies right of the headers is neither read nor run.
    width = max(index.values()) + 1

    parsed: list[PlannedRow] = []
    seen_codes: dict[str, int] = {}
    count = 0
    for offset, cells in enumerate(ws.iter_rows(min_row=2, max_col=width)):
        number = offset + 2
        # Cheap test first: a stray cell far down the sheet makes openpyxl hand over every empty row above it.
        if all(c.value is None for c in cells) or not any(xlsx.cell_text(c.value) for c in cells):
            continue
        if number == 2 and xlsx.is_english_header(cells, index, by_key):
            continue
        count += 1
        if count > MAX_ROWS:
            plan.refuse(_("The file has more than %(max)s rows; split it.") % {"max": MAX_ROWS})
            return
        before = len(plan.errors)
        xlsx.refuse_formulas(cells, number, plan, labels)
        if len(plan.errors) > before:
            continue
        values = {key: (cells[i] if i < len(cells) else None) for key, i in index.items()}
        planned = _parse_row(number, values, headers, ctx, plan, seen_codes)
        if planned is not None:
            parsed.append(planned)
    if not count and not plan.errors:
        plan.refuse(_("The file holds no matters: fill in rows from row %(row)s on.") % {"row": FIRST_DATA_ROW})
        return
    _refuse_repeated_matters(parsed, ctx, plan, headers.get("title"))
    _number_new_rows(parsed, ctx)
    plan.rows.extend(parsed)


def _refuse_repeated_matters(rows: list[PlannedRow], ctx: _Context, plan: ImportPlan, column: str | None) -> None:
    """A row without a code adds a matter; the same file imported twice, or a row copied, would add it twice.

    So a row without a code is refused when its title (ignoring case and spacing) is that of another row of
    the file, or of a matter already on the year's list (not archived, and not given another title by a row
    of this file). Two rows that both have a code are each what the person meant and stay allowed.
    """
    in_file = {r.code for r in rows if not r.auto_code}
    on_list = {}
    for code, matter in ctx.matters.items():
        if matter.archived_at is None and code not in in_file:
            on_list.setdefault(xlsx.norm(matter.title), code)
    first: dict[str, PlannedRow] = {}
    for row in rows:
        title = row.values.get("title") if "title" in row.values else (row.matter.title if row.matter else "")
        key = xlsx.norm(title or "")
        if not key:
            continue
        earlier = first.setdefault(key, row)
        if earlier is not row and (row.auto_code or earlier.auto_code):
            plan.refuse(
                _(
                    "Rows %(first)s and %(row)s have the same title and at least one of them has no code: the "
                    "matter would be added twice. Give the row its matter's code, change its title or delete it."
                )
                % {"first": earlier.row, "row": row.row},
                row.row,
                column,
            )
        elif row.auto_code and key in on_list:
            plan.refuse(
                _(
                    "This row has no code, but the matter %(code)s on the %(year)s list has the same title: it "
                    "would be added twice. To change that matter, put %(code)s in the code column."
                )
                % {"code": on_list[key], "year": ctx.year},
                row.row,
                column,
            )


def _parse_row(
    number: int, cells: dict, headers: dict[str, str], ctx: _Context, plan: ImportPlan, seen_codes: dict[str, int]
) -> PlannedRow | None:
    errors_before = len(plan.errors)

    def refuse(key: str, message: str) -> None:
        plan.refuse(message, number, headers.get(key))

    def text(key: str) -> str:
        cell = cells.get(key)
        return xlsx.cell_text(cell.value if cell is not None else None)

    def raw(key: str):
        cell = cells.get(key)
        return cell.value if cell is not None else None

    code = text("code")
    if len(code) > 30:
        refuse("code", _("The code is longer than %(max)s characters.") % {"max": 30})
    title = text("title")
    if not title:
        refuse("title", _("The title is required."))
    elif len(title) > 300:
        refuse("title", _("The title is longer than %(max)s characters.") % {"max": 300})

    field_obj = None
    if field_name := text("field"):
        field_obj = ctx.fields.get(xlsx.norm(field_name))
        if field_obj is None:
            refuse("field", _("“%(value)s” is not a field of this partnership.") % {"value": field_name})

    status = None
    if status_text := text("status"):
        status = ctx.statuses.get(xlsx.norm(status_text))
        if status is None:
            refuse(
                "status",
                _("Unknown status “%(value)s”; use one of: %(allowed)s.")
                % {"value": status_text, "allowed": "、".join(STATUS_WORDS.values())},
            )

    dates = {}
    for key in ("start_date", "due_date"):
        try:
            dates[key] = xlsx.parse_date(raw(key) if not isinstance(raw(key), str) else text(key))
        except (ValueError, TypeError):
            refuse(
                key, _("“%(value)s” is not a date; write 2020-06-01, 2020/6/1 or 2020年6月1日.") % {"value": text(key)}
            )

    owners: list[services.OwnerSpec] = []
    leaders: dict[int, str] = {}
    units_seen: dict[int, str] = {}
    owner_columns: dict[int, str] = {}
    for side in ctx.sides:
        for role in (OwnerRole.LEAD, OwnerRole.SUPPORT):
            key = f"{role}:{side.pk}"
            for name in (n.strip() for n in UNIT_SEPARATORS.split(text(key))):
                if not name:
                    continue
                unit, found_in = ctx.units.find(name, side.pk)
                if unit is None:
                    if side.pk in found_in:
                        message = _("Several units of %(side)s are called “%(unit)s”: use the full name.")
                    elif found_in:
                        message = _(
                            "“%(unit)s” is a unit of %(other)s, not of %(side)s: put it in the %(other)s column."
                        )
                    else:
                        message = _("There is no unit called “%(unit)s” in this partnership.")
                    other = "、".join(ctx.side_names[s] for s in found_in if s != side.pk)
                    refuse(key, message % {"unit": name, "side": ctx.side_names[side.pk], "other": other})
                    continue
                if unit.pk in units_seen:
                    refuse(
                        key,
                        _("“%(unit)s” is named twice in this row (also under %(other)s).")
                        % {
                            "unit": name,
                            "other": units_seen[unit.pk],
                        },
                    )
                    continue
                units_seen[unit.pk] = headers[key]
                owners.append(services.OwnerSpec(unit, role))
                owner_columns[unit.pk] = key
        leader = text(f"leader:{side.pk}")
        if len(leader) > 100:
            refuse(f"leader:{side.pk}", _("The name is longer than %(max)s characters.") % {"max": 100})
        leaders[side.pk] = leader

    version = None
    version_text = text("version")
    if version_text:
        try:
            version = int(version_text)
        except ValueError:
            refuse("version", _("The version must be a whole number; do not edit this column."))

    if code and code in seen_codes:
        refuse(
            "code",
            _("The code %(code)s appears twice in the file (also in row %(row)s).")
            % {
                "code": code,
                "row": seen_codes[code],
            },
        )
    elif code:
        seen_codes[code] = number

    values = {"title": title, "field": field_obj, **dates}
    for key in ("goal", "description"):
        values[key] = text(key)
    matter = ctx.matters.get(code) if code else None
    if len(dates) == 2:  # both dates read: the matter's own rules on the values it would take
        _refuse_model_errors(matter, values, refuse)
    already = {o.organisation_id for o in matter.owners.all()} if matter is not None else set()
    for spec in owners:
        if spec.organisation.archived_at is not None and spec.organisation.pk not in already:
            refuse(
                owner_columns[spec.organisation.pk],
                _("The unit “%(unit)s” is archived: it can take on no more matters.")
                % {"unit": spec.organisation.name},
            )
    if matter is not None:
        planned = _plan_update(number, code, matter, version, values, status, owners, leaders, ctx, refuse)
    else:
        planned = _plan_create(number, code, version, values, status, owners, leaders, ctx, refuse)
    return planned if len(plan.errors) == errors_before else None


def _refuse_model_errors(matter: Matter | None, values: dict, refuse) -> None:
    """What ``Matter.clean`` says of the row's values (on the matter the row updates, or a new one), told with the
    row and the column of the field, as the form and the API tell it."""
    probe = copy.copy(matter) if matter is not None else Matter()
    for key, value in values.items():
        setattr(probe, key, value)
    try:
        probe.clean()
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            for message in messages:
                refuse(key, message)


def _same(current, new) -> bool:
    """Does the cell say what the matter already holds? (Excel keeps no trailing spaces or CR.)"""
    if isinstance(current, str):
        return current.replace("\r\n", "\n").strip() == new
    return current == new


def _plan_update(number, code, matter: Matter, version, values, status, owners, leaders, ctx: _Context, refuse):
    if matter.archived_at is not None:
        refuse("code", _("The matter %(code)s is archived; restore it before changing it.") % {"code": code})
        return None
    changes = [k for k, v in values.items() if not _same(getattr(matter, k), v)]
    owners_changed = {(o.organisation_id, o.role) for o in matter.owners.all()} != {
        (spec.organisation.pk, spec.role) for spec in owners
    }
    if owners_changed:
        changes.append("owners")
    current_leaders = {s.region_id: s.responsible_leader for s in matter.sides.all()}
    changed_leaders = {side: name for side, name in leaders.items() if current_leaders.get(side, "") != name}
    if changed_leaders:
        changes.append("leaders")
    new_status = status if status and status != matter.status else None
    if new_status:
        changes.append("status")
    if not changes:
        # A row that changes nothing is no edit, whoever may edit the matter: an exported list holds them all.
        return PlannedRow(number, "unchanged", code, matter=matter, version=version)
    if matter.pk not in ctx.changeable:
        refuse("code", _("You may not change the matter %(code)s: your side takes no part in it.") % {"code": code})
        return None
    if "field" in changes and values["field"] is not None and values["field"].archived_at is not None:
        refuse("field", _("The field “%(value)s” is no longer in use.") % {"value": values["field"].name})
    if owners_changed and not any(spec.role == OwnerRole.LEAD for spec in owners):
        refuse(f"lead:{ctx.sides[0].pk}", _("Name at least one lead unit."))
    if new_status:
        action = TRANSITIONS.get(matter.status, {}).get(new_status)
        if action is None:
            refuse(
                "status",
                _("A matter that is “%(from)s” cannot become “%(to)s”.")
                % {"from": STATUS_WORDS[matter.status], "to": STATUS_WORDS[new_status]},
            )
        elif action == Action.APPROVE and matter.pk not in ctx.approvable:
            refuse(
                "status",
                _("Only the office or a leader may make a matter “%(to)s”.") % {"to": STATUS_WORDS[new_status]},
            )
    if version is None:
        refuse("version", _("The version is missing: export the list again and make your changes in that file."))
    elif version != matter.version:
        refuse(
            "version",
            _(
                "The matter %(code)s was changed by someone else after this file was exported. Export the list "
                "again and redo your changes to this row."
            )
            % {"code": code},
        )
    return PlannedRow(
        number,
        "update",
        code,
        matter=matter,
        version=version,
        values={k: values[k] for k in changes if k in values},
        status=new_status,
        owners=owners if owners_changed else None,
        leaders=changed_leaders,
        changes=changes,
    )


def _plan_create(number, code, version, values, status, owners, leaders, ctx: _Context, refuse):
    if code and code in ctx.moved_codes:
        moved = ctx.moved_codes[code]
        refuse(
            "code",
            _("The code %(code)s was used on this list by a matter that has moved to the %(year)s list.")
            % {"code": code, "year": moved.year_list.year},
        )
    if version is not None:
        refuse(
            "version",
            _(
                "This row has a version but its code is not on the %(year)s list. Codes cannot be changed by "
                "import; for a new matter leave the version (hidden column) empty."
            )
            % {"year": ctx.year},
        )
    status = status or MatterStatus.PROPOSED
    if status == MatterStatus.COMPLETED:
        refuse("status", _("A new matter cannot start as completed; completion is confirmed on the matter's page."))
    elif status not in (MatterStatus.PROPOSED, MatterStatus.CANCELLED) and not ctx.may_approve:
        refuse(
            "status",
            _("A new matter starts as “%(proposed)s”; only the office may add it as “%(status)s”.")
            % {"proposed": STATUS_WORDS[MatterStatus.PROPOSED], "status": STATUS_WORDS[status]},
        )
    if not any(spec.role == OwnerRole.LEAD for spec in owners):
        refuse(f"lead:{ctx.sides[0].pk}", _("Name at least one lead unit."))
    leaders = {side: name for side, name in leaders.items() if name}
    involved = _sides_of(owners, ctx) | set(leaders)
    if not ctx.is_office and not (involved & ctx.own_sides):
        own = sorted(ctx.own_sides)
        refuse(
            f"lead:{own[0]}" if own else "code",
            _("A matter you add must involve your side: name a unit of %(side)s.")
            % {"side": "、".join(ctx.side_names.get(s, "?") for s in own)},
        )
    if values["field"] is not None and values["field"].archived_at is not None:
        refuse("field", _("The field “%(value)s” is no longer in use.") % {"value": values["field"].name})
    return PlannedRow(
        number,
        "create",
        code,
        version=None,
        values=values,
        status=status,
        owners=owners,
        leaders=leaders,
        changes=["new"],
        auto_code=not code,
    )


def _sides_of(owners: list[services.OwnerSpec], ctx: _Context) -> set[int]:
    side_ids = {s.pk for s in ctx.sides}
    return {services.side_of(spec.organisation, side_ids) for spec in owners}


def _number_new_rows(rows: list[PlannedRow], ctx: _Context) -> None:
    """Number rows without a code as the service numbers a new matter (``services.number_codes``), skipping
    every code already on the list or typed in the file; the plan shows the codes before anything is written."""
    codes = services.number_codes(ctx.year, set(ctx.matters) | set(ctx.moved_codes), [row.code for row in rows])
    for row, code in zip(rows, codes, strict=True):
        row.code = code


# ----------------------------------------------------------------------------------------- import: writing


def apply_import(plan: ImportPlan, *, user) -> ImportResult:
    """Write a valid plan in one transaction, or nothing at all.

    Updates go through ``services.update_matter`` (with the version read from the file) and, for a new
    status, ``services.change_status``. New matters go through ``services.create_matters``, the one way
    matters are created, which writes them in bulk with their change records and events.
    """
    if plan.errors:
        raise ValidationError([str(e) for e in plan.errors])
    updated = 0
    with acting(user), transaction.atomic():
        for row in plan.rows:
            if row.action != "update":
                continue
            with _row_errors(row):
                matter, version = row.matter, row.version
                if row.values or row.owners is not None or row.leaders:
                    services.update_matter(
                        matter, user=user, version=version, owners=row.owners, leaders=row.leaders or None, **row.values
                    )
                    version = matter.version
                if row.status:
                    services.change_status(
                        matter,
                        row.status,
                        user=user,
                        version=version,
                        reason=str(_("Confirmed by importing the list.")),
                    )
            updated += 1
        created = _create([r for r in plan.rows if r.action == "create"], plan, user)
        year_list = MatterList.objects.get(partnership=plan.partnership, year=plan.year)
        log_event(
            "matter_list.imported",
            year_list,
            user=user,
            data={
                "year": plan.year,
                "created": len(created),
                "updated": updated,
                "unchanged": plan.unchanged,
                "rows": len(plan.rows),
            },
        )
    return ImportResult(created=len(created), updated=updated, unchanged=plan.unchanged)


@contextlib.contextmanager
def _row_errors(row: PlannedRow):
    """Whatever a service refuses is refused for the whole file, naming the row."""
    try:
        yield
    except ConflictError as exc:
        raise ValidationError(
            _("Row %(row)s: the matter %(code)s was changed by someone else meanwhile; nothing was imported.")
            % {"row": row.row, "code": row.code}
        ) from exc
    except IntegrityError as exc:
        raise ValidationError(
            _("Row %(row)s: the code %(code)s is already taken; nothing was imported.")
            % {"row": row.row, "code": row.code}
        ) from exc
    except ValidationError as exc:
        raise ValidationError(
            _("Row %(row)s: %(message)s") % {"row": row.row, "message": " ".join(exc.messages)}
        ) from exc
    except PermissionDenied as exc:
        raise PermissionDenied(_("Row %(row)s: %(message)s") % {"row": row.row, "message": exc}) from exc


def _create(rows: list[PlannedRow], plan: ImportPlan, user) -> list[Matter]:
    """The new rows, through ``services.create_matters``; a code someone took since the file was checked
    refuses the whole file."""
    if not rows:
        return []
    new = [
        services.NewMatter(
            title=row.values["title"],
            code=row.code,
            status=row.status,
            owners=row.owners or [],
            leaders=row.leaders,
            values={k: v for k, v in row.values.items() if k != "title"},
        )
        for row in rows
    ]
    taken_meanwhile = ValidationError(
        _("Someone added matters to the %(year)s list meanwhile; nothing was imported. Import the file again.")
        % {"year": plan.year}
    )
    try:
        return services.create_matters(new, partnership=plan.partnership, year=plan.year, user=user)
    except services.InvalidRow as exc:
        if "code" in getattr(exc, "error_dict", {}):  # the file's codes were free when it was checked
            raise taken_meanwhile from exc
        with _row_errors(rows[exc.index]):
            raise
    except IntegrityError as exc:  # taken between the service's check and its write
        if (
            not Matter.objects.filter(year_list__partnership=plan.partnership, year_list__year=plan.year)
            .filter(code__in=[r.code for r in rows])
            .exists()
        ):
            raise
        raise taken_meanwhile from exc

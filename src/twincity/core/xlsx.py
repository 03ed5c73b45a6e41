"""Excel workbooks the office exchanges, read and written safely: shared by every register.

What is not about any one list lives here: refusing what is not an .xlsx, too large, a zip bomb,
macro-laden or declaring a DTD (checked on the zip container before openpyxl reads anything);
formulas and Excel errors refused cell by cell (never calculated); headers matched in Chinese or
English with every missing, unknown or repeated column named; dates in the forms people type; every
problem with its row and column, in the user's language. Exports are written through ``ExportBook``, whose
one row writer makes every string a text cell that no spreadsheet evaluates (formula injection). A
register's own module (``matters/excel.py``) describes its columns and its rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import logging
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from twincity.core.text import plain

MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # sum of the declared uncompressed sizes of all parts
MAX_RATIO = 100  # uncompressed / compressed, for any part above RATIO_FLOOR_BYTES
RATIO_FLOOR_BYTES = 1024 * 1024
MAX_PARTS = 1000

DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$"),
)


@dataclass(frozen=True)
class Column:
    """One column of the sheet. ``zh`` is the header import looks for (``en`` is accepted too)."""

    key: str
    zh: str
    en: str
    help: Any = ""
    width: float = 14
    imported: bool = True
    side_id: int | None = None


def norm(value: str) -> str:
    return " ".join(str(value).split()).casefold()


@dataclass(frozen=True)
class ImportProblem:
    """One reason the file cannot be imported: where (row as Excel numbers it, column) and what."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.row and self.column:
            return _("Row %(row)s, column %(column)s: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        if self.row:
            return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        return self.message


@dataclass
class ImportReport:
    """The problems found in a file; nothing is written while there is one."""

    errors: list[ImportProblem] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def refuse(self, message: str, row: int | None = None, column: str | None = None) -> None:
        self.errors.append(ImportProblem(row, column, message))


HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
READ_ONLY_FILL = PatternFill("solid", fgColor="7F7F7F")
EN_FONT = Font(italic=True, color="595959", size=9)
EN_FILL = PatternFill("solid", fgColor="DDEBF7")
EN_READ_ONLY_FILL = PatternFill("solid", fgColor="EDEDED")
HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)


# A cell whose text starts with one of these is a formula to Excel or WPS when typed, re-entered (F2, Enter)
# or opened from CSV: "=", "+", "-", "@", and a leading tab or line end (CSV injection, OWASP). The full-width
# forms are included because an East Asian input method, Excel's autocorrect and WPS turn them into the
# ASCII ones on entry; marking them costs nothing visible.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
SAFE_TYPES = (bool, int, float, decimal.Decimal, dt.date, dt.datetime, dt.time, dt.timedelta)


def safe_value(ws, value):
    """What an export may put in a cell: numbers and dates as they are; every string as text, never a formula.

    A string is written as a text cell (``t="inlineStr"``), whatever it starts with; one that Excel or WPS
    would read as a formula on re-entry also gets the quote prefix (the ``'`` Excel shows in the formula
    bar), so that editing the cell keeps it text. The text itself is never changed (control characters
    Excel cannot hold aside), so an export imported back reads the same. Anything else (a lazy
    translation, a model) is written as its text.
    """
    if value is None or isinstance(value, SAFE_TYPES):
        return value
    if isinstance(value, Cell):  # a styled cell made by ExportSheet.styled
        if isinstance(value.value, str):
            _as_text(value, value.value)
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    if not text:
        return None
    if not text.startswith(FORMULA_STARTS) and text not in ERROR_CODES:
        return text  # openpyxl writes it as text: only "=…" and error words need telling
    return _as_text(WriteOnlyCell(ws), text)


def csv_value(value):
    """What a CSV download may hold in a field: numbers as they are, and text that a spreadsheet would read as a
    formula (CSV injection, OWASP) behind a quote, ``'=…``. CSV has no text cells, so the quote is the only guard."""
    if value is None:
        return ""
    if isinstance(value, SAFE_TYPES):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_bytes(header: list, rows) -> bytes:
    """A table as CSV for spreadsheets (UTF-8 with the BOM Excel and WPS need to read Chinese), every field through
    ``csv_value``: the one CSV writer, beside the one workbook writer."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_value(v) for v in header])
    writer.writerows([csv_value(v) for v in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _as_text(cell, text: str):
    cell.value = ILLEGAL_CHARACTERS_RE.sub("", text)
    cell.data_type = "s"
    if cell.value.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
    return cell


class ExportSheet:
    """A sheet of an export. Its ``append`` is the only way a row reaches the file, and every value goes
    through ``safe_value``: no export can write a formula, whichever column the text comes from."""

    def __init__(self, ws):
        self._ws = ws

    def append(self, values) -> None:
        ws = self._ws
        ws.append([safe_value(ws, value) for value in values])

    def styled(self, value, *, font=None, fill=None, alignment=None):
        """A cell with a look (headers, headings); its text still goes through ``safe_value`` on ``append``."""
        cell = WriteOnlyCell(self._ws)
        cell.value = None if value is None else str(value)
        if font is not None:
            cell.font = font
        if fill is not None:
            cell.fill = fill
        if alignment is not None:
            cell.alignment = alignment
        return cell

    def header(self, value, *, font, fill):
        return self.styled(value, font=font, fill=fill, alignment=HEADER_ALIGN)

    def width(self, letter: str, width: float, *, hidden: bool = False) -> None:
        dim = self._ws.column_dimensions[letter]
        dim.width = width
        dim.hidden = hidden

    def freeze(self, cell: str) -> None:
        self._ws.freeze_panes = cell

    def add_choice(self, letter: str, words: list[str], message: str, *, first_row: int) -> None:
        """A dropdown of ``words`` (a quoted list literal: quotes removed, a word with a comma gives no list)."""
        # An inline list is limited to 255 characters by Excel; a long list of fields simply gets no dropdown.
        formula = '"' + ",".join(w.replace('"', "") for w in words) + '"'
        if not words or len(formula) > 255 or any("," in w for w in words):
            return
        dv = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True, error=message)
        dv.add(f"{letter}{first_row}:{letter}1048576")
        self._ws.data_validations.append(dv)


class ExportBook:
    """The workbook of an export (streamed, write-only). Every export builds its file with this class, so
    that every cell passes the one safe writer (``ExportSheet.append``); a test keeps it that way."""

    def __init__(self):
        self._wb = Workbook(write_only=True)

    def sheet(self, title: str) -> ExportSheet:
        return ExportSheet(self._wb.create_sheet(title))

    def save(self) -> bytes:
        out = io.BytesIO()
        self._wb.save(out)
        return out.getvalue()


def read_limited(fileobj, report: ImportReport) -> bytes | None:
    """The upload's bytes, never reading more than the limit allows (a stream may not say its size)."""
    limit = settings.TWINCITY_IMPORT_MAX_BYTES
    too_large = _("The file is too large: at most %(max)s may be imported.") % {"max": filesizeformat(limit)}
    size = getattr(fileobj, "size", None)
    if size is not None and size > limit:
        report.refuse(too_large)
        return None
    if hasattr(fileobj, "seek"):
        fileobj.seek(0)
    data = fileobj.read(limit + 1)
    if len(data) > limit:
        report.refuse(too_large)
        return None
    if not data:
        report.refuse(_("The file is empty."))
        return None
    return data


def open_container(data: bytes, report: ImportReport, *, bomb_message: str | None = None) -> bool:
    """Is this a real xlsx, and does it unpack to a reasonable size? Decided before openpyxl reads it.

    The declared sizes are authoritative: Python's zipfile stops decompressing a part at its declared
    size (and checks the CRC), so a part that lies about its size cannot unpack to more.
    """
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        report.refuse(
            _(
                "This is an old Excel 97–2003 file (.xls) or a password-protected workbook. Open it in Excel, "
                "save it as “Excel Workbook (.xlsx)” without a password, and import that file."
            )
        )
        return False
    not_xlsx = _(
        "This file is not an Excel workbook (.xlsx). If it is a CSV or text file, open it in Excel "
        "and save it as “Excel Workbook (.xlsx)”."
    )
    if not data.startswith(b"PK\x03\x04"):
        report.refuse(not_xlsx)
        return False
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        report.refuse(not_xlsx)
        return False
    names = {info.filename for info in infos}
    if not {"[Content_Types].xml", "xl/workbook.xml"} <= names:
        report.refuse(not_xlsx)
        return False
    if "xl/vbaProject.bin" in names:
        report.refuse(_("The workbook contains macros. Save it as “Excel Workbook (.xlsx)” and import that file."))
        return False
    bomb = bomb_message or _("The file unpacks to far more data than such a workbook holds; it is refused as unsafe.")
    max_unpacked = getattr(settings, "TWINCITY_IMPORT_MAX_UNPACKED_BYTES", MAX_UNPACKED_BYTES)
    max_ratio = getattr(settings, "TWINCITY_IMPORT_MAX_RATIO", MAX_RATIO)
    if len(infos) > MAX_PARTS or sum(info.file_size for info in infos) > max_unpacked:
        report.refuse(bomb)
        return False
    for info in infos:
        if info.file_size > RATIO_FLOOR_BYTES and info.file_size > max_ratio * max(info.compress_size, 1):
            report.refuse(bomb)
            return False
    # An xlsx never declares a DTD; refusing one rules out entity-expansion tricks whatever the XML parser.
    for info in infos:
        try:
            dtd = declares_dtd(archive, info)
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError, OSError, zlib.error):
            report.refuse(not_xlsx)  # a damaged, encrypted or oddly compressed part: not a workbook we read
            return False
        if dtd:
            report.refuse(_("The workbook contains XML this import does not accept (a document type declaration)."))
            return False
    return True


SCAN_CHUNK = 64 * 1024
DTD_MARKS = (b"<!DOCTYPE", b"<!ENTITY")
XML_ENCODING = re.compile(rb"^\s*<\?xml[^>]*?\bencoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']", re.IGNORECASE)
XML_ENCODINGS = {b"UTF-8", b"UTF8", b"UTF-16", b"UTF-16LE", b"UTF-16BE", b"US-ASCII", b"ASCII"}


def declares_dtd(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Does this part declare a DTD or an entity anywhere, or use an encoding that could hide one?

    Every part is read to its end (a worksheet may be named anything: the relationships decide what is
    parsed as XML), in chunks of ``SCAN_CHUNK`` bytes within the container's declared sizes. NUL bytes
    are dropped before looking, so UTF-16 and UTF-32 text is seen as ASCII, and the last bytes of each
    chunk are kept for the next so that a mark split across a chunk boundary is still found, in any
    case. An XML declaration naming another encoding than UTF-8/UTF-16 (EBCDIC, UTF-7…) is refused
    too: in those the marks have other bytes.
    """
    keep = max(len(mark) for mark in DTD_MARKS) - 1
    tail = b""
    first = True
    with archive.open(info) as part:
        while chunk := part.read(SCAN_CHUNK):
            text = tail + chunk.replace(b"\x00", b"").upper()
            if first:
                first = False
                match = XML_ENCODING.match(
                    text.removeprefix(b"\xef\xbb\xbf").removeprefix(b"\xfe\xff").removeprefix(b"\xff\xfe")
                )
                if match and match.group(1) not in XML_ENCODINGS:
                    return True
            if any(mark in text for mark in DTD_MARKS):
                return True
            tail = text[-keep:]
    return False


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    return plain(str(value).replace("\r\n", "\n").strip())


def header_map(cells, report: ImportReport, columns: list[Column]) -> dict[str, int] | None:
    """Column key → 0-based index, from the header row; problems name every missing or unknown column."""
    wanted = {}
    for col in columns:
        wanted.setdefault(norm(col.zh), col)
        wanted.setdefault(norm(col.en), col)
    found: dict[str, int] = {}
    ok = True
    for index, cell in enumerate(cells):
        text = cell_text(cell.value)
        if not text:
            continue
        letter = get_column_letter(index + 1)
        col = wanted.get(norm(text))
        if col is None:
            report.refuse(
                _(
                    "Unknown column “%(header)s”: rename it to one of the columns described on the Notes sheet "
                    "or remove it."
                )
                % {"header": text},
                1,
                f"{letter} {text}",
            )
            ok = False
        elif col.key in found:
            report.refuse(
                _("The column “%(header)s” appears twice (also in column %(other)s).")
                % {"header": col.zh, "other": get_column_letter(found[col.key] + 1)},
                1,
                f"{letter} {text}",
            )
            ok = False
        else:
            found[col.key] = index
    for col in columns:
        if col.imported and col.key not in found:
            report.refuse(
                _("The column “%(header)s” (%(english)s) is missing.") % {"header": col.zh, "english": col.en},
                1,
                col.zh,
            )
            ok = False
    return found if ok else None


def is_english_header(cells, index: dict[str, int], by_key: dict[str, Column]) -> bool:
    texts = {key: norm(cell_text(cells[i].value)) for key, i in index.items() if i < len(cells)}
    filled = {k: v for k, v in texts.items() if v}
    return bool(filled) and all(v in (norm(by_key[k].en), norm(by_key[k].zh)) for k, v in filled.items())


def refuse_formulas(cells, number: int, report: ImportReport, labels: dict[int, str]) -> None:
    for i, cell in enumerate(cells):
        data_type = getattr(cell, "data_type", None)
        column = labels.get(i) or get_column_letter(i + 1)
        if data_type == "f":
            formula = str(cell.value)[:60]
            report.refuse(
                _(
                    "The cell holds a formula (%(formula)s). Formulas are not calculated on import: "
                    "type the value itself."
                )
                % {"formula": formula},
                number,
                column,
            )
        elif data_type == "e":
            report.refuse(_("The cell holds an Excel error (%(value)s).") % {"value": cell.value}, number, column)


def parse_date(value) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        for pattern in DATE_PATTERNS:
            match = pattern.match(text)
            if match:
                return dt.date(*(int(g) for g in match.groups()))  # ValueError for 2020-02-30
    raise ValueError(value)


@dataclass
class Sheet:
    """The rows of an uploaded sheet under its known columns: ``rows`` yields (row number, {key: cell})."""

    index: dict[str, int]
    labels: dict[str, str]
    rows: Any


def read_sheet(fileobj, report: ImportReport, columns: list[Column], *, sheet: str = "", max_rows: int = 20_000):
    """Open an upload safely and hand its data rows to ``consume(Sheet)``; every problem goes to ``report``.

    A context manager, because openpyxl reads lazily and must be closed::

        with read_sheet(upload, report, COLUMNS, sheet="合作协议") as data:
            for number, cells in data.rows: ...

    ``data`` is None when the file cannot be read (the reason is in ``report``). Empty rows, and an
    English header row right under the Chinese one, are skipped; formulas are refused cell by cell.
    """
    return _SheetReader(fileobj, report, columns, sheet, max_rows)


class _SheetReader:
    def __init__(self, fileobj, report, columns, sheet, max_rows):
        self.fileobj, self.report, self.columns, self.sheet, self.max_rows = fileobj, report, columns, sheet, max_rows
        self.workbook = None

    def __enter__(self) -> Sheet | None:
        data = read_limited(self.fileobj, self.report)
        if data is None or not open_container(data, self.report):
            return None
        unreadable = _("The workbook could not be read; it may be damaged. Open it in Excel, save it again and retry.")
        try:
            self.workbook = load_workbook(
                io.BytesIO(data), read_only=True, data_only=False, keep_links=False, keep_vba=False, rich_text=False
            )
            names = self.workbook.sheetnames
            ws = self.workbook[self.sheet] if self.sheet in names else self.workbook.worksheets[0]
            if not hasattr(ws, "iter_rows"):
                self.report.refuse(_("The first sheet of the workbook holds no table."))
                return None
            ws.reset_dimensions()  # the declared size may be wrong or hostile; read what is there
            header_rows = ws.iter_rows(min_row=1, max_row=1)
            header = next(header_rows, None)
            header_rows.close()
        except Exception:  # untrusted input: any failure to read it is the file's fault, said plainly
            logging.getLogger(__name__).warning("xlsx import: workbook could not be read", exc_info=True)
            self.report.refuse(unreadable)
            return None
        if not header:
            self.report.refuse(_("The sheet is empty: it has no header row."))
            return None
        refuse_formulas(header, 1, self.report, {})
        index = header_map(header, self.report, self.columns)
        if index is None:
            return None
        labels = {key: f"{get_column_letter(i + 1)} {cell_text(header[i].value)}" for key, i in index.items()}
        by_key = {c.key: c for c in self.columns}
        return Sheet(index=index, labels=labels, rows=self._rows(ws, index, labels, by_key))

    def _rows(self, ws, index, labels, by_key):
        width = max(index.values()) + 1  # what lies right of the last known column is neither read nor run
        by_position = {i: labels[key] for key, i in index.items()}
        count = 0
        for offset, cells in enumerate(ws.iter_rows(min_row=2, max_col=width)):
            number = offset + 2
            if all(c.value is None for c in cells) or not any(cell_text(c.value) for c in cells):
                continue
            if number == 2 and is_english_header(cells, index, by_key):
                continue
            count += 1
            if count > self.max_rows:
                self.report.refuse(_("The file has more than %(max)s rows; split it.") % {"max": self.max_rows})
                return
            refuse_formulas(cells, number, self.report, by_position)
            yield number, {key: (cells[i] if i < len(cells) else None) for key, i in index.items()}

    def __exit__(self, *exc):
        if self.workbook is not None:
            self.workbook.close()
        return False

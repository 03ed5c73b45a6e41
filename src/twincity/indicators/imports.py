"""Figures from files (导入): CSV (UTF-8 with or without BOM, GB18030) and Excel workbooks, in three layouts.

* **long**: one figure a row — region, period, data element, value (and source, note, unit), headers in
  Chinese or English (地区/region/province, 时期/期间/年份/period/year, 指标/数据项/element/code/variables,
  数值/value, 来源/source, 备注/note, 单位/unit/units). Which column is which is guessed from the headers and
  may be chosen by the person (the mapping step): the yearbook extracts (``province, year, chn_block4,
  value, units, variables``) map as region, period, –, value, unit, element.
* **wide by region**: one period (chosen in the form); a row a region, a column a data element (code or name).
* **wide by period**: one data element (chosen in the form); a row a region, a column a period (2015, 2020Q1).

Every file is checked as a whole first (``check``): each row's region (``RegionMatcher``), data element,
period, value, unit (a unit column that differs from the element's unit is an error, never a conversion),
duplicates, the person's right to report the row's side and final figures that would change. The check
counts new, changed and unchanged figures and keeps the first rows as they will be recorded (the preview).
``apply`` then writes the whole file through ``services.record_observations`` (the one write path) in
chunks, inside one transaction: nothing is written unless every row is, and a cancel request between two
chunks rolls everything back.
"""

from __future__ import annotations

import csv
import functools
import io
import logging
import os
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import models, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from twincity.accounts.access import is_office, memberships, require_in
from twincity.accounts.choices import Action
from twincity.audit.context import acting
from twincity.audit.services import log_event
from twincity.core.services import save_fields
from twincity.core.text import join_words
from twincity.core.xlsx import ImportReport, cell_text, open_container, refuse_formulas
from twincity.indicators import jobs, services
from twincity.indicators.choices import (
    FINISHED_JOB_STATUSES,
    PERIOD_RE,
    Event,
    JobKind,
    JobStatus,
    ObservationStatus,
    period_frequency,
)
from twincity.indicators.models import DataElement, Job
from twincity.indicators.regionnames import RegionMatcher, normalise_name
from twincity.indicators.services import FigureRow, RowError, own_unit, parse_value, region_sides
from twincity.regions.models import Organisation

PREVIEW_ROWS = 50
MAX_LISTED_ERRORS = 500
CHUNK = 20_000


def sync_rows() -> int:
    """Files with more rows than this are checked and applied by the background worker."""
    return int(getattr(settings, "TWINCITY_INDICATOR_SYNC_ROWS", 20_000))


def max_bytes() -> int:
    return int(getattr(settings, "TWINCITY_INDICATOR_IMPORT_MAX_BYTES", 200 * 1024 * 1024))


class Layout(models.TextChoices):
    LONG = "long", gettext_lazy("Long: a row per figure")
    WIDE_REGION = "wide_region", gettext_lazy("Wide: a row per region, a column per data element (one period)")
    WIDE_PERIOD = "wide_period", gettext_lazy("Wide: a row per region, a column per period (one data element)")


ROLES = ("region", "period", "element", "value", "unit", "source", "note")
ROLE_LABELS = {
    "region": gettext_lazy("region"),
    "period": gettext_lazy("period"),
    "element": gettext_lazy("data element"),
    "value": gettext_lazy("value"),
    "unit": gettext_lazy("unit"),
    "source": gettext_lazy("source"),
    "note": gettext_lazy("note"),
}
# Headers each role is recognised by (normalised), best first.
HEADERS = {
    "region": ("地区", "地区名称", "省份", "省", "region", "province", "area", "地方"),
    "period": ("时期", "期间", "年份", "年度", "period", "year", "time", "年"),
    "element": ("指标代码", "数据项代码", "variables", "variable", "code", "element", "指标", "数据项", "indicator"),
    "value": ("数值", "value", "值", "数据", "values"),
    "unit": ("单位", "计量单位", "unit", "units"),
    "source": ("来源", "数据来源", "source"),
    "note": ("备注", "说明", "note", "notes"),
}


@dataclass
class Table:
    """A file's header (texts) and its rows: (line number as the file numbers it, [cells])."""

    header: list[str]
    rows: Iterator[tuple[int, list]]
    header_line: int = 1
    closer: Callable | None = None

    def close(self) -> None:
        if self.closer is not None:
            self.closer()


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030")  # yearbook CSVs saved by Excel on a Chinese Windows


def _csv_table(data: bytes, report: ImportReport) -> Table | None:
    try:
        text = _decode(data)
    except UnicodeDecodeError:
        report.refuse(_("The file is neither UTF-8 nor GB18030 text: save it as CSV (UTF-8) and retry."))
        return None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = None
    try:
        for cells in reader:
            if not any(c.strip() for c in cells) or cells[0].lstrip().startswith("#"):
                continue  # blank lines and a comment naming the source above the table
            header = [c.strip() for c in cells]
            break
    except csv.Error as exc:
        report.refuse(_("The file could not be read as CSV: %(reason)s") % {"reason": exc})
        return None
    if header is None:
        report.refuse(_("The file is empty."))
        return None
    header_line = reader.line_num

    def rows():
        try:
            for cells in reader:
                if any(c.strip() for c in cells):
                    yield reader.line_num, cells
        except csv.Error as exc:
            report.refuse(_("The file could not be read as CSV: %(reason)s") % {"reason": exc}, reader.line_num)

    return Table(header=header, rows=rows(), header_line=header_line)


def _xlsx_table(data: bytes, report: ImportReport) -> Table | None:
    if not open_container(data, report):
        return None
    try:
        workbook = load_workbook(
            io.BytesIO(data), read_only=True, data_only=False, keep_links=False, keep_vba=False, rich_text=False
        )
        ws = workbook.worksheets[0]
        ws.reset_dimensions()
        rows = ws.iter_rows()
        header_cells = None
        number = 0
        for cells in rows:
            number += 1
            if any(cell_text(c.value) for c in cells):
                header_cells = cells
                break
    except Exception:  # untrusted input: any failure to read it is the file's fault, said plainly
        logging.getLogger(__name__).warning("indicator import: workbook could not be read", exc_info=True)
        report.refuse(
            _("The workbook could not be read; it may be damaged. Open it in Excel, save it again and retry.")
        )
        return None
    if header_cells is None:
        workbook.close()
        report.refuse(_("The sheet is empty: it has no header row."))
        return None
    refuse_formulas(header_cells, number, report, {})
    header = [cell_text(c.value) for c in header_cells]
    while header and not header[-1]:
        header.pop()

    def body(first=number):
        for offset, cells in enumerate(rows, start=first + 1):
            if all(c.value is None for c in cells):
                continue
            before = len(report.errors)
            refuse_formulas(cells, offset, report, {})
            if len(report.errors) > before:
                continue  # said once, as the formula it is
            yield offset, [c.value for c in cells]

    return Table(header=header, rows=body(), header_line=number, closer=workbook.close)


def read_table(data: bytes, name: str, report: ImportReport) -> Table | None:
    """The table in an uploaded file (xlsx by its content, else CSV); problems go to ``report``."""
    if not data:
        report.refuse(_("The file is empty."))
        return None
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0") or name.lower().endswith(".xlsx"):
        return _xlsx_table(data, report)
    return _csv_table(data, report)


def guess_mapping(header: list[str]) -> dict[str, int]:
    """Which column plays which role, guessed from the headers (Chinese or English)."""
    keys = [normalise_name(h) for h in header]
    mapping: dict[str, int] = {}
    for role in ROLES:
        for wanted in HEADERS[role]:
            found = next((i for i, k in enumerate(keys) if k == wanted and i not in mapping.values()), None)
            if found is not None:
                mapping[role] = found
                break
    return mapping


@functools.lru_cache(maxsize=4096)
def _period_text(raw) -> str:
    return normalise_period(raw)


def normalise_period(raw) -> str:
    """2020, 2020.0, 2020年, 2020-Q1, 2020 Q1, 2020-01 → 2020, 2020, 2020, 2020Q1, 2020Q1, 202001."""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = unicodedata.normalize("NFKC", str(raw if raw is not None else "")).strip().upper()
    text = re.sub(r"\s+", "", text).removesuffix("年")
    text = re.sub(r"^(\d{4})\.0$", r"\1", text)
    text = re.sub(r"^(\d{4})[-/]?Q([1-4])$", r"\1Q\2", text)
    text = re.sub(r"^(\d{4})年?第?([1-4])季度?$", r"\1Q\2", text)
    text = re.sub(r"^(\d{4})[-/.年](\d{1,2})月?$", lambda m: f"{m[1]}{int(m[2]):02d}", text)
    return text


@functools.lru_cache(maxsize=1024)
def normalise_unit(raw) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(raw or ""))).lower()


@dataclass
class Options:
    """What the person chose: the layout, the mapping (role → column index), the period or the element."""

    layout: str = Layout.LONG
    mapping: dict[str, int] = field(default_factory=dict)
    period: str = ""
    element: int | None = None

    def as_params(self) -> dict:
        return {"layout": self.layout, "mapping": self.mapping, "period": self.period, "element": self.element}

    @classmethod
    def from_params(cls, params: dict) -> Options:
        mapping = {k: int(v) for k, v in (params.get("mapping") or {}).items() if v is not None and v != ""}
        return cls(params.get("layout") or Layout.LONG, mapping, params.get("period") or "", params.get("element"))


@dataclass
class Check:
    """What a file would do: counts, the first rows as they will be recorded, and every problem."""

    rows: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    errors: list[dict] = field(default_factory=list)
    error_count: int = 0
    preview: list[dict] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    mapping: dict[str, int] = field(default_factory=dict)

    @property
    def is_valid(self) -> bool:
        return self.error_count == 0 and self.rows > 0

    def add(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append({"row": error.line, "column": str(error.column), "message": str(error.message)})

    def as_dict(self) -> dict:
        return {
            "rows": self.rows,
            "new": self.new,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "errors": self.errors,
            "error_count": self.error_count,
            "preview": self.preview,
            "header": self.header,
            "mapping": self.mapping,
        }


class Importer:
    """One file for one partnership and one person (see the module docstring)."""

    def __init__(self, partnership, user, options: Options):
        self.partnership, self.user, self.options = partnership, user, options
        self.matcher = RegionMatcher(partnership)
        self.elements = list(DataElement.objects.filter(partnership=partnership, archived_at__isnull=True))
        self.by_key: dict[str, DataElement] = {}
        for element in self.elements:
            for spelling in (element.name, element.name_en):
                if spelling:
                    self.by_key.setdefault(normalise_name(spelling), element)
        for element in self.elements:  # a code wins over a name
            self.by_key[normalise_name(element.code)] = element
        self.by_pk = {e.pk: e for e in self.elements}
        self._named: dict = {}
        self.sides = region_sides(partnership)
        self.office = is_office(user, partnership.pk)
        self.allowed_sides = self._allowed_sides()

    def _allowed_sides(self) -> set[int] | None:
        """The sides the person may report for (None: any region, the office). A pre-check for the preview:
        ``record_observations`` decides again, against the database, when the figures are written."""
        if self.office or getattr(self.user, "is_superuser", False):
            return None
        allowed = set()
        units = []
        for m in memberships(self.user):
            if m.partnership_id != self.partnership.pk:
                continue
            if m.role == "region_coordinator" and m.region_id:
                allowed.add(m.region_id)
            if m.organisation_id and own_unit(self.user, self.partnership):
                units.append(m.organisation_id)
        for region_id in Organisation.objects.filter(pk__in=units).values_list("region_id", flat=True):
            side = self.sides.get(region_id)
            if side is not None:
                allowed.add(side)
        return allowed

    def element_named(self, name) -> DataElement | None:
        found = self._named.get(name, False)
        if found is False:
            found = self._named[name] = self.by_key.get(normalise_name(name))
        return found

    # ------------------------------------------------------------------ rows

    def _label(self, header: list[str], index: int) -> str:
        title = header[index] if index < len(header) else ""
        return f"{get_column_letter(index + 1)} {title}".strip()

    def figures(self, table: Table, check: Check) -> Iterator[FigureRow]:
        """The file's rows as figures to record; each problem goes to ``check`` (the row is left out)."""
        layout = self.options.layout
        header = table.header
        mapping = dict(self.options.mapping) or guess_mapping(header)
        check.header, check.mapping = header, mapping
        if layout == Layout.LONG:
            missing = [r for r in ("region", "period", "element", "value") if r not in mapping]
            if missing:
                check.add(
                    RowError(
                        table.header_line,
                        _("header"),
                        _("say which column holds: %(roles)s (headers such as 地区, 时期, 指标, 数值)")
                        % {"roles": join_words(str(ROLE_LABELS[r]) for r in missing)},
                    )
                )
                return
            yield from self._long(table, mapping, check)
            return
        region_col = mapping.get("region", 0)
        columns = []
        for i, title in enumerate(header):
            if i == region_col or not str(title).strip():
                continue
            if layout == Layout.WIDE_REGION:
                element = self.element_named(title)
                if element is None:
                    check.add(RowError(table.header_line, self._label(header, i), self._unknown_element(title)))
                    continue
                columns.append((i, element, self.options.period))
            else:
                period = normalise_period(title)
                if not PERIOD_RE.match(period):
                    check.add(
                        RowError(
                            table.header_line,
                            self._label(header, i),
                            _("“%(text)s” is not a period (2020, 2020Q1 or 202001)") % {"text": title},
                        )
                    )
                    continue
                columns.append((i, self.by_pk.get(self.options.element), period))
        if layout == Layout.WIDE_REGION and not PERIOD_RE.match(normalise_period(self.options.period)):
            check.add(RowError(None, _("period"), _("Choose the period the file's figures are for.")))
            return
        if layout == Layout.WIDE_PERIOD and self.by_pk.get(self.options.element) is None:
            check.add(RowError(None, _("data element"), _("Choose the data element the file's figures are of.")))
            return
        for line, cells in table.rows:
            region_id = self._region(cells, region_col, header, line, check)
            for i, element, period in columns:
                raw = cells[i] if i < len(cells) else None
                if raw is None or str(raw).strip() in ("", "-", "—", "…", "..."):
                    continue  # a blank cell of a wide table is a missing figure, not an error
                if region_id is None:
                    continue
                yield FigureRow(
                    element=element,
                    region=region_id,
                    period=normalise_period(period),
                    value=raw,
                    line=line,
                    note=self._label(header, i),
                )

    def _unknown_element(self, name) -> str:
        return _("no data element “%(name)s” (write its code or its name as the office defined it)") % {
            "name": str(name)[:60]
        }

    def _region(self, cells, col, header, line, check) -> int | None:
        raw = cells[col] if col < len(cells) else ""
        name = cell_text(raw) if not isinstance(raw, str) else raw.strip()
        region_id = self.matcher.match(name)
        if region_id is None:
            check.add(
                RowError(
                    line,
                    self._label(header, col),
                    _("no region “%(name)s”: check the spelling, or have the office add it as an alias")
                    % {"name": name[:60]},
                )
            )
        return region_id

    def _long(self, table: Table, mapping: dict[str, int], check: Check) -> Iterator[FigureRow]:
        header = table.header
        c_region, c_period, c_element, c_value = (mapping[r] for r in ("region", "period", "element", "value"))
        c_unit, c_source, c_note = mapping.get("unit"), mapping.get("source"), mapping.get("note")
        self.long_labels = {"period": self._label(header, c_period), "value": self._label(header, c_value)}
        for line, cells in table.rows:

            def cell(i, cells=cells):
                return cells[i] if i is not None and i < len(cells) else None

            region_id = self._region(cells, c_region, header, line, check)
            raw_element = cell(c_element)
            element = self.element_named(cell_text(raw_element))
            if element is None:
                check.add(RowError(line, self._label(header, c_element), self._unknown_element(raw_element)))
            if region_id is None or element is None:
                continue
            if c_unit is not None:
                unit = normalise_unit(cell(c_unit))
                if unit and element.unit and unit != normalise_unit(element.unit):
                    check.add(
                        RowError(
                            line,
                            self._label(header, c_unit),
                            _("the unit “%(unit)s” is not %(element)s's unit “%(wanted)s”: convert the figures first")
                            % {"unit": cell_text(cell(c_unit)), "element": element.code, "wanted": element.unit},
                        )
                    )
                    continue
            yield FigureRow(
                element=element,
                region=region_id,
                period=_period_text(cell(c_period)),
                value=cell(c_value),
                source=cell_text(cell(c_source)),
                note=cell_text(cell(c_note)),
                line=line,
            )

    # ------------------------------------------------------------------ check and apply

    def check(self, data: bytes, name: str, *, on_progress: Callable | None = None) -> Check:
        """Read and check the whole file; write nothing."""
        result = Check()
        report = ImportReport()
        table = read_table(data, name, report)
        if table is None:
            for problem in report.errors:
                result.add(RowError(problem.row, problem.column or _("file"), problem.message))
            return result
        try:
            seen: dict[tuple, int] = {}
            batch: list[tuple] = []
            for figure in self.figures(table, result):
                clean = self._validate(figure, result, seen)
                if clean is None:
                    continue
                batch.append(clean)
                if len(batch) >= CHUNK:
                    self._classify(batch, result)
                    batch = []
                    if on_progress is not None:
                        on_progress(result.rows)
            self._classify(batch, result)
        finally:
            table.close()
        for problem in report.errors:  # formulas and unreadable lines met while reading
            result.add(RowError(problem.row, problem.column or _("file"), problem.message))
        if not result.rows and not result.error_count:
            result.add(RowError(None, _("file"), _("The file holds no figures.")))
        return result

    def _validate(self, figure: FigureRow, result: Check, seen: dict) -> tuple | None:
        element = figure.element
        labels = getattr(self, "long_labels", {})
        column = figure.note if self.options.layout != Layout.LONG else None
        period_column = column or labels.get("period") or _("period")
        period = figure.period
        match = PERIOD_RE.match(period)
        if not match:
            result.add(
                RowError(
                    figure.line,
                    period_column,
                    _("“%(text)s” is not a period (2020, 2020Q1 or 202001)") % {"text": period[:20]},
                )
            )
            return None
        try:
            value = parse_value(figure.value)
        except ValueError as exc:
            result.add(RowError(figure.line, column or labels.get("value") or _("value"), str(exc)))
            return None
        if period_frequency(period) != element.frequency:
            result.add(
                RowError(
                    figure.line,
                    column or _("period"),
                    _("%(element)s is %(frequency)s: “%(period)s” does not fit")
                    % {"element": element.code, "frequency": element.get_frequency_display(), "period": period},
                )
            )
            return None
        key = (element.pk, figure.region, period)
        if key in seen:
            result.add(
                RowError(
                    figure.line,
                    column or _("period"),
                    _("the same figure appears twice (also in row %(row)s)") % {"row": seen[key]},
                )
            )
            return None
        seen[key] = figure.line
        if self.allowed_sides is not None and self.sides.get(figure.region) not in self.allowed_sides:
            result.add(
                RowError(
                    figure.line,
                    _("region"),
                    _("you may not report this region's figures (another side's, or outside both sides)"),
                )
            )
            return None
        if self.options.layout != Layout.LONG:
            figure.note = ""
        return (key, value, figure)

    def _classify(self, batch: list[tuple], result: Check) -> None:
        if not batch:
            return
        existing = {
            (obs.element_id, obs.region_id, obs.period): (obs.value, obs.status)
            for obs in services.existing_figures(self.partnership, [k for k, _v, _f in batch], lock=False)
        }
        for key, value, figure in batch:
            result.rows += 1
            before = existing.get(key)
            if before is None:
                state = "new"
            elif before[0] == value:
                state = "unchanged"
            elif before[1] == ObservationStatus.FINAL:
                result.add(
                    RowError(figure.line, _("value"), _("this figure is final: record a revision with its reason"))
                )
                continue
            else:
                state = "changed"
            setattr(result, state, getattr(result, state) + 1)
            if len(result.preview) < PREVIEW_ROWS:
                element = self.by_pk[key[0]]
                result.preview.append(
                    {
                        "row": figure.line,
                        "region": key[1],
                        "element": element.code,
                        "period": key[2],
                        "value": str(value),
                        "unit": element.unit,
                        "old": None if before is None else str(before[0]),
                        "state": state,
                    }
                )

    def apply(
        self,
        data: bytes,
        name: str,
        *,
        on_progress: Callable | None = None,
        cancelled: Callable | None = None,
        source: str = "",
    ) -> dict:
        """Write the whole file through ``record_observations``, in chunks, in one transaction. Raises
        ``services.FigureErrors`` (nothing written) if a row is refused, ``Cancelled`` on a cancel request."""
        check = Check()
        report = ImportReport()
        table = read_table(data, name, report)
        if table is None:
            raise services.FigureErrors([RowError(p.row, p.column or _("file"), p.message) for p in report.errors])
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        done = 0
        try:
            with transaction.atomic():
                batch: list[FigureRow] = []
                for figure in self.figures(table, check):
                    if self.options.layout != Layout.LONG:
                        figure.note = ""
                    batch.append(figure)
                    if len(batch) >= CHUNK:
                        done += self._write(batch, counts, source)
                        batch = []
                        if on_progress is not None:
                            on_progress(done)
                        if cancelled is not None and cancelled():
                            raise Cancelled
                if check.error_count or report.errors:
                    errors = [RowError(e["row"], e["column"], e["message"]) for e in check.errors]
                    errors += [RowError(p.row, p.column or _("file"), p.message) for p in report.errors]
                    raise services.FigureErrors(errors)
                done += self._write(batch, counts, source)
                log_event(
                    Event.OBSERVATIONS_IMPORTED,
                    self.partnership,
                    user=self.user,
                    data={"file": name[:200], **counts},
                )
        finally:
            table.close()
        if on_progress is not None:
            on_progress(done)
        return counts

    def _write(self, batch: list[FigureRow], counts: dict, source: str) -> int:
        if not batch:
            return 0
        outcome = services.record_observations(
            self.partnership, batch, user=self.user, default_source=source, trail="load"
        )
        counts["created"] += len(outcome.created)
        counts["updated"] += len(outcome.updated)
        counts["unchanged"] += outcome.unchanged
        return len(batch)


class Cancelled(Exception):
    """A cancel request met between two chunks: the transaction is rolled back."""


def count_rows(data: bytes, name: str) -> int:
    """Roughly how many rows the file holds (lines of a CSV, rows of a workbook's first sheet), to decide
    whether the background worker takes it."""
    if data.startswith(b"PK\x03\x04"):
        report = ImportReport()
        table = _xlsx_table(data, report) if open_container(data, ImportReport()) else None
        if table is None:
            return 0
        try:
            return sum(1 for _row in table.rows)
        finally:
            table.close()
    return data.count(b"\n")


# ----------------------------------------------------------------------------- jobs


def start_import(partnership, user, upload, options: Options, *, language: str = "") -> Job:
    """Keep the uploaded file with a new import job (checked next, synchronously or by the worker)."""

    require_in(user, Action.REPORT, partnership.pk)
    name = os.path.basename(upload.name or "figures.csv")[:100]
    params = {**options.as_params(), "name": name, "language": language, "stage": "check"}
    return jobs.start(partnership, JobKind.IMPORT, name, user, params, file=File(upload, name=name))


def job_data(job: Job) -> bytes:
    with job.file.open("rb") as handle:
        return handle.read()


def run_job(job_id: int) -> dict:
    """Check or apply an import job's file (``params["stage"]``), with progress and cancel. The worker's task
    and the pages (for small files) both call this."""

    job = Job.objects.select_related("partnership", "created_by").get(pk=job_id)
    if job.status in FINISHED_JOB_STATUSES and job.params.get("stage") != "apply":
        return job.result
    params = job.params
    with translation.override(params.get("language") or None), acting(job.created_by):
        data = job_data(job)
        name = params.get("name") or "figures.csv"
        importer = Importer(job.partnership, job.created_by, Options.from_params(params))
        try:
            if params.get("stage") == "apply":
                return _apply_job(job, importer, data, name)
            jobs.progress(job, 0, max(job.total, 1))
            checked = importer.check(data, name, on_progress=lambda n: jobs.progress(job, n, max(job.total, n)))
        except Exception:
            logging.getLogger(__name__).exception("indicator import job %s failed", job.pk)
            jobs.fail(job, _("The import failed unexpectedly; nothing was written. The administrator has the details."))
            raise
        result = {"stage": "checked", **checked.as_dict()}
        jobs.progress(job, checked.rows, checked.rows)
        jobs.finish(job, result=result)
        return result


def _apply_job(job: Job, importer: Importer, data: bytes, name: str) -> dict:

    total = int(job.result.get("rows") or 0)
    jobs.begin(job, total=total)
    try:
        counts = importer.apply(
            data,
            name,
            on_progress=lambda n: jobs.progress(job, n, total),
            cancelled=lambda: jobs.cancelled(job),
            source=job.params.get("source", ""),
        )
    except Cancelled:
        jobs.mark_cancelled(job)
        return job.result
    except (services.FigureErrors, ValidationError, PermissionDenied) as exc:
        errors = getattr(exc, "errors", None)
        result = dict(job.result)
        if isinstance(errors, list) and errors and isinstance(errors[0], RowError):
            result["errors"] = [{"row": e.line, "column": str(e.column), "message": str(e.message)} for e in errors]
        jobs.fail(job, " ".join(getattr(exc, "messages", None) or [str(exc)])[:2000])
        job.result = result
        save_fields(job, ["result"])
        return result
    result = {**job.result, "stage": "applied", "applied": counts}
    jobs.finish(job, result=result)
    return result


def request_check(job: Job, user, mapping: dict[str, int]) -> Job:
    """Check the file again with the columns as the person mapped them (who uploaded it, or the office)."""
    if job.created_by_id != user.pk and not is_office(user, job.partnership_id):
        raise PermissionDenied(_("Only who uploaded the file, or the office, may map its columns."))
    if job.kind != JobKind.IMPORT or job.status not in FINISHED_JOB_STATUSES:
        raise ValidationError(_("The file is still being read: map its columns when it is done."))
    job.params = {**job.params, "mapping": dict(mapping), "stage": "check"}
    job.status = JobStatus.QUEUED
    save_fields(job, ["params", "status"])
    return job


def request_apply(job: Job, user) -> Job:
    """The person applies a checked, valid import: the worker (or the caller, for a small file) writes it."""
    if job.created_by_id != user.pk and not is_office(user, job.partnership_id):
        raise PermissionDenied(_("Only who uploaded the file, or the office, may apply it."))
    result = job.result or {}
    if job.kind != JobKind.IMPORT or result.get("stage") != "checked" or job.status != JobStatus.DONE:
        raise ValidationError(_("This import is not ready to be applied."))
    if result.get("error_count") or not result.get("rows"):
        raise ValidationError(_("Correct the file first: nothing is imported while a row has an error."))
    job.params = {**job.params, "stage": "apply"}
    job.status, job.cancel_requested = JobStatus.QUEUED, False
    save_fields(job, ["params", "status", "cancel_requested"])
    return job

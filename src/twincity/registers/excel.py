"""A register in Excel, written once: a register describes its columns, this module does the rest.

**Export**: one sheet named after the register. Row 1 holds the headers in Chinese, row 2 in English
(grey); entries from row 3. Headers, choice words, sides, fields and units are written in Chinese
whatever the interface language: the file is a format that goes from office to office unchanged.
A hidden 版本 (Version) column lets the import notice an entry changed since the export.

**Import**: columns are found by header (Chinese or English, any order; row 2 may be deleted). A row
whose 编号 (number) is already in the partnership's register updates that entry (through the
register's update service, with the exported version); a row with a new or empty number adds one
(through its create service). A row without a number that is the same entry as another row of the file
or as an entry of the register (same ``identity`` columns: the title and year of a request, the title,
parties and signing date of an agreement…) is refused, so that a file imported twice adds nothing
twice. The whole file is checked first, cell by cell, then every row is
written inside one transaction, each in a savepoint so that the services' own refusals (access,
workflow rules, a stale version) are reported with their row; if any row has a problem the
transaction is rolled back and **nothing** is written.
"""

from __future__ import annotations

import datetime as dt
import decimal
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from twincity.accounts.choices import Action
from twincity.core import xlsx
from twincity.core.services import ConflictError
from twincity.core.xlsx import Column, ImportReport, norm
from twincity.regions.models import Field, side_units
from twincity.registers.services import require_member

TEXT, DATE, INT, DECIMAL, CHOICE, FIELD, SIDE, UNIT, UNITS = (
    "text",
    "date",
    "int",
    "decimal",
    "choice",
    "field",
    "side",
    "unit",
    "units",
)
SEPARATORS = re.compile(r"[、;；,，\n]+")


@dataclass(frozen=True)
class Cell(Column):
    """A column of a register's sheet: how its value is read (``kind``) and, for export, where it comes from.

    ``get(entry)`` gives the exported value (default: the attribute ``key``); ``choices`` is the
    TextChoices of a ``choice`` column; ``required`` refuses an empty cell.
    """

    kind: str = TEXT
    required: bool = False
    choices: Any = None
    get: Callable | None = None
    max_length: int | None = None


VERSION = Cell("version", "版本", "Version", kind=INT, width=6)
CODE = Cell("code", "编号", "Number", width=12, max_length=30)


@dataclass
class ImportResult(ImportReport):
    created: int = 0
    updated: int = 0

    @property
    def problems(self):
        return self.errors


class _Context:
    """What cells are matched against: the partnership's sides, fields and units, by every name they go by."""

    def __init__(self, partnership):
        self.partnership = partnership
        self.sides = partnership.sides()
        self.side_by_name = {}
        for side in self.sides:
            for name in (side.name, side.name_en, side.short_name, side.code):
                if name:
                    self.side_by_name[norm(name)] = side
        self.fields = {}
        for f in Field.objects.filter(partnership=partnership, archived_at__isnull=True):
            self.fields[norm(f.name)] = f
            if f.name_en:
                self.fields[norm(f.name_en)] = f
        self.units = {}
        for unit in side_units(self.sides):
            for name in (unit.name, unit.name_en, unit.short_name):
                if name:
                    self.units.setdefault(norm(name), unit)


def choice_words(choices) -> dict[str, str]:
    words = {}
    for value, label in choices.choices:
        words[norm(value)] = value
        for language in ("zh-hans", "en"):
            with translation.override(language):
                words[norm(str(label))] = value
    return words


def _zh(label) -> str:
    with translation.override("zh-hans"):
        return str(label)


class RegisterWorkbook:
    """The Excel file of one register. Subclasses set ``model``, ``sheet`` and ``columns`` and write
    ``create(values, partnership=, user=)`` and ``update(entry, values, user=, version=)`` on the
    register's services; ``imports = False`` for a register that is only exported."""

    model = None
    sheet = ""
    columns: list[Cell] = []
    imports = True
    # The columns that make two rows the same entry (see _check_repeats): a register sets its own.
    identity: tuple[str, ...] = ("title",)

    def layout(self) -> list[Cell]:
        return [CODE, *self.columns, VERSION]

    def queryset(self, queryset):
        return queryset

    def create(self, values: dict, *, partnership, user):
        raise NotImplementedError

    def update(self, entry, values: dict, *, user, version: int | None):
        raise NotImplementedError

    # --- export ---

    def cell_value(self, col: Cell, entry):
        """The value ``col`` exports for ``entry``; strings are made safe by the sheet's writer, not here."""
        value = col.get(entry) if col.get else getattr(entry, col.key, None)
        if col.kind == CHOICE and value:
            return _zh(col.choices(value).label)
        if col.kind in (FIELD, UNIT):
            return value.name if value is not None else None
        if col.kind == SIDE:
            return (value.short_name or value.name) if value is not None else None
        if col.kind == UNITS:
            return "、".join(u.name for u in value)
        if isinstance(value, decimal.Decimal):
            return float(value)
        return value

    def export(self, queryset, partnership) -> bytes:
        """The entries of ``queryset`` (already narrowed by the caller through the door) as an xlsx file."""
        columns = self.layout()
        book = xlsx.ExportBook()
        ws = book.sheet(self.sheet)
        for i, col in enumerate(columns, 1):
            ws.width(get_column_letter(i), col.width, hidden=col is VERSION)
        ws.freeze("C3")
        ws.append([ws.header(c.zh, font=xlsx.HEADER_FONT, fill=xlsx.HEADER_FILL) for c in columns])
        ws.append([ws.header(c.en, font=xlsx.EN_FONT, fill=xlsx.EN_FILL) for c in columns])
        for entry in self.queryset(queryset).order_by("code", "pk"):
            ws.append([self.cell_value(col, entry) for col in columns])
        notes = book.sheet("说明 Notes")
        notes.append(["列 Column", "English", "说明 Notes"])
        for col in columns:
            words = ""
            if col.kind == CHOICE:
                words = "：" + " ".join(_zh(label) for _value, label in col.choices.choices)
            notes.append([col.zh, col.en, f"{_zh(col.help)}{words}" if col.help or words else ""])
        return book.save()

    # --- import ---

    def read_cell(self, col: Cell, cell, ctx: _Context):
        """The value of one cell, or a ValueError whose message says what is wrong with it."""
        raw = getattr(cell, "value", None)
        text = xlsx.cell_text(raw)
        if not text:
            if col.required:
                raise ValueError(_("This column is required."))
            return [] if col.kind == UNITS else (None if col.kind not in (TEXT,) else "")
        if col.kind == TEXT:
            if col.max_length and len(text) > col.max_length:
                raise ValueError(_("At most %(max)s characters.") % {"max": col.max_length})
            return text
        if col.kind == DATE:
            try:
                return xlsx.parse_date(raw if isinstance(raw, dt.date) else text)
            except ValueError:
                raise ValueError(_("“%(value)s” is not a date (write 2020-06-19).") % {"value": text}) from None
        if col.kind == INT:
            try:
                return int(decimal.Decimal(text))
            except (decimal.InvalidOperation, ValueError):
                raise ValueError(_("“%(value)s” is not a whole number.") % {"value": text}) from None
        if col.kind == DECIMAL:
            try:
                return decimal.Decimal(text.replace(",", ""))
            except decimal.InvalidOperation:
                raise ValueError(_("“%(value)s” is not a number.") % {"value": text}) from None
        if col.kind == CHOICE:
            value = choice_words(col.choices).get(norm(text))
            if value is None:
                allowed = "、".join(_zh(label) for _v, label in col.choices.choices)
                raise ValueError(_("“%(value)s” is not one of: %(allowed)s.") % {"value": text, "allowed": allowed})
            return value
        if col.kind == FIELD:
            found = ctx.fields.get(norm(text))
            if found is None:
                raise ValueError(_("“%(value)s” is not a field of this partnership.") % {"value": text})
            return found
        if col.kind == SIDE:
            found = ctx.side_by_name.get(norm(text))
            if found is None:
                raise ValueError(_("“%(value)s” is not a side of this partnership.") % {"value": text})
            return found
        if col.kind in (UNIT, UNITS):
            names = [n for n in (s.strip() for s in SEPARATORS.split(text)) if n]
            units = []
            for name in names:
                unit = ctx.units.get(norm(name))
                if unit is None:
                    raise ValueError(_("“%(value)s” is not a unit of this partnership.") % {"value": name})
                units.append(unit)
            if col.kind == UNIT:
                if len(units) != 1:
                    raise ValueError(_("Name one unit."))
                return units[0]
            return units
        raise ValueError(col.kind)

    def import_file(self, fileobj, *, partnership, user) -> ImportResult:
        """Check the whole file, then write it all or nothing (see the module docstring)."""
        result = ImportResult()
        try:
            require_member(user, Action.CHANGE, partnership)
        except PermissionDenied:
            result.refuse(_("You may not add or change entries of this partnership."))
            return result
        columns = self.layout()
        importable = [c for c in columns if c.imported]
        ctx = _Context(partnership)
        parsed: list[tuple[int, dict]] = []
        try:
            with xlsx.read_sheet(fileobj, result, columns, sheet=self.sheet, max_rows=5000) as data:
                if data is None:
                    return result
                for number, cells in data.rows:
                    values = {}
                    for col in importable:
                        try:
                            values[col.key] = self.read_cell(col, cells.get(col.key), ctx)
                        except ValueError as exc:
                            result.refuse(str(exc), number, data.labels.get(col.key, col.zh))
                    parsed.append((number, values))
        except Exception:  # the sheet is read lazily: a damaged part may only show here
            logging.getLogger(__name__).warning("xlsx import: sheet could not be read", exc_info=True)
            result.refuse(
                _("The workbook could not be read; it may be damaged. Open it in Excel, save it again and retry.")
            )
        if not result.is_valid:
            return result
        if not parsed:
            result.refuse(_("The sheet has no entries below its headers."))
            return result
        self._check_numbers(parsed, result)
        if result.is_valid:
            self._check_repeats(parsed, result, partnership)
        if result.is_valid:
            self._apply(parsed, result, partnership=partnership, user=user)
        return result

    def _check_numbers(self, parsed, result) -> None:
        seen: dict[str, int] = {}
        for number, values in parsed:
            code = values.get("code") or ""
            if code and code in seen:
                result.refuse(
                    _("The number %(code)s is also on row %(row)s.") % {"code": code, "row": seen[code]}, number, "编号"
                )
            seen.setdefault(code, number) if code else None

    def _identity(self, get) -> tuple:
        """What makes two rows (or a row and an entry) the same entry: the ``identity`` columns' values, with
        text compared ignoring case and spacing and units by who they are, in any order."""
        key = []
        for name in self.identity:
            value = get(name)
            if isinstance(value, str):
                value = norm(value)
            elif isinstance(value, list | tuple | set):
                value = frozenset(getattr(v, "pk", v) for v in value)
            elif hasattr(value, "pk"):
                value = value.pk
            key.append(value)
        return tuple(key)

    def _check_repeats(self, parsed, result, partnership) -> None:
        """A row without a number adds an entry; the same file imported twice, or a copied row, would add it
        twice. Such a row is refused when its ``identity`` is that of another row of the file, or of an entry
        of the register (not archived, and not changed by a row of this file). Rows that both have a number
        are each what the person meant."""
        if not any(not values.get("code") for _n, values in parsed):
            return
        by_key = {c.key: c for c in self.layout()}
        what = "、".join(by_key[name].zh for name in self.identity)
        column = by_key[self.identity[0]].zh
        in_file = {values["code"] for _n, values in parsed if values.get("code")}
        entries = self.queryset(self.model.objects.filter(partnership=partnership, archived_at__isnull=True))
        known = {}
        for entry in entries:
            if entry.code in in_file:
                continue

            def exported(name, entry=entry):
                col = by_key[name]
                return col.get(entry) if col.get else getattr(entry, name, None)

            known.setdefault(self._identity(exported), entry)
        first: dict[tuple, tuple[int, bool]] = {}
        for number, values in parsed:
            key = self._identity(values.get)
            if all(v in (None, "", frozenset()) for v in key):
                continue
            numbered = bool(values.get("code"))
            earlier, earlier_numbered = first.setdefault(key, (number, numbered))
            if earlier != number and not (numbered and earlier_numbered):
                result.refuse(
                    _(
                        "Rows %(first)s and %(row)s are the same entry (same %(what)s) and at least one of them has "
                        "no number: it would be added twice. Give the row its entry's number, change it or delete it."
                    )
                    % {"first": earlier, "row": number, "what": what},
                    number,
                    column,
                )
            elif not numbered and key in known:
                result.refuse(
                    _(
                        "This row has no number, but “%(entry)s” is already in the register with the same "
                        "%(what)s: it would be added twice. To change that entry, put its number in the 编号 "
                        "column (an entry without a number gets one on its page)."
                    )
                    % {"entry": known[key], "what": what},
                    number,
                    column,
                )

    def _apply(self, parsed, result, *, partnership, user) -> None:
        existing = {
            e.code: e for e in self.model.objects.filter(partnership=partnership, archived_at__isnull=True) if e.code
        }
        with transaction.atomic():
            for number, values in parsed:
                version = values.pop("version", None)
                entry = existing.get(values.get("code") or "")
                try:
                    with transaction.atomic():
                        if entry is None:
                            self.create(values, partnership=partnership, user=user)
                            result.created += 1
                        else:
                            self.update(entry, values, user=user, version=version)
                            result.updated += 1
                except ConflictError:
                    result.refuse(
                        _("The entry %(code)s was changed by someone else since this file was exported: export again.")
                        % {"code": entry.code},
                        number,
                    )
                except ValidationError as exc:
                    for message in exc.messages:
                        result.refuse(message, number)
                except PermissionDenied:
                    result.refuse(_("You may not add or change this entry."), number)
            if not result.is_valid:
                transaction.set_rollback(True)
                result.created = result.updated = 0

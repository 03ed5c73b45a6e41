"""Helpers for the tests of a register's Excel file: export it, read its rows, type a sheet from scratch."""

from __future__ import annotations

import io

from openpyxl import Workbook, load_workbook

from twincity.accounts.choices import Action


def headers(workbook) -> list[str]:
    return [c.zh for c in workbook.layout()]


def export(workbook, world, user: str = "office") -> bytes:
    """The register as ``user`` exports it (through the door, archived entries left out)."""
    queryset = workbook.model.objects.restrict(world.users[user], Action.VIEW).filter(archived_at__isnull=True)
    return workbook.export(queryset, world.partnership)


def rows_of(workbook, content: bytes) -> list[dict]:
    """The exported entries, each as {Chinese header: value}."""
    names = headers(workbook)
    ws = load_workbook(io.BytesIO(content)).worksheets[0]
    return [dict(zip(names, row, strict=False)) for row in ws.iter_rows(min_row=3, values_only=True)]


def typed(workbook, *rows: dict, header_row: list[str] | None = None) -> bytes:
    """A sheet typed from scratch: each row maps Chinese headers to values (the rest left empty)."""
    names = header_row or headers(workbook)
    wb = Workbook()
    ws = wb.active
    ws.title = workbook.sheet
    ws.append(names)
    for row in rows:
        ws.append([row.get(h) for h in names])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()

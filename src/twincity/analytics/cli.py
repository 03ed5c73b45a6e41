"""Command-line entry point: run an index spec on a CSV or xlsx panel without the web application.

Example::

    twincity-analytics run --spec spec.json --data panel.csv --out results.xlsx
    twincity-analytics run --spec spec.json --data long.xlsx --format long --out results/   # CSV files
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .spec import IndexSpec, Panel, run_index

__all__ = ["main"]


def _read_table(path: Path, sheet: str | None) -> Any:
    import pandas as pd  # noqa: PLC0415 - pandas is slow to load; only tables need it

    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return pd.read_excel(path, sheet_name=sheet or 0)
    if path.suffix.lower() in (".csv", ".txt"):
        return pd.read_csv(path)
    raise ValueError(f"unsupported data file {path.name!r}: use .csv or .xlsx")


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="twincity-analytics", description="twincity analytics engine")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run an index spec (JSON) on a panel (CSV/xlsx)")
    run.add_argument("--spec", required=True, type=Path, help="index specification (JSON)")
    run.add_argument("--data", required=True, type=Path, help="panel as .csv or .xlsx")
    run.add_argument("--sheet", default=None, help="xlsx sheet name (default: first)")
    run.add_argument("--format", choices=("wide", "long"), default="wide", help="panel layout (default wide)")
    run.add_argument("--period-col", default="period")
    run.add_argument("--unit-col", default="unit")
    run.add_argument("--indicator-col", default="indicator", help="long layout only")
    run.add_argument("--value-col", default="value", help="long layout only")
    run.add_argument("--out", required=True, type=Path, help="results: a .xlsx file, or a directory for CSV files")
    run.add_argument("--json", type=Path, default=None, help="also write the full result as JSON")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the process exit code (0 ok, 2 bad input)."""
    args = _build_parser().parse_args(argv)
    try:
        spec = IndexSpec.from_json(args.spec.read_text(encoding="utf-8"))
        table = _read_table(args.data, args.sheet)
        if args.format == "long":
            panel = Panel.from_long(
                table, period=args.period_col, unit=args.unit_col, indicator=args.indicator_col, value=args.value_col
            )
        else:
            panel = Panel.from_wide(table, period=args.period_col, unit=args.unit_col)
        result = run_index(spec, panel)
    except (ValueError, FileNotFoundError, KeyError) as exc:
        print(f"twincity-analytics: error: {exc}", file=sys.stderr)
        return 2
    frames = result.frames()
    out: Path = args.out
    if out.suffix.lower() == ".xlsx":
        import pandas as pd  # noqa: PLC0415 - pandas is slow to load; only tables need it

        out.parent.mkdir(parents=True, exist_ok=True)
        with pd.ExcelWriter(out) as writer:
            for name, df in frames.items():
                df.to_excel(writer, sheet_name=name[:31], index=df.index.name is not None or df.index.nlevels > 1)
    else:
        out.mkdir(parents=True, exist_ok=True)
        for name, df in frames.items():
            df.to_csv(out / f"{name}.csv", index=df.index.name is not None or df.index.nlevels > 1)
    if args.json is not None:
        args.json.write_text(result.to_json(), encoding="utf-8")
    print(f"wrote {', '.join(frames)} to {out}")
    return 0

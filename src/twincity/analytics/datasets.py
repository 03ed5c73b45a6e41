"""Loaders for the shared real-data sets (province statistics, COINr's ASEM example).

The files live outside the repository, in ``../shared/data`` relative to the repository root (override
with the environment variable ``TWINCITY_SHARED_DATA``). They are read in place, never copied.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

__all__ = [
    "PROVINCE_FIXES",
    "clean_province_name",
    "load_asem",
    "load_techme",
    "repo_root",
    "shared_data_dir",
    "techme_panel",
]

#: OCR errors found in the techme tables (see ../shared/data/README.md).
PROVINCE_FIXES: dict[str, str] = {"两藏": "西藏", "山两": "山西"}

_SPACE = re.compile(r"[\s\u3000]+")


def repo_root() -> Path:
    """The repository root: the first ancestor of this file that holds ``pyproject.toml``."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").is_file():
            return parent
    return here.parents[3]


def shared_data_dir() -> Path | None:
    """``$TWINCITY_SHARED_DATA`` or ``<repo root>/../shared/data``; ``None`` if the folder is absent."""
    env = os.environ.get("TWINCITY_SHARED_DATA")
    path = Path(env) if env else repo_root().parent / "shared" / "data"
    return path if path.is_dir() else None


def _require_dir() -> Path:
    path = shared_data_dir()
    if path is None:
        raise FileNotFoundError("shared data folder not found: set TWINCITY_SHARED_DATA or place it at ../shared/data")
    return path


def clean_province_name(name: Any) -> str:
    """Remove all whitespace (ASCII and full-width) and fix the known OCR errors: '上   海' → '上海',
    '两藏' → '西藏', '山两' → '山西'."""
    s = _SPACE.sub("", str(name))
    return PROVINCE_FIXES.get(s, s)


def load_techme(name: str) -> Any:
    """One techme table (e.g. ``"RDIntense"``, ``"RDPatentAuthority"``) as a long DataFrame with clean
    province names; columns ``province, year, chn_block4, value, units, variables``."""
    import pandas as pd  # noqa: PLC0415 - pandas is slow to load; only tables need it

    path = _require_dir() / "techme_province_sci_tech" / f"{name}.csv"
    df = pd.read_csv(path)
    df["province"] = df["province"].map(clean_province_name)
    df["year"] = df["year"].astype(int)
    return df


def techme_panel(items: dict[str, tuple[str, str]], *, include_national: bool = False) -> Any:
    """A wide panel (columns ``period``, ``unit`` and one column per item) from techme tables.

    ``items`` maps an indicator code to ``(table, chn_block4)``, e.g.
    ``{"rd_intensity": ("RDIntense", "RD强度")}``. Rows of ``全国`` (national) are dropped unless asked.
    """
    import pandas as pd  # noqa: PLC0415 - pandas is slow to load; only tables need it

    frames = []
    for code, (table, block) in items.items():
        df = load_techme(table)
        sub = df[df["chn_block4"] == block]
        if sub.empty:
            raise ValueError(f"table {table!r} has no rows for {block!r}")
        frames.append(sub.assign(indicator=code)[["year", "province", "indicator", "value"]])
    long = pd.concat(frames, ignore_index=True)
    if not include_national:
        long = long[long["province"] != "全国"]
    wide = long.pivot_table(index=["year", "province"], columns="indicator", values="value", aggfunc="first")
    wide = wide.reset_index().rename(columns={"year": "period", "province": "unit"})
    wide.columns.name = None
    return wide[["period", "unit", *items.keys()]]


def load_asem() -> tuple[Any, Any]:
    """COINr's ASEM example: ``(iData, iMeta)`` DataFrames."""
    import pandas as pd  # noqa: PLC0415 - pandas is slow to load; only tables need it

    base = _require_dir() / "coinr_asem"
    return pd.read_csv(base / "ASEM_iData.csv"), pd.read_csv(base / "ASEM_iMeta.csv")

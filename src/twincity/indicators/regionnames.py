"""Region names as files write them: full-width characters, spaces inside names (``上   海``), OCR slips
(``两藏`` for 西藏), pinyin (``Sichuan``) and suffixes (``四川省``). ``RegionMatcher`` maps them to regions."""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")
# Suffixes a province-level name may carry in a yearbook or not ("四川省", "重庆市", "广西壮族自治区").
_SUFFIXES = ("壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区", "省", "市")


def normalise_name(name: str) -> str:
    """One spelling per name: NFKC (full-width to half-width), no whitespace at all, lower case."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", str(name or ""))).lower()


def strip_suffix(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name

"""Region names as files write them: full-width characters, spaces inside names (``上   海``), OCR slips
(``两藏`` for 西藏), pinyin (``Sichuan``) and suffixes (``四川省``). ``RegionMatcher`` maps them to regions."""

from __future__ import annotations

import re
import unicodedata

from twincity.indicators.models import RegionAlias
from twincity.regions.models import Region

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


# Known OCR slips of the yearbooks' scanned tables (两 read for 西, …): the slip → the name it stands for.
OCR_SLIPS = {"两藏": "西藏", "山两": "山西", "陜西": "陕西"}

# The 31 provinces' pinyin (and common English) names → their Chinese short names. Keys are normalised.
PINYIN = {
    "beijing": "北京",
    "tianjin": "天津",
    "hebei": "河北",
    "shanxi": "山西",
    "innermongolia": "内蒙古",
    "neimenggu": "内蒙古",
    "liaoning": "辽宁",
    "jilin": "吉林",
    "heilongjiang": "黑龙江",
    "shanghai": "上海",
    "jiangsu": "江苏",
    "zhejiang": "浙江",
    "anhui": "安徽",
    "fujian": "福建",
    "jiangxi": "江西",
    "shandong": "山东",
    "henan": "河南",
    "hubei": "湖北",
    "hunan": "湖南",
    "guangdong": "广东",
    "guangxi": "广西",
    "hainan": "海南",
    "chongqing": "重庆",
    "sichuan": "四川",
    "guizhou": "贵州",
    "yunnan": "云南",
    "tibet": "西藏",
    "xizang": "西藏",
    "shaanxi": "陕西",
    "gansu": "甘肃",
    "qinghai": "青海",
    "ningxia": "宁夏",
    "xinjiang": "新疆",
}


def _keys(name: str) -> list[str]:
    """The spellings a name is looked up by, best first: as normalised, without its suffix."""
    key = normalise_name(name)
    keys = [key]
    short = strip_suffix(key)
    if short != key:
        keys.append(short)
    return keys


class RegionMatcher:
    """Find the region a file's name means, for one partnership.

    Looked up in order: the partnership's aliases (``RegionAlias``, kept by the office), the regions' own
    names (Chinese, English, short name, code; with or without a suffix such as 省/市/自治区), then the
    built-in OCR slips and pinyin names, which lead back to a region's Chinese name. Every name is compared
    normalised (NFKC, no whitespace, lower case), so ``上   海``, ``内蒙 古`` and ``ＳＨＡＮＧＨＡＩ`` are found.
    ``match(name)`` gives the region id or None; an unknown name is the caller's row error.
    """

    def __init__(self, partnership, regions=None):

        self.by_name: dict[str, int] = {}
        queryset = regions if regions is not None else Region.objects.filter(archived_at__isnull=True)
        ambiguous: set[str] = set()
        for pk, name, name_en, short, code in queryset.values_list("pk", "name", "name_en", "short_name", "code"):
            for spelling in (name, name_en, short, code):
                if not spelling:
                    continue
                for key in _keys(spelling):
                    if self.by_name.setdefault(key, pk) != pk:
                        ambiguous.add(key)
        for key in ambiguous:  # two regions answer to it: only an alias may decide
            self.by_name.pop(key, None)
        self.aliases = {
            normalise_name(alias): region_id
            for alias, region_id in RegionAlias.objects.filter(partnership=partnership).values_list(
                "alias", "region_id"
            )
        }
        self._cache: dict[str, int | None] = {}

    def match(self, name) -> int | None:
        raw = str(name or "")
        if raw in self._cache:
            return self._cache[raw]
        found = self._find(raw)
        self._cache[raw] = found
        return found

    def _find(self, raw: str) -> int | None:
        keys = _keys(raw)
        for key in keys:
            if key in self.aliases:
                return self.aliases[key]
        for key in keys:
            if key in self.by_name:
                return self.by_name[key]
        for key in keys:
            meant = OCR_SLIPS.get(key) or PINYIN.get(key)
            if meant is not None:
                if meant in self.aliases:
                    return self.aliases[meant]
                if meant in self.by_name:
                    return self.by_name[meant]
        return None

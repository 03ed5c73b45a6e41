"""Figures from files: layouts, region names, the catalogue of bad files (each leaves the database as it was)."""

from __future__ import annotations

import io
import os
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook

from twincity.audit.context import acting
from twincity.audit.models import ObjectChange
from twincity.indicators import imports, services
from twincity.indicators.choices import JobStatus
from twincity.indicators.imports import Importer, Layout, Options
from twincity.indicators.models import Observation
from twincity.indicators.regionnames import RegionMatcher
from twincity.indicators.tasks import run_import
from twincity.indicators.tests.helpers import build_statistics, figures
from twincity.regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


SHARED = Path(os.environ.get("TWINCITY_SHARED_DATA") or Path(__file__).resolve().parents[5] / "shared" / "data")
PROVINCES = [
    ("北京", "Beijing"), ("天津", "Tianjin"), ("河北", "Hebei"), ("山西", "Shanxi"), ("内蒙古", "Inner Mongolia"),
    ("辽宁", "Liaoning"), ("吉林", "Jilin"), ("黑龙江", "Heilongjiang"), ("江苏", "Jiangsu"), ("浙江", "Zhejiang"),
    ("安徽", "Anhui"), ("福建", "Fujian"), ("江西", "Jiangxi"), ("山东", "Shandong"), ("河南", "Henan"),
    ("湖北", "Hubei"), ("湖南", "Hunan"), ("广东", "Guangdong"), ("广西", "Guangxi"), ("海南", "Hainan"),
    ("贵州", "Guizhou"), ("云南", "Yunnan"), ("陕西", "Shaanxi"), ("甘肃", "Gansu"), ("青海", "Qinghai"),
    ("宁夏", "Ningxia"), ("新疆", "Xinjiang"), ("全国", "China"),
]  # fmt: skip


@pytest.fixture
def w():
    return build_statistics()


def check(w, persona, content, *, name="f.csv", **options):
    user = w.users[persona]
    with acting(user):
        return Importer(w.partnership, user, Options(**options)).check(content, name)


def apply(w, persona, content, *, name="f.csv", **options):
    user = w.users[persona]
    with acting(user):
        return Importer(w.partnership, user, Options(**options)).apply(content, name)


def messages(result) -> str:
    return " | ".join(f"{e['row']}/{e['column']}: {e['message']}" for e in result.errors)


def test_region_names_padded_full_width_suffixed_pinyin_and_ocr_slips(w):
    matcher = RegionMatcher(w.partnership)
    sichuan, chongqing, shanghai, tibet = (p.pk for p in w.provinces)
    assert matcher.match("四   川") == sichuan
    assert matcher.match("四川省") == sichuan
    assert matcher.match("重庆市") == chongqing
    assert matcher.match("上   海") == shanghai
    assert matcher.match("ＳＨＡＮＧＨＡＩ") == shanghai
    assert matcher.match("两藏") == tibet
    assert matcher.match("西藏自治区") == tibet
    assert matcher.match("Chongqing") == chongqing
    assert matcher.match("火星") is None
    with acting(w.users["office"]):
        services.set_alias(partnership=w.partnership, user=w.users["office"], alias="天府", region=w.tf)
    assert RegionMatcher(w.partnership).match("天 府") == w.tf.pk


def test_a_long_csv_with_chinese_headers_is_previewed_then_applied(w):
    content = "地区,时期,指标,数值,单位\n四川省,2020,GDP,48598.8,亿元\n重庆,2020,GDP,25002.8,亿元\n".encode()
    result = check(w, "office", content)
    assert result.is_valid, messages(result)
    assert (result.rows, result.new, result.changed, result.unchanged) == (2, 2, 0, 0)
    assert result.preview[0]["value"] == "48598.8"
    assert not Observation.objects.exists()
    counts = apply(w, "office", content)
    assert counts["created"] == 2
    assert Observation.objects.get(region=w.provinces[0]).value == Decimal("48598.8")
    again = check(w, "office", content.replace(b"25002.8", b"25003"))
    assert (again.new, again.changed, again.unchanged) == (0, 1, 1)


def test_wide_by_region_and_wide_by_period(w):
    wide = "地区,GDP,R&D经费\n四川,100,2\n重庆,90,\n".encode()
    result = check(w, "office", wide, layout=Layout.WIDE_REGION, period="2021")
    assert result.is_valid, messages(result)
    assert result.rows == 3  # the blank cell is a missing figure
    by_period = b"region,2019,2020\nSichuan,1,2\nChongqing,3,4\n"
    result = check(w, "office", by_period, layout=Layout.WIDE_PERIOD, element=w.gdp.pk)
    assert result.is_valid, messages(result)
    assert result.rows == 4


def test_an_xlsx_long_file(w):
    wb = Workbook()
    ws = wb.active
    ws.append(["region", "year", "code", "value"])
    ws.append(["四川", 2020, "GDP", 1.5])
    out = io.BytesIO()
    wb.save(out)
    result = check(w, "office", out.getvalue(), name="f.xlsx")
    assert result.is_valid, messages(result)
    assert apply(w, "office", out.getvalue(), name="f.xlsx")["created"] == 1


def test_lj_unit_imports_liangjiang_figures_and_tianfu_rows_are_refused(w):
    ok = f"地区,时期,指标,数值\n{w.lj.name},2020,GDP,10\n".encode()
    result = check(w, "lj-unit", ok)
    assert result.is_valid, messages(result)
    assert apply(w, "lj-unit", ok)["created"] == 1
    assert Observation.objects.get().organisation_id == w.lj_dept.pk
    bad = f"地区,时期,指标,数值\n{w.lj.name},2021,GDP,10\n{w.tf.name},2021,GDP,10\n".encode()
    result = check(w, "lj-unit", bad)
    assert [e["row"] for e in result.errors] == [3]


# ----------------------------------------------------------------------------- the catalogue of bad files


def _xlsx(rows, *, formula=False) -> bytes:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    if formula:
        ws["D2"] = "=1+1"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"0" * (150 * 1024 * 1024))
    return out.getvalue()


HEAD = "地区,时期,指标,数值,单位\n"
BAD_FILES = {
    "unknown region": (HEAD + "火星,2020,GDP,1,亿元\n", 2, "火星"),
    "unknown element": (HEAD + "四川,2020,NOPE,1,亿元\n", 2, "NOPE"),
    "bad period": (HEAD + "四川,20X0,GDP,1,亿元\n", 2, "20X0"),
    "text in a number cell": (HEAD + "四川,2020,GDP,2531 ?,亿元\n", 2, "2531 ?"),
    "duplicate row": (HEAD + "四川,2020,GDP,1,亿元\n四川,2020,GDP,2,亿元\n", 3, "twice"),
    "unit mismatch": (HEAD + "四川,2020,GDP,1,万元\n", 2, "万元"),
    "wrong headers": ("a,b,c\n1,2,3\n", 1, ""),
    "empty file": ("", None, ""),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_file_writes_nothing_and_names_its_row(w, case):
    text, row, word = BAD_FILES[case]
    before = (Observation.objects.count(), ObjectChange.objects.count())
    content = text.encode()
    result = check(w, "office", content)
    assert not result.is_valid
    if row is not None:
        assert result.errors[0]["row"] == row, messages(result)
    assert word in messages(result)
    with pytest.raises(services.FigureErrors):
        apply(w, "office", content)
    assert (Observation.objects.count(), ObjectChange.objects.count()) == before


def test_a_good_row_beside_a_bad_one_writes_nothing(w):
    before = ObjectChange.objects.count()
    content = (HEAD + "四川,2020,GDP,1,亿元\n重庆,2020,GDP,abc,亿元\n").encode()
    with pytest.raises(services.FigureErrors):
        apply(w, "office", content)
    assert not Observation.objects.exists()
    assert ObjectChange.objects.count() == before


def test_a_gb18030_csv_is_read(w):
    content = (HEAD + "四川省,2020,GDP,1,亿元\n").encode("gb18030")
    result = check(w, "office", content)
    assert result.is_valid, messages(result)


def test_a_formula_cell_and_a_zip_bomb_are_refused(w):
    before = ObjectChange.objects.count()
    result = check(w, "office", _xlsx([["地区", "时期", "指标", "数值"], ["四川", "2020", "GDP", 1]], formula=True),
                   name="f.xlsx")  # fmt: skip
    assert "=1+1" in messages(result)
    assert result.errors[0]["row"] == 2
    result = check(w, "office", _bomb(), name="f.xlsx")
    assert not result.is_valid
    assert "unsafe" in messages(result)
    assert not Observation.objects.exists()
    assert ObjectChange.objects.count() == before


def test_a_coordinator_row_for_the_other_side_is_refused(w):
    content = f"地区,时期,指标,数值\n{w.tf.name},2020,GDP,1\n{w.lj.name},2020,GDP,1\n".encode()
    result = check(w, "tf-coord", content)
    assert [e["row"] for e in result.errors] == [3]
    with pytest.raises(services.PermissionDenied):
        apply(w, "tf-coord", content)
    assert not Observation.objects.exists()


def test_a_final_figure_changed_by_a_file_is_refused(w):
    obs = figures(w, w.users["office"], [(w.gdp, w.provinces[0], "2020", 1)]).created[0]
    with acting(w.users["office"]):
        services.finalise(w.partnership, [obs], user=w.users["office"])
    content = (HEAD + "四川,2020,GDP,2,亿元\n").encode()
    result = check(w, "office", content)
    assert "final" in messages(result)
    assert result.errors[0]["row"] == 2
    with pytest.raises(services.FigureErrors):
        apply(w, "office", content)
    obs.refresh_from_db()
    assert obs.value == 1


# ----------------------------------------------------------------------------- the shared yearbook extracts

needs_data = pytest.mark.skipif(not SHARED.is_dir(), reason="the shared data folder is absent")


def _all_provinces(w):
    have = {r.name for r in Region.objects.all()}
    for i, (name, en) in enumerate(PROVINCES):
        if name not in have:
            Region.objects.create(code=f"X{i}", name=name, name_en=en)


@needs_data
def test_the_yearbook_extract_with_padded_names_and_ocr_slips(w):
    _all_provinces(w)
    path = SHARED / "techme_province_sci_tech" / "RDPatentAuthority.csv"
    data = path.read_bytes()
    codes = {line.split(b",")[-1].strip().decode() for line in data.splitlines()[1:]}
    with acting(w.users["office"]):
        for code in sorted(codes):
            services.create_element(partnership=w.partnership, user=w.users["office"], code=code, name=code, unit="件")
    result = check(w, "office", data)
    assert result.is_valid, messages(result)[:2000]
    assert result.rows == len(data.splitlines()) - 1
    assert result.mapping == {"region": 0, "period": 1, "element": 5, "value": 3, "unit": 4}
    apply(w, "office", data)
    tibet = Region.objects.get(name="西藏")
    shanxi = Region.objects.get(name="山西")
    assert Observation.objects.filter(region=tibet, period="2010").count() == 4  # 两藏, 西   藏
    assert Observation.objects.filter(region=shanxi, period="2012").count() == 4  # 山两
    for year in ("2010", "2012", "2023"):
        assert Observation.objects.filter(period=year).values("region").distinct().count() == 32


@needs_data
def test_the_population_table_wide_by_period_in_pinyin(w):
    _all_provinces(w)
    with acting(w.users["office"]):
        pop = services.create_element(partnership=w.partnership, user=w.users["office"], code="POP", name="常住人口")
    data = (SHARED / "pypsa_china_population" / "historical_population.csv").read_bytes()
    result = check(w, "office", data, layout=Layout.WIDE_PERIOD, element=pop.pk)
    assert result.is_valid, messages(result)[:2000]
    assert result.rows == 31 * 20
    apply(w, "office", data, layout=Layout.WIDE_PERIOD, element=pop.pk)
    assert Observation.objects.get(region=w.provinces[0], period="2024", element=pop).value > 8000


def test_an_import_job_is_checked_then_applied_by_the_worker_function(w):
    user = w.users["office"]
    upload = SimpleUploadedFile("f.csv", (HEAD + "四川,2020,GDP,1,亿元\n").encode())
    with acting(user):
        job = imports.start_import(w.partnership, user, upload, Options())
    result = run_import(job.pk)
    job.refresh_from_db()
    assert (job.status, result["new"]) == (JobStatus.DONE, 1)
    with acting(user):
        imports.request_apply(job, user)
    run_import(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.result["applied"]["created"] == 1
    assert Observation.objects.count() == 1

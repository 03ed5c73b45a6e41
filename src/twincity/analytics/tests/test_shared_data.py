"""Tests on the real shared data (../shared/data, or $TWINCITY_SHARED_DATA). Skipped only if absent."""

from __future__ import annotations

import numpy as np
import pytest

from twincity.analytics import IndexSpec, run_index
from twincity.analytics.datasets import clean_province_name, load_asem, load_techme, shared_data_dir
from twincity.analytics.demo import sichuan_chongqing

pytestmark = pytest.mark.skipif(
    shared_data_dir() is None, reason="shared data folder ../shared/data absent (clone outside the workspace)"
)


def test_province_names_are_cleaned() -> None:
    assert clean_province_name("上   海") == "上海"
    assert clean_province_name("两藏") == "西藏"
    assert clean_province_name("山两") == "山西"
    pat = load_techme("RDPatentAuthority")
    for year in (2010, 2012, 2023):
        names = set(pat[(pat["year"] == year) & (pat["chn_block4"] == "发明")]["province"])
        assert len(names) == 32
        assert {"西藏", "山西", "内蒙古", "黑龙江", "全国"} <= names


def test_spot_check_values_from_readme() -> None:
    rd = load_techme("RDIntense")
    v = rd[(rd["year"] == 2023) & (rd["chn_block4"] == "RD强度")].set_index("province")["value"]
    assert v["四川"] == pytest.approx(2.26)
    assert v["重庆"] == pytest.approx(2.48)


def test_sichuan_chongqing_demo() -> None:
    out = sichuan_chongqing()
    pair, idx = out["pair"], out["index"]
    assert list(pair.index) == list(range(2011, 2024))
    assert idx.shape == (13, 31)
    assert (
        ((pair[["C", "T", "D", "patent_similarity"]] >= 0) & (pair[["C", "T", "D", "patent_similarity"]] <= 1))
        .all()
        .all()
    )
    # fitted on all provinces, the two are not mapped to 0 and 1
    assert (pair["sichuan"] > 0).all()
    assert (pair["chongqing"] > 0).all()
    assert (pair["sichuan"] < 1).all()
    assert pair["sichuan"].iloc[-1] > pair["sichuan"].iloc[0]  # innovation grew over 2011–2023
    assert pair["patent_similarity"].min() > 0.8


def test_asem_framework_runs_from_coinr_meta() -> None:
    data, meta = load_asem()
    spec = IndexSpec.from_coinr_meta(meta, name="ASEM", normalization={"method": "minmax", "scale": [0, 100]})
    assert len(spec.indicators) == 49
    assert {g.level for g in spec.groups} == {2, 3, 4}
    panel = data.assign(period=2018, unit=data["uCode"])[["period", "unit", *[n.code for n in spec.indicators]]]
    res = run_index(spec, panel)
    index = res.scores["Index"][0]
    assert index.shape == (51,)
    assert np.nanmin(index) >= 0
    assert np.nanmax(index) <= 100
    assert np.isclose(res.effective_weights.sum(), 1.0)
    top = [res.units[i] for i in np.argsort(-index)[:10]]
    assert "CHE" in top or "NLD" in top  # COINr's vignette ranks them near the top (full chain differs)

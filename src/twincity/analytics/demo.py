"""Sichuan–Chongqing demo on the shared province panels (used by the docs and the tests).

Innovation index 2011–2023 fitted on all 31 provinces pooled over the years (a reference panel), the
coupling coordination of the two provinces' index scores, and the similarity of their patent structure.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .coupling import coordination_class, coupling_coordination
from .datasets import load_techme, techme_panel
from .spec import IndexSpec, Node, run_index
from .structure import krugman_index, structure_similarity

__all__ = ["INNOVATION_ITEMS", "innovation_spec", "sichuan_chongqing"]

#: indicator code -> (techme table, chn_block4)
INNOVATION_ITEMS: dict[str, tuple[str, str]] = {
    "rd_spending": ("RDIntense", "RD经费"),
    "rd_intensity": ("RDIntense", "RD强度"),
    "basic_research": ("RDActivity", "基础研究"),
    "patents_invention": ("RDPatentAuthority", "发明"),
    "patents_total": ("RDPatentAuthority", "合计"),
    "budget_science": ("PublicBudget", "科学技术"),
    "hightech_revenue": ("IndustryOperation", "主营业务收入"),
}


def innovation_spec() -> IndexSpec:
    """Three pillars (input, output, industry) → innovation index; min-max on the pooled panel of all
    provinces and years, entropy weights within pillars, equal pillar weights, arithmetic means."""
    ind = [
        Node("rd_spending", "R&D expenditure (亿元)", "input"),
        Node("rd_intensity", "R&D intensity (% of GDP)", "input"),
        Node("basic_research", "basic research expenditure (万元)", "input"),
        Node("budget_science", "public budget for science & technology (亿元)", "input"),
        Node("patents_invention", "invention patent grants", "output"),
        Node("patents_total", "all patent grants", "output"),
        Node("hightech_revenue", "high-tech industry revenue (亿元)", "industry"),
    ]
    groups = [
        Node("input", "innovation input", "index", level=2),
        Node("output", "innovation output", "index", level=2),
        Node("industry", "high-tech industry", "index", level=2),
        Node("index", "innovation index", None, level=3),
    ]
    return IndexSpec(
        name="province innovation index",
        indicators=ind,
        groups=groups,
        normalization={"method": "minmax", "scale": [0.0, 1.0]},
        weighting={"default": "equal", "2": "entropy"},
        aggregation={"default": "arithmetic"},
        fit={"on": "pooled", "units": None, "periods": list(range(2011, 2024))},
    )


def sichuan_chongqing() -> dict[str, Any]:
    """Run the demo; returns DataFrames ``index`` (all provinces), ``pair`` (四川, 重庆 by year: scores,
    C, T, D, class, patent-structure similarity and Krugman index) and the ``result``."""
    import pandas as pd  # noqa: PLC0415 - pandas is slow to load; only tables need it

    panel = techme_panel(INNOVATION_ITEMS)
    panel = panel[(panel["period"] >= 2011) & (panel["period"] <= 2023)]
    result = run_index(innovation_spec(), panel)
    idx = pd.DataFrame(result.scores["index"], index=result.periods, columns=result.units)
    sc, cq = idx["四川"].to_numpy(), idx["重庆"].to_numpy()
    c, t, d = coupling_coordination(np.stack([sc, cq]))
    cc, _, dc = coupling_coordination(np.stack([sc, cq]), variant="corrected")
    cls = coordination_class(d)
    pat = load_techme("RDPatentAuthority")
    pat = pat[pat["chn_block4"].isin(["发明", "实用新型", "外观设计"])]
    piv = pat.pivot_table(index=["year", "province"], columns="chn_block4", values="value")[
        ["发明", "实用新型", "外观设计"]
    ]
    sim = [structure_similarity(piv.loc[(y, "四川")], piv.loc[(y, "重庆")]) for y in result.periods]
    kru = [krugman_index(piv.loc[(y, "四川")], piv.loc[(y, "重庆")]) for y in result.periods]
    pair = pd.DataFrame(
        {
            "sichuan": sc,
            "chongqing": cq,
            "rank_sichuan": idx.rank(axis=1, ascending=False)["四川"].to_numpy(),
            "rank_chongqing": idx.rank(axis=1, ascending=False)["重庆"].to_numpy(),
            "C": c,
            "T": t,
            "D": d,
            "class_zh": cls.name_zh,
            "class_en": cls.name_en,
            "C_corrected": cc,
            "D_corrected": dc,
            "patent_similarity": sim,
            "patent_krugman": kru,
        },
        index=pd.Index(result.periods, name="year"),
    )
    return {"index": idx, "pair": pair, "result": result}

"""A long CSV of yearbook-like figures: ``regions`` × ``elements`` × ``periods`` rows, deterministic."""

from __future__ import annotations

import io
import random


def long_csv(regions: int = 300, elements: int = 100, periods: int = 34, *, first_year: int = 1990, seed: int = 0):
    rng = random.Random(seed)
    out = io.StringIO()
    out.write("地区,时期,指标,数值,单位\n")
    for r in range(regions):
        name = f"测试地区{r:03d}"
        for e in range(elements):
            code = f"E{e:03d}"
            base = rng.uniform(10, 10000)
            for p in range(periods):
                out.write(f"{name},{first_year + p},{code},{base * (1 + 0.03 * p):.2f},亿元\n")
    return out.getvalue().encode()

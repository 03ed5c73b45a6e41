"""Benchmarks of twincity.analytics next to pymcdm on the same data, in one run.

    .venv/bin/python bench/analytics/run.py

1. entropy weights + TOPSIS (vector normalisation) for 3,000 units x 200 indicators x 20 periods:
   twincity evaluates all periods in one vectorised call; pymcdm is called once per period (its API takes
   one decision matrix).
2. rank uncertainty, 1,000 draws, 300 units x 50 indicators (weights ±25 %, min-max, arithmetic mean):
   twincity.rank_uncertainty vs. the same draws done with pymcdm (WSM with min-max normalisation, ranking
   with pymcdm.helpers.rankdata), one draw at a time.
Each timing is the best of ``REPEATS`` runs; results are checked to agree before timing.
"""

from __future__ import annotations

import platform
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from datagen import cross_section, panel

from twincity.analytics import entropy_weights, rank_uncertainty, topsis

REPEATS = 3


def best_of(fn, repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    import pymcdm
    from pymcdm import helpers
    from pymcdm import normalizations as pn
    from pymcdm import weights as pw
    from pymcdm.methods import TOPSIS, WSM

    x, d = panel()
    pm_topsis = TOPSIS(pn.vector_normalization)

    def ours_et() -> np.ndarray:
        w = entropy_weights(x, standardize=False)  # (20, 200)
        return topsis(x, w, d, normalization="vector")  # (20, 3000)

    def pymcdm_et() -> np.ndarray:
        out = np.empty(x.shape[:2])
        for p in range(x.shape[0]):
            w = pw.entropy_weights(x[p])
            out[p] = pm_topsis(x[p], w, d)
        return out

    np.testing.assert_allclose(ours_et(), pymcdm_et(), atol=1e-9)
    t_ours_et = best_of(ours_et)
    t_pm_et = best_of(pymcdm_et)

    xs, ds = cross_section()
    w0 = np.full(xs.shape[1], 1.0 / xs.shape[1])
    n_draws = 1000

    def ours_unc():
        return rank_uncertainty(xs, ds, weights=w0, n_draws=n_draws, weight_noise=0.25, seed=42)

    res = ours_unc()
    wsm = WSM(pn.minmax_normalization)

    def pymcdm_unc() -> np.ndarray:
        ranks = np.empty((xs.shape[0], n_draws))
        for k in range(n_draws):
            pref = wsm(xs, res.draw_weights[k], ds)
            ranks[:, k] = helpers.rankdata(pref, reverse=True)
        return ranks

    pm_ranks = pymcdm_unc()
    assert np.array_equal(pm_ranks, res.ranks), "pymcdm and twincity disagree on the ranks"
    t_ours_unc = best_of(ours_unc)
    t_pm_unc = best_of(pymcdm_unc, repeats=1)

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import os

    print(
        f"machine: {os.cpu_count()} CPUs, {cpu}; Python {platform.python_version()}, numpy {np.__version__}, "
        f"pymcdm {getattr(pymcdm, '__version__', '1.4.0')}"
    )
    print()
    print("| workload | twincity (s) | pymcdm (s) | speed-up |")
    print("|---|---:|---:|---:|")
    print(
        f"| entropy + TOPSIS, 3,000 × 200 × 20 periods | {t_ours_et:.3f} | {t_pm_et:.3f} | {t_pm_et / t_ours_et:.1f}× |"
    )
    print(
        f"| rank uncertainty, 1,000 draws, 300 × 50 | {t_ours_unc:.3f} | {t_pm_unc:.3f} "
        f"| {t_pm_unc / t_ours_unc:.1f}× |"
    )


if __name__ == "__main__":
    main()

"""Benchmarks of twincity.analytics next to pymcdm on the same data, in one run.

    .venv/bin/python bench/analytics/run.py

1. entropy weights + TOPSIS (vector normalisation) for 3,000 units x 200 indicators x 20 periods:
   twincity evaluates all periods in one vectorised call; pymcdm is called once per period (its API takes
   one decision matrix).
2. rank uncertainty, 1,000 draws, 300 units x 50 indicators (weights ±25 %, min-max, arithmetic mean):
   twincity.rank_uncertainty vs. the same draws done with pymcdm (WSM with min-max normalisation, ranking
   with pymcdm.helpers.rankdata), one draw at a time.
Results are checked to agree before timing. Then the two implementations run INTERLEAVED (ours, pymcdm, ours,
pymcdm …, ``--runs`` times each, default 5), so that a change in the machine's load (it is shared) touches both
alike; the table reports each one's median time, the median of the per-pair speed-ups and their min–max, and the
load average before and after.

    .venv/bin/python bench/analytics/run.py --runs 5
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from datagen import cross_section, panel

from twincity.analytics import entropy_weights, rank_uncertainty, topsis


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def interleaved(ours, theirs, runs: int) -> dict:
    """``runs`` pairs (ours, then theirs); medians, and the speed-up of each pair: median and min–max."""
    pairs = [(timed(ours), timed(theirs)) for _ in range(runs)]
    ratios = [b / a for a, b in pairs]
    return {
        "ours": statistics.median(a for a, _ in pairs),
        "theirs": statistics.median(b for _, b in pairs),
        "ratio": statistics.median(ratios),
        "low": min(ratios),
        "high": max(ratios),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="interleaved runs of each implementation")
    args = parser.parse_args(argv)
    load_before = os.getloadavg()
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
    et = interleaved(ours_et, pymcdm_et, args.runs)

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
    unc = interleaved(ours_unc, pymcdm_unc, args.runs)
    load_after = os.getloadavg()

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    print(
        f"machine: {os.cpu_count()} CPUs, {cpu}; Python {platform.python_version()}, numpy {np.__version__}, "
        f"pymcdm {getattr(pymcdm, '__version__', '1.4.0')}"
    )
    print(
        f"interleaved runs: {args.runs} of each; load average (1/5/15 min) before {load_before[0]:.2f} / "
        f"{load_before[1]:.2f} / {load_before[2]:.2f}, after {load_after[0]:.2f} / {load_after[1]:.2f} / "
        f"{load_after[2]:.2f} ({os.cpu_count()} CPUs; the machine may be shared)"
    )
    print()
    print("| workload | twincity median (s) | pymcdm median (s) | speed-up, median of pairs | min–max |")
    print("|---|---:|---:|---:|---:|")
    for name, r in (
        ("entropy + TOPSIS, 3,000 × 200 × 20 periods", et),
        ("rank uncertainty, 1,000 draws, 300 × 50", unc),
    ):
        print(
            f"| {name} | {r['ours']:.3f} | {r['theirs']:.3f} | **{r['ratio']:.1f}×** "
            f"| {r['low']:.1f}–{r['high']:.1f}× |"
        )


if __name__ == "__main__":
    main()

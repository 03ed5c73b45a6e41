"""Render docs/img/analytics-sichuan-chongqing.png from the shared data (needs matplotlib).

.venv/bin/python bench/analytics/make_charts.py
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from twincity.analytics.datasets import repo_root
from twincity.analytics.demo import sichuan_chongqing


def main() -> None:
    out = sichuan_chongqing()
    pair = out["pair"]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    ax = axes[0]
    ax.plot(pair.index, pair["sichuan"], marker="o", label="Sichuan innovation index")
    ax.plot(pair.index, pair["chongqing"], marker="s", label="Chongqing innovation index")
    ax.plot(pair.index, pair["D"], linestyle="--", label="coupling coordination D")
    ax.set_title("Innovation index (fitted on 31 provinces, 2011-2023)")
    ax.set_ylim(0, 1)
    ax.legend(fontsize=8)
    ax = axes[1]
    ax.plot(pair.index, pair["patent_similarity"], marker="o", label="UNIDO similarity (patent types)")
    ax.plot(pair.index, pair["patent_krugman"], marker="s", label="Krugman index")
    ax.set_title("Patent-grant structure, Sichuan vs Chongqing")
    ax.legend(fontsize=8)
    fig.tight_layout()
    path = repo_root() / "docs" / "img" / "analytics-sichuan-chongqing.png"
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    print(path)
    print(pair.round(3).to_string())


if __name__ == "__main__":
    main()

"""Index specifications, panel runs, JSON round trips and the command line."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from twincity.analytics import IndexSpec, Node, Panel, aggregate, normalize, run_index, run_json
from twincity.analytics.cli import main


def make_panel(n_units: int = 6, periods: tuple[int, ...] = (2020, 2021, 2022)) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    rows = [
        {
            "period": p,
            "unit": f"U{u}",
            "a": rng.uniform(1, 9),
            "b": rng.uniform(1, 9),
            "c": rng.uniform(1, 9),
            "d": rng.uniform(1, 9),
        }
        for p in periods
        for u in range(n_units)
    ]
    return pd.DataFrame(rows)


def make_spec(**kw: object) -> IndexSpec:
    return IndexSpec(
        name="t",
        indicators=[
            Node("a", parent="P1"),
            Node("b", parent="P1", direction=-1, weight=3),
            Node("c", parent="P2"),
            Node("d", parent="P2", weight=0),
        ],
        groups=[Node("P1", parent="I", level=2), Node("P2", parent="I", level=2, weight=2), Node("I", level=3)],
        **kw,  # type: ignore[arg-type]
    )


def test_run_matches_manual_computation_pooled() -> None:
    df = make_panel()
    res = run_index(make_spec(), df)
    x = Panel.from_wide(df).values
    xn = normalize(x, [1, -1, 1, 1], reference=x.reshape(-1, 4))
    p1 = aggregate(xn[..., :2], [1, 3])
    p2 = aggregate(xn[..., 2:], [1, 0])
    np.testing.assert_allclose(res.scores["I"], aggregate(np.stack([p1, p2], -1), [1, 2]))
    np.testing.assert_allclose(res.effective_weights, [1 / 3 * 1 / 4, 1 / 3 * 3 / 4, 2 / 3, 0.0])
    np.testing.assert_allclose(res.weighted, xn * res.effective_weights)
    assert set(res.frames()) >= {"raw", "normalised", "weighted", "level2", "level3", "effective_weights"}


def test_per_period_fit_and_entropy_weights_are_vectorised() -> None:
    df = make_panel()
    spec = make_spec(weighting={"default": "fixed", "2": "entropy"}, fit={"on": "period"})
    res = run_index(spec, df)
    assert res.group_weights["P1"].shape == (3, 2)
    assert np.allclose(res.effective_weights.sum(axis=1), 1.0)
    per_period_norm = normalize(Panel.from_wide(df).values, [1, -1, 1, 1])
    np.testing.assert_allclose(res.normalised, per_period_norm)


def test_two_regions_per_period_is_refused_but_pooled_years_are_fine() -> None:
    df = make_panel(n_units=2)
    with pytest.raises(ValueError, match="only 2 observation"):
        run_index(make_spec(fit={"on": "period"}), df)
    res = run_index(make_spec(fit={"on": "pooled"}), df)  # 3 years x 2 units = 6 observations
    assert np.isfinite(res.scores["I"]).all()
    # fitting on all peers while reporting only two units
    big = make_panel(n_units=6)
    res2 = run_index(make_spec(fit={"on": "period"}, report_units=["U0", "U1"]), big)
    assert res2.units == ["U0", "U1"]
    assert res2.scores["I"].shape == (3, 2)


def test_json_round_trip_is_reproducible() -> None:
    df = make_panel()
    spec = make_spec(weighting={"default": "fixed", "3": "entropy"})
    text = spec.to_json()
    out1 = json.loads(run_json(text, df))
    out2 = json.loads(run_json(IndexSpec.from_json(text).to_json(), df))
    assert out1 == out2
    assert out1["spec"] == json.loads(text)
    assert len(out1["data_sha256"]) == 64


def test_spec_errors() -> None:
    with pytest.raises(ValueError, match="parent 'X'"):
        IndexSpec.from_dict(
            {"name": "x", "indicators": [{"code": "a", "parent": "X"}], "groups": [{"code": "I", "level": 2}]}
        )
    with pytest.raises(ValueError, match="direction of indicator 'a'"):
        IndexSpec.from_dict(
            {
                "name": "x",
                "indicators": [{"code": "a", "parent": "I", "direction": 2}],
                "groups": [{"code": "I", "level": 2}],
            }
        )
    spec = make_spec()
    with pytest.raises(ValueError, match="indicator 'a' of the spec is not in the panel"):
        run_index(spec, make_panel().drop(columns="a"))


def test_cli_runs_csv_to_xlsx_and_csv(tmp_path: Path) -> None:
    df = make_panel()
    data = tmp_path / "panel.csv"
    df.to_csv(data, index=False)
    spec = tmp_path / "spec.json"
    spec.write_text(make_spec().to_json(), encoding="utf-8")
    out = tmp_path / "res.xlsx"
    assert (
        main(["run", "--spec", str(spec), "--data", str(data), "--out", str(out), "--json", str(tmp_path / "r.json")])
        == 0
    )
    sheets = pd.read_excel(out, sheet_name=None)
    assert {"normalised", "level3", "effective_weights"} <= set(sheets)
    long = df.melt(id_vars=["period", "unit"], var_name="indicator", value_name="value")
    long.to_excel(tmp_path / "long.xlsx", index=False)
    outdir = tmp_path / "csv"
    rc = main(
        ["run", "--spec", str(spec), "--data", str(tmp_path / "long.xlsx"), "--format", "long", "--out", str(outdir)]
    )
    assert rc == 0
    assert (outdir / "level3.csv").is_file()
    assert main(["run", "--spec", str(spec), "--data", str(tmp_path / "nope.txt"), "--out", str(outdir)]) == 2

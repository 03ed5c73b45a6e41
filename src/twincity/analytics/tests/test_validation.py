"""Bad input gets a clear ValueError naming the indicator or unit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from twincity.analytics import (
    aggregate,
    ahp_weights,
    coordination_class,
    coupling_coordination,
    entropy_weights,
    krugman_index,
    location_quotient,
    normalize,
    structure_similarity,
    topsis,
)

DF = pd.DataFrame({"gdp": [1.0, 2.0, 3.0], "rd": [4.0, 5.0, 6.0]}, index=["成都", "重庆", "西安"])


def test_shape_mismatch_directions_and_weights() -> None:
    with pytest.raises(ValueError, match="directions has 3 entries but X has 2 indicators"):
        normalize(DF, [1, 1, 1])
    with pytest.raises(ValueError, match="weights has 1 entries"):
        aggregate(DF, [1.0])
    with pytest.raises(ValueError, match="shape"):
        normalize([1.0, 2.0])


def test_direction_other_than_pm1_names_indicator() -> None:
    with pytest.raises(ValueError, match="direction of indicator 'rd' is 0;"):
        normalize(DF, [1, 0])


def test_nan_where_method_cannot_take_it_names_method_unit_indicator() -> None:
    bad = DF.copy()
    bad.loc["重庆", "rd"] = np.nan
    with pytest.raises(ValueError, match=r"indicator 'rd' has NaN for unit '重庆'; entropy weighting"):
        entropy_weights(bad)
    with pytest.raises(ValueError, match="TOPSIS cannot take missing values"):
        topsis(bad, [0.5, 0.5])
    # aggregation skips NaN and renormalises instead
    np.testing.assert_allclose(aggregate(bad, [0.5, 0.5]), [2.5, 2.0, 4.5])


def test_constant_columns() -> None:
    const = DF.assign(rd=7.0)
    with pytest.warns(RuntimeWarning, match="indicator 'rd' is constant"):
        w = entropy_weights(const)
    np.testing.assert_allclose(w, [1.0, 0.0])
    with pytest.warns(RuntimeWarning, match="constant"):
        np.testing.assert_allclose(entropy_weights(const, standardize=False), [1.0, 0.0])
    with pytest.raises(ValueError, match=r"indicator 'rd' is constant.*min-max"):
        normalize(const)
    with pytest.warns(RuntimeWarning):
        assert np.isnan(normalize(const, constant="nan")[:, 1]).all()


def test_geometric_refuses_nonpositive() -> None:
    with pytest.raises(
        ValueError, match=r"indicator 'gdp' is 0 for unit '成都'; geometric aggregation needs values > 0"
    ):
        aggregate(DF.assign(gdp=[0.0, 1.0, 2.0]), [0.5, 0.5], "geometric")


def test_pairwise_not_reciprocal() -> None:
    with pytest.raises(ValueError, match="not reciprocal"):
        ahp_weights([[1, 3, 5], [1 / 3, 1, 2], [1 / 5, 1 / 3, 1]])
    w, cr = ahp_weights([[1, 2, 4], [0.5, 1, 2], [0.25, 0.5, 1]])
    np.testing.assert_allclose(w, [4 / 7, 2 / 7, 1 / 7])
    assert cr == pytest.approx(0.0, abs=1e-12)


def test_u_outside_unit_interval() -> None:
    with pytest.raises(ValueError, match=r"U\[1\] = 1.2 .* outside \[0, 1\]"):
        coupling_coordination([[0.5, 0.4], [1.2, 0.3]])
    with pytest.raises(ValueError, match="NaN"):
        coupling_coordination([[0.5, np.nan], [0.2, 0.3]])
    with pytest.raises(ValueError, match="outside"):
        coordination_class([1.2])


def test_structure_inputs() -> None:
    with pytest.raises(ValueError, match="same sectors"):
        structure_similarity([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="negative"):
        krugman_index([1, -2], [1, 2])
    assert krugman_index([1, 0], [0, 1]) == pytest.approx(2.0)
    lq = location_quotient(DF)
    np.testing.assert_allclose((lq * (DF.sum(axis=1).to_numpy()[:, None] / DF.to_numpy().sum())).sum(axis=0)[0], 1)

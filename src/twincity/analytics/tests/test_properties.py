"""Property tests (hypothesis) of the engine's promises."""

from __future__ import annotations

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from twincity.analytics import (
    aggregate,
    coupling_coordination,
    critic_weights,
    entropy_weights,
    normalize,
    rank_uncertainty,
    structure_similarity,
    topsis,
)

FAST = settings(max_examples=60, deadline=None)


def matrices(min_rows: int = 3, max_rows: int = 12, min_cols: int = 2, max_cols: int = 6):
    return st.tuples(st.integers(min_rows, max_rows), st.integers(min_cols, max_cols)).flatmap(
        lambda s: arrays(np.float64, s, elements=st.floats(0.5, 1000.0, allow_nan=False, allow_infinity=False))
    )


def spread(X: np.ndarray) -> bool:
    return bool(np.all(np.ptp(X, axis=0) > 1e-6 * np.abs(X).max(axis=0)))


@FAST
@given(matrices(), st.booleans())
def test_entropy_weights_nonnegative_sum_one(X: np.ndarray, standardize: bool) -> None:
    assume(spread(X))
    w = entropy_weights(X, standardize=standardize)
    assert np.all(w >= 0)
    assert np.isclose(w.sum(), 1.0)


@FAST
@given(matrices(min_rows=4))
def test_critic_weights_nonnegative_sum_one(X: np.ndarray) -> None:
    assume(spread(X))
    corr = np.corrcoef(X, rowvar=False)
    assume(not np.allclose(np.abs(corr), 1.0))  # all perfectly correlated: CRITIC is undefined (ValueError)
    w = critic_weights(X)
    assert np.all(w >= 0)
    assert np.isclose(w.sum(), 1.0)


@FAST
@given(matrices(), st.floats(0.01, 100.0), st.sampled_from(["minmax", "zscore", "vector", "sum", "rank"]))
def test_normalisation_invariant_to_positive_rescaling(X: np.ndarray, k: float, method: str) -> None:
    """minmax, zscore, vector, sum and rank promise invariance to x -> k x (k > 0)."""
    assume(spread(X))
    Y = X.copy()
    Y[:, 0] *= k
    np.testing.assert_allclose(normalize(X, method=method), normalize(Y, method=method), rtol=1e-9, atol=1e-9)


@FAST
@given(matrices(), st.floats(0.01, 100.0))
def test_entropy_and_topsis_invariant_to_rescaling(X: np.ndarray, k: float) -> None:
    assume(spread(X))
    Y = X.copy()
    Y[:, -1] *= k
    np.testing.assert_allclose(entropy_weights(X, standardize=False), entropy_weights(Y, standardize=False), atol=1e-9)
    w = np.full(X.shape[1], 1.0 / X.shape[1])
    np.testing.assert_allclose(topsis(X, w), topsis(Y, w), atol=1e-9)


@FAST
@given(matrices(), st.sampled_from(["minmax", "zscore", "rank"]), st.data())
def test_flipping_direction_equals_negating_column(X: np.ndarray, method: str, data: st.DataObject) -> None:
    assume(spread(X))
    j = data.draw(st.integers(0, X.shape[1] - 1))
    d = np.ones(X.shape[1])
    d[j] = -1
    Y = X.copy()
    Y[:, j] = -Y[:, j]
    np.testing.assert_allclose(normalize(X, d, method), normalize(Y, None, method), atol=1e-9)


@FAST
@given(matrices(), st.data())
def test_improving_benefit_indicator_never_lowers_arithmetic_score(X: np.ndarray, data: st.DataObject) -> None:
    assume(spread(X))
    i = data.draw(st.integers(0, X.shape[0] - 1))
    j = data.draw(st.integers(0, X.shape[1] - 1))
    bump = data.draw(st.floats(0.0, 500.0))
    w = data.draw(arrays(np.float64, X.shape[1], elements=st.floats(0.01, 1.0)))
    ref = np.vstack([X, X.min(axis=0) - 1.0, X.max(axis=0) + 501.0])  # fixed bounds (reference panel)
    before = aggregate(normalize(X, method="minmax", reference=ref), w)
    Y = X.copy()
    Y[i, j] += bump
    after = aggregate(normalize(Y, method="minmax", reference=ref), w)
    assert after[i] >= before[i] - 1e-12


@FAST
@given(
    st.integers(2, 5).flatmap(lambda n: arrays(np.float64, (n, 7), elements=st.floats(0.0, 1.0))),
    st.sampled_from(["traditional", "corrected"]),
)
def test_coupling_in_unit_interval(U: np.ndarray, variant: str) -> None:
    c, t, d = coupling_coordination(U, variant=variant)
    for a in (c, t, d):
        assert np.all((a >= 0) & (a <= 1 + 1e-12))


@FAST
@given(st.integers(2, 6), st.floats(1e-6, 1.0), st.sampled_from(["traditional", "corrected"]))
def test_coupling_is_one_when_systems_equal(n: int, u: float, variant: str) -> None:
    c, t, d = coupling_coordination(np.full((n, 3), u), variant=variant)
    np.testing.assert_allclose(c, 1.0)
    np.testing.assert_allclose(t, u)
    np.testing.assert_allclose(d, np.sqrt(u))


@FAST
@given(arrays(np.float64, 5, elements=st.floats(0.0, 100.0)), arrays(np.float64, 5, elements=st.floats(0.0, 100.0)))
def test_similarity_symmetric_and_bounded(a: np.ndarray, b: np.ndarray) -> None:
    assume(a.sum() > 0 and b.sum() > 0)
    s = structure_similarity(a, b)
    assert np.isclose(s, structure_similarity(b, a))
    assert 0 <= s <= 1


@FAST
@given(arrays(np.float64, 6, elements=st.floats(0.01, 100.0)), st.floats(0.001, 1000.0))
def test_similarity_is_one_for_proportional_vectors(a: np.ndarray, k: float) -> None:
    assert np.isclose(structure_similarity(a, k * a), 1.0)


def test_unused_input_has_no_effect_on_ranks_sobol_style() -> None:
    """A Sobol-style check: an indicator with weight 0 is an input the index does not use. Vary it freely
    (pick-freeze: same draws of the used inputs, fresh draws of the unused one) and estimate its
    first-order index S = Var(E[rank | unused]) / Var(rank); it must be exactly 0, and total-effect too."""
    rng = np.random.default_rng(7)
    base = rng.lognormal(size=(40, 5))
    w = np.array([0.3, 0.2, 0.25, 0.25, 0.0])  # indicator 4 is not used
    runs = []
    for _ in range(8):
        X = base.copy()
        X[:, 4] = rng.lognormal(size=40) * rng.uniform(0.1, 10)  # new value of the unused input
        res = rank_uncertainty(X, weights=w, n_draws=200, seed=11, alternatives={"normalization": ["minmax", "rank"]})
        runs.append(res.ranks)
    runs_arr = np.stack(runs)  # (values of unused input, units, draws)
    cond_mean = runs_arr.mean(axis=2)  # E[rank | unused input value]
    first_order = cond_mean.var(axis=0).sum() / runs_arr.var(axis=(0, 2)).sum()
    assert first_order <= 1e-12  # exactly zero up to the rounding of the variance estimator
    assert np.all(runs_arr == runs_arr[0])  # total effect zero as well: ranks identical draw by draw

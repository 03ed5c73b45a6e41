"""Reproductions of published results. Each test names its source table next to the numbers.

Where a paper's matrix was taken from a public test suite that reprints it, that suite is named too.
"""

from __future__ import annotations

import numpy as np
import pytest

from twincity.analytics import (
    coordination_class,
    coupling_coordination,
    critic_weights,
    entropy_weights,
    normalize,
    topsis,
)


def test_entropy_xu_2004() -> None:
    """Xu, X. (2004). A note on the subjective and objective integrated approach to determine attribute
    weights. EJOR 156(2), 530–532, numerical example (decision matrix and entropy weights 0.4630, 0.3992,
    0.1378, 0.0000). Matrix and weights as reprinted in the test suite of crispyn
    (A. Bączkiewicz, tests/test_weighting_methods.py, ``Test_Entropy.test_Entropy``)."""
    X = np.array([[30, 30, 38, 29], [19, 54, 86, 29], [19, 15, 85, 28.9], [68, 70, 60, 29]])
    w = entropy_weights(X, standardize=False)
    np.testing.assert_allclose(w, [0.4630, 0.3992, 0.1378, 0.0000], atol=5e-5)


def test_entropy_zavadskas_podvezko_2016() -> None:
    """Zavadskas, E. K., Podvezko, V. (2016). Integrated determination of objective criteria weights in
    MCDM. IJITDM 15(2), 267–283, Table 1 (data) and the entropy weights 0.1146, 0.1981, 0.4185, 0.2689
    (raw-data entropy; the cost criteria 1 and 3 are not inverted for entropy). Reprinted in crispyn's
    ``Test_Entropy.test_Entropy2``."""
    X = np.array([[3.0, 100, 10, 7], [2.5, 80, 8, 5], [1.8, 50, 20, 11], [2.2, 70, 12, 9]])
    w = entropy_weights(X, [-1, 1, -1, 1], standardize=False)
    np.testing.assert_allclose(w, [0.1146, 0.1981, 0.4185, 0.2689], atol=5e-5)


def test_entropy_lee_chang_2018() -> None:
    """Lee, H. C., Chang, C. T. (2018). Comparative analysis of MCDM methods for ranking renewable energy
    sources in Taiwan. Renewable and Sustainable Energy Reviews 92, 883–896: decision matrix of five
    energy sources × ten criteria and entropy weights (3 decimals). Reprinted in crispyn's
    ``Test_Entropy.test_Entropy4``."""
    X = np.array(
        [
            [4550, 30, 6.74, 20, 15, 5, 85, 150, 0.87, 4.76],
            [3005, 60.86, 2.4, 35, 27, 4, 26, 200, 0.17, 4.51],
            [2040, 14.85, 1.7, 90, 25, 5, 26, 500, 0.27, 4.19],
            [3370, 99.4, 3.25, 25.3, 54, 3, 45, 222, 0.21, 3.78],
            [3920, 112.6, 4.93, 11.4, 71.7, 2, 50, 100, 0.25, 4.11],
        ]
    )
    w = entropy_weights(X, [-1, -1, -1, 1, 1, 1, -1, -1, 1, 1], standardize=False)
    np.testing.assert_allclose(w, [0.026, 0.154, 0.089, 0.199, 0.115, 0.04, 0.08, 0.123, 0.172, 0.002], atol=5e-4)


def test_critic_tus_adali_2019() -> None:
    """Tuş, A., Aytaç Adalı, E. (2019). The new combination with CRITIC and WASPAS methods for the time and
    attendance software selection problem. OPSEARCH 56(2), 528–538: decision matrix (5 alternatives × 6
    criteria, criterion 1 cost) and CRITIC weights 0.157, 0.249, 0.168, 0.121, 0.154, 0.151, computed with
    every column min-max normalised as a benefit. Reprinted in crispyn's ``Test_CRITIC``."""
    X = np.array(
        [[5000, 3, 3, 4, 3, 2], [680, 5, 3, 2, 2, 1], [2000, 3, 2, 3, 4, 3], [600, 4, 3, 1, 2, 2], [800, 2, 4, 3, 3, 4]]
    )
    w = critic_weights(X, [-1, 1, 1, 1, 1, 1], respect_direction=False)
    np.testing.assert_allclose(w, [0.157, 0.249, 0.168, 0.121, 0.154, 0.151], atol=5e-4)


OT_X = np.array([[1, 3000], [2, 3750], [5, 4500.0]])  # Opricovic & Tzeng (2004), §4: risk (cost), altitude


def test_topsis_opricovic_tzeng_2004_minmax() -> None:
    """Opricovic, S., Tzeng, G.-H. (2004). Compromise solution by MCDM methods: a comparative analysis of
    VIKOR and TOPSIS. EJOR 156(2), 445–455, numerical example (A1 (1, 3000), A2 (2, 3750), A3 (5, 4500);
    f1 risk minimised, f2 altitude maximised; weights 0.5/0.5). Closeness 0.500, 0.617, 0.500 with linear
    (min-max) normalisation, as reproduced in pymcdm's test suite (tests/test_methods.py, ``TestTOPSIS``,
    which cites this paper; pymcdm's TOPSIS normalises with min-max)."""
    c = topsis(OT_X, [0.5, 0.5], [-1, 1], normalization="minmax")
    np.testing.assert_allclose(c, [0.500, 0.617, 0.500], atol=5e-4)


def test_topsis_opricovic_tzeng_2004_vector() -> None:
    """Same example with the classic vector normalisation.

    NOTE (provenance): the paper's own table could not be consulted from this workspace, and no public
    test suite reprints the vector-normalised values. The expected numbers below are therefore a hand
    derivation with the textbook formulas, written out step by step here (not produced by this package):
    ||f1|| = sqrt(1+4+25) = sqrt(30), ||f2|| = sqrt(3000²+3750²+4500²) = 750 sqrt(77);
    v = 0.5 x/||x||; A+ = (0.5/sqrt30, 0.5*4500/(750 sqrt77)), A- = (0.5*5/sqrt30, 0.5*3000/(750 sqrt77)).
    The vector form itself is checked against published values in ``test_entropy_topsis_chain_ersoy_2021``.
    """
    a = 0.5 / np.sqrt(30.0)
    b = 0.5 / (750.0 * np.sqrt(77.0))
    v = np.array([[1 * a, 3000 * b], [2 * a, 3750 * b], [5 * a, 4500 * b]])
    best = np.array([1 * a, 4500 * b])
    worst = np.array([5 * a, 3000 * b])
    sp = np.sqrt(((v - best) ** 2).sum(axis=1))
    sm = np.sqrt(((v - worst) ** 2).sum(axis=1))
    expected = sm / (sp + sm)  # 0.7621, 0.7222, 0.2379
    c = topsis(OT_X, [0.5, 0.5], [-1, 1], normalization="vector")
    np.testing.assert_allclose(c, expected, rtol=1e-12)
    assert list(np.argsort(-c)) == [0, 1, 2]  # A1 first under vector normalisation, unlike min-max


def test_entropy_topsis_chain_ersoy_2021() -> None:
    """Ersoy, Y. (2021). Equipment selection for an e-commerce company using entropy-based TOPSIS, EDAS and
    CODAS methods during the COVID-19. LogForum 17(3), 341–358: notebook decision matrix (6 × 6), entropy
    weights 0.405, 0.221, 0.134, 0.199, 0.007, 0.034 (raw-data entropy) and TOPSIS closeness (vector
    normalisation; criteria 5 and 6 cost) 0.308, 0.254, 0.327, 0.263, 0.857, 0.192. Matrix and weights as
    reprinted in crispyn's ``Test_Entropy.test_Entropy3``; closeness as reprinted in pyrepo-mcda's
    ``Test_TOPSIS.test_topsis`` (compared there at two decimals)."""
    X = np.array(
        [
            [256, 8, 41, 1.6, 1.77, 7347.16],
            [256, 8, 32, 1.0, 1.8, 6919.99],
            [256, 8, 53, 1.6, 1.9, 8400],
            [256, 8, 41, 1.0, 1.75, 6808.9],
            [512, 8, 35, 1.6, 1.7, 8479.99],
            [256, 4, 35, 1.6, 1.7, 7499.99],
        ]
    )
    directions = [1, 1, 1, 1, -1, -1]
    w = entropy_weights(X, directions, standardize=False)
    np.testing.assert_allclose(w, [0.405, 0.221, 0.134, 0.199, 0.007, 0.034], atol=5e-4)
    c = topsis(X, w, directions, normalization="vector")
    np.testing.assert_allclose(c, [0.308, 0.254, 0.327, 0.263, 0.857, 0.192], atol=6e-3)
    assert int(np.argmax(c)) == 4


# Table 4 of: "Urban-Rural Logistics Coupling Coordinated Development and Urban-Rural Integrated
# Development: Measurement, Influencing Factors, and Countermeasures", Mathematical Problems in
# Engineering 2022, Article ID 2969206 (Hindawi), columns Year, Uu, Ur, C, T, D (two systems, equal
# weights, traditional model). Inputs are printed to three decimals, hence the tolerance.
HINDAWI_2022_TABLE4 = np.array(
    [
        # year, Uu, Ur, C, T, D
        [2011, 0.101, 0.280, 0.882, 0.190, 0.410],
        [2012, 0.165, 0.406, 0.906, 0.286, 0.509],
        [2013, 0.187, 0.427, 0.920, 0.307, 0.532],
        [2014, 0.238, 0.511, 0.931, 0.374, 0.590],
        [2015, 0.424, 0.421, 1.000, 0.422, 0.650],
        [2016, 0.538, 0.407, 0.990, 0.473, 0.684],
        [2017, 0.591, 0.466, 0.993, 0.528, 0.724],
        [2018, 0.694, 0.581, 0.996, 0.638, 0.797],
        [2019, 0.892, 0.662, 0.989, 0.777, 0.877],
        [2020, 0.879, 0.637, 0.987, 0.758, 0.865],
    ]
)


def test_coupling_coordination_two_systems_published_table() -> None:
    t = HINDAWI_2022_TABLE4
    c, tt, d = coupling_coordination(t[:, 1:3].T)
    np.testing.assert_allclose(c, t[:, 3], atol=1.5e-3)
    np.testing.assert_allclose(tt, t[:, 4], atol=1e-3)
    np.testing.assert_allclose(d, t[:, 5], atol=1.5e-3)


# Wang Shujia, Kong Wei, Ren Liang, Zhi Dandan, Dai Binting (2021). 国内耦合协调度模型的误区及修正.
# 自然资源学报 36(3), 793–810, Table 8: C of the eco-economic system of 13 Beijing-Tianjin-Hebei cities,
# 2008, original model (first row) and modified model (second row).
WANG_2021_TABLE8_2008 = np.array(
    [
        [0.9989, 0.9935, 0.8868, 0.9073, 0.6821, 0.8328, 0.6816, 0.7789, 0.6871, 0.6101, 0.8017, 0.7867, 0.7191],
        [0.9404, 0.8660, 0.5440, 0.5769, 0.3006, 0.4780, 0.3344, 0.4171, 0.3278, 0.2700, 0.4374, 0.4196, 0.3738],
    ]
)


def test_corrected_coupling_consistent_with_wang_2021_table8() -> None:
    """The paper prints C but not the subsystem scores, so the pairs are checked through the formulas:
    the traditional C fixes the ratio r = U_min/U_max (C = 2 sqrt(r)/(1+r)); the corrected
    C² = (1 - |U1 - U2|) r then fixes |U1 - U2|, which must be attainable with U in [0, 1]
    (0 <= |U1-U2| <= 1 - r). We rebuild such a pair and recompute both published values."""
    c_trad, c_corr = WANG_2021_TABLE8_2008
    # invert C = 2 sqrt(r)/(1 + r) for r in (0, 1]:  sqrt(r) = (1 - sqrt(1 - C²)) / C
    s = (1 - np.sqrt(1 - c_trad**2)) / c_trad
    r = s**2
    gap = 1 - c_corr**2 / r
    assert np.all(gap >= -1e-3)
    assert np.all(gap <= 1 - r + 1e-3)
    umax = np.clip(gap, 0, None) / (1 - r)  # U_max (1 - r) = gap
    u = np.stack([umax, umax * r])
    c1, _, _ = coupling_coordination(np.clip(u, 0, 1), variant="traditional")
    c2, _, _ = coupling_coordination(np.clip(u, 0, 1), variant="corrected")
    np.testing.assert_allclose(c1, c_trad, atol=2e-4)
    np.testing.assert_allclose(c2, c_corr, atol=2e-3)


def test_coordination_ten_levels_match_published_scheme() -> None:
    """Ten-level scheme with right-closed intervals as in Tian Shenzhen et al. (2021), 地理学报 76(4),
    Table 1: 0.00<D≤0.10 极度失调 … 0.90<D≤1.00 优质协调; and the Hindawi (2022) Table 4 D values."""
    cls = coordination_class([0.0, 0.1, 0.1000001, 0.41, 0.509, 0.9, 0.95, 1.0])
    assert list(cls.codes) == [1, 1, 2, 5, 6, 9, 10, 10]
    assert cls.name_zh[0] == "极度失调"
    assert cls.name_zh[-1] == "优质协调"
    assert cls.name_zh[3] == "濒临失调"
    assert cls.name_zh[4] == "勉强协调"
    left = coordination_class([0.1, 0.9, 1.0], closed="left")
    assert list(left.codes) == [2, 10, 10]


# COINr (Becker et al. 2022) tests/testthat/test-normalise.R — normalisation examples.
def test_coinr_minmax_and_zscore_examples() -> None:
    x = np.arange(1.0, 11.0)[:, None]
    xn = normalize(x, method="minmax", scale=(2, 7))  # n_minmax(l_u = c(2, 7)): min 2, max 7
    assert xn.min() == pytest.approx(2)
    assert xn.max() == pytest.approx(7)
    z = normalize(x, method="zscore", scale=(5, 2))  # n_zscore(m_sd = c(5, 2)): mean 5, sd 2
    assert z.mean() == pytest.approx(5)
    assert z.std(ddof=1) == pytest.approx(2)
    d = normalize(x, method="dist2target", target=[8], cap_max=True)  # min 0, max 1, x >= 8 -> 1
    assert d.min() == 0
    assert d.max() == 1
    assert np.all(d[x >= 8] == 1)


def test_coinr_dist2targ_examples() -> None:
    x = np.array([[0.0], [5.0], [11.0]])
    np.testing.assert_allclose(normalize(x, method="dist2target", target=[10])[:, 0], [0, 0.5, 1.1])
    np.testing.assert_allclose(normalize(x, method="dist2target", target=[10], cap_max=True)[:, 0], [0, 0.5, 1])
    x = np.array([[-1.0], [1.0], [10.0]])
    np.testing.assert_allclose(normalize(x, [-1], method="dist2target", target=[0])[:, 0], [1.1, 0.9, 0])
    np.testing.assert_allclose(normalize(x, [-1], method="dist2target", target=[0], cap_max=True)[:, 0], [1, 0.9, 0])


def test_coinr_goalposts_examples() -> None:
    gp = [0.0, 10.0]  # n_goalposts(x, c(0, 10, 1))
    x = np.array([[1.0], [11.0], [-1.0]])
    np.testing.assert_allclose(normalize(x, method="goalposts", goalposts=gp)[:, 0], [0.1, 1, 0])
    np.testing.assert_allclose(normalize(x, [-1], method="goalposts", goalposts=gp)[:, 0], [0.9, 0, 1])
    # and with scale 10: (x - 0.2)/0.6 truncated, times 10  (n_goalposts(x, c(0.2, 0.8, 10)))
    xs = np.array([[0.1], [0.5], [0.9]])
    np.testing.assert_allclose(normalize(xs, method="goalposts", goalposts=[0.2, 0.8], scale=(0, 10))[:, 0], [0, 5, 10])


def test_coinr_borda_and_direction_examples() -> None:
    rng = np.random.default_rng(1)
    X = rng.random((10, 2))
    r = normalize(X[:, 1:], method="rank", scale=(0, 9))  # n_borda: ranks 0..9
    assert sorted(np.round(r[:, 0], 12)) == list(range(10))
    xn = normalize(X, [-1, 1], method="minmax", scale=(0, 100))  # directions reverse v1
    assert xn[np.argmin(X[:, 0]), 0] == 100
    assert xn[np.argmax(X[:, 0]), 0] == 0
    assert xn[np.argmin(X[:, 1]), 1] == 0
    assert xn[np.argmax(X[:, 1]), 1] == 100

"""The divergence of an alignment group, as ``policies.divergence`` defines it, checked by example and by property."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from twincity.policies.divergence import ABSOLUTE, RELATIVE, divergence, exceeds

D = Decimal

# Values as the database holds them (four decimal places, up to 10^9), drawn cheaply from integers.
values_strategy = st.integers(min_value=0, max_value=10**13).map(lambda n: Decimal(n).scaleb(-4))
side_values = st.lists(values_strategy, min_size=1, max_size=4)
sides = st.dictionaries(st.sampled_from(["TF", "LJ", "CQ", "CD"]), side_values, min_size=2, max_size=4)
kinds = st.sampled_from([RELATIVE, ABSOLUTE])
# The checks are exact arithmetic; a busy CI machine must not turn slowness into a failure.
relaxed = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_two_sides_with_one_clause_each_differ_by_max_minus_min():
    assert divergence({"TF": [D(50)], "LJ": [D(40)]}, ABSOLUTE) == D("10.0000")
    assert divergence({"TF": [D(50)], "LJ": [D(40)]}, RELATIVE) == D("20.0000")


def test_one_side_alone_has_nothing_to_compare():
    assert divergence({"TF": [D(50), D(30)]}, ABSOLUTE) is None
    assert divergence({"TF": [D(50)], "LJ": []}, RELATIVE) is None
    assert divergence({}, RELATIVE) is None


def test_spread_within_one_side_is_not_a_divergence_by_itself():
    # Two Liangjiang districts offer 40 % and 60 %; Tianfu's 50 % lies between them.
    assert divergence({"TF": [D(50)], "LJ": [D(40), D(60)]}, ABSOLUTE) == D(10)


def test_relative_divergence_is_rounded_half_up_to_four_places():
    assert divergence({"TF": [D(3)], "LJ": [D(2)]}, RELATIVE) == D("33.3333")
    assert divergence({"TF": [D(3)], "LJ": [D(1)]}, RELATIVE) == D("66.6667")


def test_two_zeros_do_not_diverge():
    assert divergence({"TF": [D(0)], "LJ": [D(0)]}, RELATIVE) == D(0)


def test_negative_values_and_unknown_kinds_are_refused():
    with pytest.raises(ValueError, match="cannot be negative"):
        divergence({"TF": [D(-1)], "LJ": [D(1)]}, ABSOLUTE)
    with pytest.raises(ValueError, match="Unknown divergence kind"):
        divergence({"TF": [D(1)], "LJ": [D(1)]}, "ratio")


def test_the_flag_goes_up_only_beyond_the_tolerance():
    assert not exceeds(D(10), D(10))
    assert exceeds(D("10.0001"), D(10))
    assert not exceeds(None, D(0))


@relaxed
@given(sides, kinds)
def test_a_divergence_is_never_negative_and_a_relative_one_never_above_100(values, kind):
    result = divergence(values, kind)
    assert result >= 0
    if kind == RELATIVE:
        assert result <= 100


@relaxed
@given(sides, kinds, st.randoms())
def test_the_order_of_sides_and_of_clauses_does_not_matter(values, kind, rnd):
    items = list(values.items())
    rnd.shuffle(items)
    shuffled = {side: rnd.sample(vals, len(vals)) for side, vals in items}
    assert divergence(shuffled, kind) == divergence(values, kind)


@relaxed
@given(st.lists(values_strategy, min_size=2, max_size=4), kinds)
def test_with_one_clause_per_side_it_is_the_spread_across_the_sides(vals, kind):
    values = {f"side{i}": [v] for i, v in enumerate(vals)}
    high, low = max(vals), min(vals)
    relative = D(0) if high == 0 else (high - low) / high * 100
    expected = high - low if kind == ABSOLUTE else relative
    assert divergence(values, kind) == expected.quantize(D("0.0001"))


@relaxed
@given(values_strategy, st.integers(min_value=2, max_value=4), kinds)
def test_sides_offering_the_same_term_do_not_diverge(value, count, kind):
    assert divergence({f"side{i}": [value] for i in range(count)}, kind) == 0


@relaxed
@given(sides, kinds, st.sampled_from(["TF", "LJ", "CQ", "CD"]), values_strategy)
def test_another_clause_never_lowers_the_divergence(values, kind, side, value):
    before = divergence(values, kind)
    more = {k: list(v) for k, v in values.items()}
    more.setdefault(side, []).append(value)
    assert divergence(more, kind) >= before


@relaxed
@given(sides, st.integers(min_value=0, max_value=10**8).map(lambda n: Decimal(n).scaleb(-2)))
def test_an_absolute_divergence_ignores_a_shift_of_every_value(values, shift):
    shifted = {side: [v + shift for v in vals] for side, vals in values.items()}
    assert divergence(shifted, ABSOLUTE) == divergence(values, ABSOLUTE)


@relaxed
@given(sides, st.integers(min_value=1, max_value=1000))
def test_a_relative_divergence_ignores_the_scale_of_the_unit(values, factor):
    # 50 % ≡ 0.5, or 10 万元 ≡ 100 000 元: the same terms in another unit diverge by the same share.
    scaled = {side: [v * factor for v in vals] for side, vals in values.items()}
    assert divergence(scaled, RELATIVE) == divergence(values, RELATIVE)

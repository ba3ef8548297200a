"""The Wilson interval against values worked by hand, and its properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callwarden.qa.rates import Z_95, wilson


def _by_formula(k: int, n: int) -> tuple[float, float]:
    p, z = k / n, Z_95
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def test_81_of_263_matches_the_published_example() -> None:
    rate = wilson(81, 263)
    assert rate.low == pytest.approx(0.2553, abs=5e-5)
    assert rate.high == pytest.approx(0.3662, abs=5e-5)
    assert (rate.low, rate.high) == pytest.approx(_by_formula(81, 263))


def test_described_for_people() -> None:
    assert wilson(69, 75).describe() == "92.0% (95% CI 83.6–96.3%, n=75)"
    assert wilson(0, 0).describe() == "no sample (n=0)"


def test_all_or_nothing_keeps_the_bound_at_the_estimate() -> None:
    assert wilson(10, 10).high == 1.0
    assert wilson(10, 10).low == pytest.approx(0.7225, abs=5e-4)
    assert wilson(0, 10).low == 0.0


def test_impossible_counts_are_refused() -> None:
    with pytest.raises(ValueError):
        wilson(5, 4)


@given(
    st.integers(min_value=1, max_value=10_000).flatmap(
        lambda n: st.tuples(st.integers(min_value=0, max_value=n), st.just(n))
    )
)
def test_interval_holds_the_estimate_inside_zero_one(counts: tuple[int, int]) -> None:
    k, n = counts
    rate = wilson(k, n)
    assert 0.0 <= rate.low <= rate.estimate <= rate.high <= 1.0
    widest = wilson(n // 2, n)  # the interval is widest at a rate of one half
    assert rate.high - rate.low <= widest.high - widest.low + 1e-12

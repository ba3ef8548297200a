"""Rates from samples, reported with their uncertainty (pure: numbers in, numbers out).

A pass rate from 75 sampled calls is an estimate, not a fact: the Wilson score interval says how
far the true rate may lie from it. Wilson, not the textbook normal interval, because it stays
inside 0–1 and keeps its coverage near 0% and 100%, where compliance rates live.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Z_95 = 1.959964  # the two-sided 95% quantile of the standard normal


@dataclass(frozen=True, slots=True)
class Rate:
    """`successes` of `n`, with its 95% Wilson interval (`low`, `high`), as proportions."""

    successes: int
    n: int
    estimate: float
    low: float
    high: float

    def describe(self) -> str:
        """For people: "92.0% (95% CI 85.1–95.9%, n=75)"; with no sample, says so."""
        if self.n == 0:
            return "no sample (n=0)"
        return (
            f"{self.estimate * 100:.1f}% (95% CI {self.low * 100:.1f}–{self.high * 100:.1f}%, "
            f"n={self.n})"
        )


def wilson(successes: int, n: int, z: float = Z_95) -> Rate:
    """The Wilson score interval for `successes` of `n` trials; n=0 gives the whole 0–1."""
    if n < 0 or successes < 0 or successes > n:
        raise ValueError(f"need 0 <= successes <= n, got {successes} of {n}")
    if n == 0:
        return Rate(0, 0, 0.0, 0.0, 1.0)
    p = successes / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
    # At 0 or n successes the bound equals the estimate exactly; rounding must not cross it.
    low = 0.0 if successes == 0 else max(0.0, min(p, centre - half))
    high = 1.0 if successes == n else min(1.0, max(p, centre + half))
    return Rate(successes, n, p, low, high)

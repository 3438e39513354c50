"""Classical test theory from sums: the database adds up, these functions derive the figures.

SQLite has no STDDEV, VARIANCE or CORR, so the selectors ask the database for n, Σx, Σx², Σy,
Σy² and Σxy (plain SUMs work everywhere) and these pure functions turn them into variances,
correlations and reliabilities. Nothing here touches the ORM, so every figure can be checked
against a hand computation without a database.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

# Sums of floats that should cancel exactly (e.g. Σx² − (Σx)²/n for a constant item) can leave
# a residue around 1e-15; below this the spread is treated as none at all.
ZERO_SPREAD = 1e-12


@dataclass(frozen=True)
class PairSums:
    """What the database returns for a pair of variables x, y over n observations."""

    n: int
    sx: float
    sy: float
    sxx: float
    syy: float
    sxy: float


def deviation_square_sum(n: int, total: float, square_total: float) -> float:
    """Σ(x − mean)² from n, Σx and Σx² (clamped at zero against rounding)."""
    if n == 0:
        return 0.0
    value = square_total - total * total / n
    return value if value > ZERO_SPREAD else 0.0


def variance(n: int, total: float, square_total: float, *, sample: bool = True) -> float | None:
    """The variance from sums: sample (n − 1) unless asked for population (n); None if too few."""
    divisor = n - 1 if sample else n
    if divisor <= 0:
        return None
    return deviation_square_sum(n, total, square_total) / divisor


def standard_deviation(n: int, total: float, square_total: float) -> float | None:
    """The sample standard deviation from sums, or None with fewer than two observations."""
    value = variance(n, total, square_total)
    return None if value is None else math.sqrt(value)


def pearson(sums: PairSums) -> float | None:
    """Pearson's r from sums; None when either variable does not vary (r is undefined)."""
    if sums.n < 2:
        return None
    sxx = deviation_square_sum(sums.n, sums.sx, sums.sxx)
    syy = deviation_square_sum(sums.n, sums.sy, sums.syy)
    if sxx == 0.0 or syy == 0.0:
        return None
    sxy = sums.sxy - sums.sx * sums.sy / sums.n
    # Rounding can push |r| a hair past 1; a correlation never is.
    return max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))


def cronbach_alpha(item_variances: Sequence[float], total_variance: float) -> float | None:
    """Cronbach's α = k/(k − 1) · (1 − Σσ²ᵢ / σ²ₓ); None for fewer than two items or no spread.

    Pass variances of the same kind (all sample or all population) in the same units (marks).
    """
    k = len(item_variances)
    if k < 2 or total_variance <= ZERO_SPREAD:
        return None
    return k / (k - 1) * (1 - sum(item_variances) / total_variance)


def kr20(
    facilities: Sequence[float], marks: Sequence[float], total_variance: float
) -> float | None:
    """KR-20 = k/(k − 1) · (1 − Σ m²ᵢ·pᵢ·qᵢ / σ²ₓ) for right/wrong items worth mᵢ marks.

    `facilities` are the proportions right (p), `total_variance` the population variance of
    the totals in marks. With one mark per item this is the textbook Σpq form.
    """
    k = len(facilities)
    if k < 2 or total_variance <= ZERO_SPREAD:
        return None
    spread = sum(m * m * p * (1 - p) for p, m in zip(facilities, marks, strict=True))
    return k / (k - 1) * (1 - spread / total_variance)


def middle_positions(count: int) -> tuple[int, int]:
    """The 0-based positions of the one or two middle values of `count` sorted values."""
    return (count - 1) // 2, count // 2


def median_of_middle(values: Sequence[float]) -> float | None:
    """The median given the middle value(s) that `middle_positions` picked out."""
    if not values:
        return None
    return (values[0] + values[-1]) / 2

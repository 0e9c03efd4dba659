"""Stage scores and the total (总成绩).

- stage score = the sum of its criterion marks; stage maximum = the sum of their
  maxima;
- total = Σ over stages of (stage score ÷ stage maximum × stage weight), weights
  in percent summing to 100 — exact;
- the published total = the total rounded half-up to 2 decimals (四舍五入);
  ranking uses the published total.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

TWO_PLACES = Decimal("0.01")


def stage_score(criterion_marks: Iterable[Fraction]) -> Fraction:
    return sum(criterion_marks, Fraction(0))


def total(stages: Iterable[tuple[Fraction, Decimal, Decimal]]) -> Fraction:
    """``stages`` are (stage score, stage maximum, weight in percent)."""
    result = Fraction(0)
    for score, maximum, weight in stages:
        if maximum == 0:
            raise ValueError("a stage has no marks available")
        result += score / Fraction(maximum) * Fraction(weight)
    return result


def round_half_up(value: Fraction, places: Decimal = TWO_PLACES) -> Decimal:
    """Round an exact value half-up (away from zero at exactly .5 of the last place)."""
    scale = 1 / Fraction(places)
    scaled = value * scale
    sign = -1 if scaled < 0 else 1
    magnitude = abs(scaled)
    whole = magnitude.numerator // magnitude.denominator
    if magnitude - whole >= Fraction(1, 2):
        whole += 1
    return (Decimal(sign * whole) * places).quantize(places, rounding=ROUND_HALF_UP)


def published_total(value: Fraction) -> Decimal:
    return round_half_up(value)

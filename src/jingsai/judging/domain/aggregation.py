"""Criterion marks from the judges' marks (评分汇总), in exact decimals.

Terms:

- a *judgement* criterion is marked by every judge assigned to the entry; its
  mark is an aggregation of their marks:

  - ``mean``: the arithmetic mean;
  - ``trimmed``: with 5 or more marks, drop one highest and one lowest mark and
    take the mean of the rest (去掉一个最高分和一个最低分); with fewer, the mean;
  - ``median``: the middle mark, or the mean of the two middle marks;

- a *measurement* criterion takes one objective mark, entered by any one judge.

A criterion with a *scale* (WorldSkills judgement: 3) is scored, not marked:
each judge gives a whole score 0..scale, the scores are aggregated as above, and
the criterion's mark is ``maximum × aggregated score ÷ scale``; its spread limit
is in score points (WorldSkills: scores differing by more than 1 are flagged).

Flags (a result cannot be published while one is open):

- ``spread``: highest − lowest judge mark of a judgement criterion exceeds its
  spread limit;
- ``missing``: an assigned judge has no mark for a judgement criterion, or a
  measurement criterion has no mark at all;
- ``conflicting``: a measurement criterion has two different marks.

Aggregates are kept exact (``Decimal`` with as many places as the division
needs, at most 28 significant digits); rounding happens only on the published
total (:mod:`jingsai.judging.domain.totals`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

MEAN = "mean"
TRIMMED = "trimmed"
MEDIAN = "median"
AGGREGATIONS = (MEAN, TRIMMED, MEDIAN)
JUDGEMENT = "judgement"
MEASUREMENT = "measurement"
TRIM_FROM = 5  # judges needed before the highest and lowest are dropped


def _mean(values: Sequence[Fraction]) -> Fraction:
    return sum(values, Fraction(0)) / len(values)


def aggregate(marks: Sequence[Decimal], method: str) -> Fraction:
    """The criterion mark from the judges' marks, as an exact fraction."""
    if not marks:
        raise ValueError("no marks to aggregate")
    values = sorted(Fraction(m) for m in marks)
    if method == MEAN:
        return _mean(values)
    if method == TRIMMED:
        if len(values) >= TRIM_FROM:
            return _mean(values[1:-1])
        return _mean(values)
    if method == MEDIAN:
        middle = len(values) // 2
        if len(values) % 2:
            return values[middle]
        return (values[middle - 1] + values[middle]) / 2
    raise ValueError(f"unknown aggregation {method!r}")


@dataclass(frozen=True)
class Flag:
    kind: str  # "spread", "missing", "conflicting"
    criterion: str
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.kind}:{self.criterion}"


@dataclass
class CriterionResult:
    mark: Fraction | None
    flags: list[Flag] = field(default_factory=list)


def criterion_result(
    *,
    criterion: str,
    kind: str,
    method: str,
    spread_limit: Decimal | None,
    marks_by_judge: dict[str, Decimal],
    assigned_judges: Sequence[str],
    max_mark: Decimal | None = None,
    scale: int | None = None,
) -> CriterionResult:
    """Aggregate one criterion of one entry and raise its flags.

    With a ``scale`` the marks are scores and the mark is ``max_mark × aggregate ÷ scale``.
    """
    result = _criterion_result(
        criterion=criterion,
        kind=kind,
        method=method,
        spread_limit=spread_limit,
        marks_by_judge=marks_by_judge,
        assigned_judges=assigned_judges,
    )
    if scale and result.mark is not None:
        if max_mark is None:
            raise ValueError("a scored criterion needs its maximum mark")
        result.mark = result.mark * Fraction(max_mark) / scale
    return result


def _criterion_result(
    *,
    criterion: str,
    kind: str,
    method: str,
    spread_limit: Decimal | None,
    marks_by_judge: dict[str, Decimal],
    assigned_judges: Sequence[str],
) -> CriterionResult:
    if kind == MEASUREMENT:
        distinct = set(marks_by_judge.values())
        if not distinct:
            return CriterionResult(None, [Flag("missing", criterion)])
        if len(distinct) > 1:
            return CriterionResult(
                None,
                [Flag("conflicting", criterion, ", ".join(sorted(str(v) for v in distinct)))],
            )
        return CriterionResult(Fraction(next(iter(distinct))))
    flags = [
        Flag("missing", criterion, judge)
        for judge in assigned_judges
        if judge not in marks_by_judge
    ]
    marks = list(marks_by_judge.values())
    if not marks:
        return CriterionResult(None, flags or [Flag("missing", criterion)])
    if spread_limit is not None and max(marks) - min(marks) > spread_limit:
        flags.append(Flag("spread", criterion, f"{min(marks)}–{max(marks)}"))
    return CriterionResult(aggregate(marks, method), flags)

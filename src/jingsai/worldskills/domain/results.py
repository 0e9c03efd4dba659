"""Results of a WorldSkills-marked competition by criterion and by standard section.

Ranks, totals, awards (medals) and flags are the engine's
(:func:`jingsai.judging.domain.compute.compute`). Besides the total, each entry
gets its score per criterion (A–I) and per standard section: the sum of its
aspects' marks, each aspect aggregated by the engine's rule
(:func:`jingsai.judging.domain.aggregation.criterion_result`: max × mean score ÷ 3
for judgement, the single mark for measurement). Exact fractions; shown rounded
half-up to 2 decimals as totals are. The criteria add up to the exact total
(each stage's weight is its criterion's mark, equal to its aspects' maxima).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from jingsai.competitions.models import Competition, Entry
from jingsai.judging.domain import aggregation, compute, totals
from jingsai.judging.models import Assignment, Mark, units_to_decimal
from jingsai.worldskills.models import Aspect


@dataclass
class Breakdown:
    rank: int
    entry: str
    name: str
    organisation: str
    total: Decimal
    exact_total: Fraction
    award: str
    flags: list[str]
    criteria_exact: dict[str, Fraction] = field(default_factory=dict)
    sections_exact: dict[int, Fraction] = field(default_factory=dict)

    @property
    def criteria(self) -> dict[str, Decimal]:
        return {k: totals.round_half_up(v) for k, v in self.criteria_exact.items()}

    @property
    def sections(self) -> dict[int, Decimal]:
        return {k: totals.round_half_up(v) for k, v in self.sections_exact.items()}


def breakdown(competition: Competition) -> list[Breakdown]:
    """Every ranked entry in rank order, with its scores by criterion and section."""
    rows = compute.compute(competition)
    aspects = list(
        Aspect.objects.filter(scheme__competition=competition, criterion__isnull=False)
        .select_related("criterion", "section", "sub_criterion__criterion")
        .order_by("sub_criterion__criterion__order", "sub_criterion__order", "order")
    )
    letters = list(dict.fromkeys(a.sub_criterion.criterion.letter for a in aspects))
    numbers = sorted({a.section.number for a in aspects})
    ids = dict(
        Entry.objects.filter(competition=competition, status=Entry.Status.APPROVED).values_list(
            "number", "pk"
        )
    )
    marks: dict[int, dict[int, dict[str, Decimal]]] = defaultdict(lambda: defaultdict(dict))
    for entry_id, judge, criterion_id, units in Mark.objects.filter(
        competition=competition, counts=True
    ).values_list("entry_id", "sheet__judge__code", "criterion_id", "units"):
        marks[entry_id][criterion_id][judge] = units_to_decimal(units)
    assigned: dict[int, list[str]] = defaultdict(list)
    for entry_id, judge in Assignment.objects.filter(competition=competition).values_list(
        "entry_id", "judge__code"
    ):
        assigned[entry_id].append(judge)
    out = []
    for row in rows:
        pk = ids.get(row.entry) or (int(row.entry[1:]) if row.entry.startswith("#") else None)
        by_letter = dict.fromkeys(letters, Fraction(0))
        by_section = dict.fromkeys(numbers, Fraction(0))
        for a in aspects:
            c = a.criterion
            result = aggregation.criterion_result(
                criterion=c.code,
                kind=c.kind,
                method=c.aggregation,
                spread_limit=c.spread_limit,
                marks_by_judge=marks[pk][c.pk] if pk in marks else {},
                assigned_judges=assigned.get(pk, ()),
                max_mark=c.max_mark,
                scale=c.scale,
            )
            if result.mark is not None:
                by_letter[a.sub_criterion.criterion.letter] += result.mark
                by_section[a.section.number] += result.mark
        out.append(
            Breakdown(
                row.rank,
                row.entry,
                row.name,
                row.organisation,
                row.total,
                row.exact_total,
                row.award,
                list(row.flags),
                by_letter,
                by_section,
            )
        )
    return out

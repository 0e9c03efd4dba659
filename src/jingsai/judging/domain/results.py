"""Results (成绩): from marks to ranks, awards and flags, for one competition.

Pure: it takes the marking scheme, the entries, which judges mark which entry,
and the marks, and returns a :class:`ResultRow` per entry. The rules are those
of :mod:`.aggregation` (criterion marks and flags), :mod:`.totals` (stage
scores, total, half-up rounding), :mod:`.ranking` and :mod:`.awards`. A criterion
that could not be aggregated counts 0 and carries its flag.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from jingsai.judging.domain import aggregation, awards, ranking, totals


@dataclass(frozen=True)
class CriterionSpec:
    code: str
    stage: str
    name: str
    max_mark: Decimal
    kind: str = aggregation.JUDGEMENT
    method: str = aggregation.MEAN
    spread_limit: Decimal | None = None
    scale: int | None = None  # judges score 0..scale; mark = max × score ÷ scale
    all_or_nothing: bool = False  # the mark is 0 or the maximum (checked on entry)


@dataclass(frozen=True)
class StageSpec:
    code: str
    name: str
    weight: Decimal


@dataclass(frozen=True)
class Scheme:
    stages: Sequence[StageSpec]
    criteria: Sequence[CriterionSpec]
    award_levels: Sequence[awards.AwardLevel] = ()
    min_total: Decimal = Decimal(0)
    tiebreak: Sequence[str] = ()


@dataclass(slots=True)
class EntrySpec:
    number: str
    name: str = ""
    organisation: str = ""
    time_seconds: Decimal | None = None


@dataclass
class ResultRow:
    rank: int
    entry: str
    name: str
    organisation: str
    total: Decimal
    exact_total: Fraction
    stage_scores: dict[str, Fraction]
    award: str = ""
    flags: list[str] = field(default_factory=list)


def compute(
    scheme: Scheme,
    entries: Sequence[EntrySpec],
    *,
    assigned: Mapping[str, Sequence[str]],
    marks: Mapping[tuple[str, str, str], Decimal],
) -> list[ResultRow]:
    """``assigned`` maps entry → judge codes; ``marks`` maps (entry, judge, criterion) → mark."""
    by_entry: dict[str, dict[str, dict[str, Decimal]]] = defaultdict(lambda: defaultdict(dict))
    for (entry, judge, criterion), mark in marks.items():
        by_entry[entry][criterion][judge] = mark
    stage_max = {
        stage.code: sum((c.max_mark for c in scheme.criteria if c.stage == stage.code), Decimal(0))
        for stage in scheme.stages
    }
    ranked: list[ranking.Ranked] = []
    details: dict[str, tuple[EntrySpec, Fraction, dict[str, Fraction], list[str]]] = {}
    for entry in entries:
        scores: dict[str, Fraction] = {stage.code: Fraction(0) for stage in scheme.stages}
        flags: list[str] = []
        for criterion in scheme.criteria:
            result = aggregation.criterion_result(
                criterion=criterion.code,
                kind=criterion.kind,
                method=criterion.method,
                spread_limit=criterion.spread_limit,
                marks_by_judge=by_entry[entry.number][criterion.code],
                assigned_judges=assigned.get(entry.number, ()),
                max_mark=criterion.max_mark,
                scale=criterion.scale,
            )
            if result.mark is not None:
                scores[criterion.stage] += result.mark
            flags.extend(str(flag) for flag in result.flags)
        exact = totals.total(
            (scores[stage.code], stage_max[stage.code], stage.weight) for stage in scheme.stages
        )
        published = totals.published_total(exact)
        ranked.append(ranking.Ranked(entry.number, published, scores, entry.time_seconds))
        details[entry.number] = (entry, exact, scores, sorted(set(flags)))
    ordered = ranking.rank(ranked, tiebreak=scheme.tiebreak)
    level_bounds = awards.bounds(scheme.award_levels, len(ordered))
    rows = []
    for item in ordered:
        entry, exact, scores, flags = details[item.entry]
        rows.append(
            ResultRow(
                rank=item.rank,
                entry=entry.number,
                name=entry.name,
                organisation=entry.organisation,
                total=item.total,
                exact_total=exact,
                stage_scores=scores,
                award=awards.award_for(
                    rank=item.rank,
                    total=item.total,
                    levels=scheme.award_levels,
                    level_bounds=level_bounds,
                    min_total=scheme.min_total,
                ),
                flags=flags,
            )
        )
    return rows


CSV_COLUMNS = ("rank", "entry", "name", "organisation", "total", "award", "flags")


def csv_rows(rows: Sequence[ResultRow]) -> list[list[str]]:
    """Rows for the results CSV: total with exactly 2 decimals, flags joined by ``;``."""
    return [
        [str(r.rank), r.entry, r.name, r.organisation, f"{r.total:.2f}", r.award, ";".join(r.flags)]
        for r in rows
    ]

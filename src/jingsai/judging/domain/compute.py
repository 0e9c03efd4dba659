"""Results of a judged competition from the marks in the database.

The rules are those of :mod:`jingsai.judging.domain.results` (the reference,
written for readability and used on workbooks). Here the same arithmetic runs
at scale: the database sums the counted marks per entry and stage in exact
integers, and Python turns those sums into totals, ranks and awards.

The sums come from :class:`~jingsai.judging.models.StageTally` (one row per
entry and stage, kept in step with the marks by every service that changes them,
see :mod:`.tallies`), so computing reads a few rows per entry, not one per mark.

Why it is exact: marks are whole ten-thousandths, and with L₀ = lcm(1..12) every
criterion mark times L₀ is a whole number (mean, trimmed mean, median,
measurement), so the tallies add them up in integers and nothing is rounded. A
stage score is ``N / (10⁴·L₀)`` and the total an exact fraction. With more than
12 judges on an entry, or integers that could overflow 63 bits, the computation
falls back to the reference, in Python; so does a scheme with a scored criterion
(``Criterion.scale``) whose marks would not be whole (see
:func:`.tallies.scaled_exactly`). Entries whose tallies show a flag (or
fewer marks than assigned judges) are re-examined criterion by criterion to name
their flags.
"""

from __future__ import annotations

import json as json_module
import math
from collections import defaultdict
from decimal import Decimal
from fractions import Fraction
from operator import mul
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from jingsai.common.collector import collector_paused
from jingsai.common.domain import audit
from jingsai.competitions.models import Competition, Entry
from jingsai.judging.domain import aggregation, awards, ranking, results, tallies
from jingsai.judging.domain.results import CriterionSpec, EntrySpec, ResultRow, Scheme, StageSpec
from jingsai.judging.domain.sheets import units_to_decimal
from jingsai.judging.models import (
    MARK_SCALE,
    Assignment,
    Criterion,
    Judging,
    Mark,
    Result,
    Stage,
    StageTally,
)
from jingsai.organisations.models import Organisation

SAFE_INTEGER = 2**62


def scheme_for(competition: Competition) -> Scheme:
    judging = Judging.objects.filter(pk=competition.pk).first()
    stages = [
        StageSpec(s.code, s.name, s.weight)
        for s in Stage.objects.filter(competition=competition).order_by("order", "id")
    ]
    criteria = [
        CriterionSpec(
            c.code,
            c.stage.code,
            c.name,
            c.max_mark,
            c.kind,
            c.aggregation,
            c.spread_limit,
            c.scale,
        )
        for c in Criterion.objects.filter(competition=competition)
        .select_related("stage")
        .order_by("stage__order", "stage_id", "order", "id")
    ]
    if judging is None:
        return Scheme(stages, criteria)
    return Scheme(
        stages,
        criteria,
        awards.parse_awards(judging.awards),
        judging.min_total,
        judging.tiebreak_rules,
    )


def entry_name(
    pk: int, team_name: str, project_name: str, enterprise_name: str, members: dict
) -> str:
    """How results name an entry: team or project site, else its workers, else its enterprise."""
    if team_name:
        return team_name
    if project_name:
        return project_name
    names = members.get(pk)
    if names:
        return "、".join(names)
    return enterprise_name


def ranked_entries(competition: Competition) -> tuple[list[int], list[EntrySpec]]:
    """The approved entries (the ones ranked): their ids and how results show them.

    Read in one query without model instances: a hundred thousand come at once.
    """
    entry, organisation = Entry._meta.db_table, Organisation._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT e.id, e.number, e.team_name, e.project_name, o.name, e.time_seconds "  # noqa: S608
            f"FROM {entry} e JOIN {organisation} o ON o.id = e.enterprise_id "
            "WHERE e.competition_id = %s AND e.status = %s ORDER BY e.id",
            [competition.pk, Entry.Status.APPROVED],
        )
        rows = cursor.fetchall()
    members = _member_names(competition)
    ids = [row[0] for row in rows]
    specs = [
        EntrySpec(
            number or f"#{pk}",
            entry_name(pk, team, project, name, members),
            name,
            _seconds(seconds),
        )
        for pk, number, team, project, name, seconds in rows
    ]
    return ids, specs


def _seconds(value) -> Decimal | None:
    """A time as stored (SQLite may hand back a float or int; PostgreSQL a Decimal)."""
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(repr(value) if isinstance(value, float) else str(value))


def _member_names(competition: Competition) -> dict[int, list[str]]:
    from jingsai.competitions.models import EntryMember

    names: dict[int, list[str]] = defaultdict(list)
    for entry_id, name in (
        EntryMember.objects.filter(competition=competition, active=True)
        .order_by("entry_id", "-is_captain", "id")
        .values_list("entry_id", "worker__name")
    ):
        names[entry_id].append(name)
    return names


def compute(competition: Competition, *, force_reference: bool = False) -> list[ResultRow]:
    """Ranks, totals, awards and flags of every approved entry, in rank order."""
    with collector_paused():
        return _compute(competition, force_reference=force_reference)


def _compute(competition: Competition, *, force_reference: bool) -> list[ResultRow]:
    scheme = scheme_for(competition)
    entries, specs = ranked_entries(competition)
    if not entries or not scheme.stages:
        return results.compute(scheme, specs, assigned={}, marks={})
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT entry_id, COUNT(*) FROM {Assignment._meta.db_table} "  # noqa: S608
            "WHERE competition_id = %s GROUP BY entry_id",
            [competition.pk],
        )
        assigned_count = dict(cursor.fetchall())
    most_judges = max([2, *assigned_count.values()])
    criteria = list(Criterion.objects.filter(competition=competition).select_related("stage"))
    biggest = max(
        (int(c.max_mark * MARK_SCALE) * (c.scale * MARK_SCALE if c.scale else 1) for c in criteria),
        default=0,
    )
    if (
        force_reference
        or most_judges > tallies.MOST_JUDGES
        or not tallies.scaled_exactly(criteria, most_judges)
        or biggest * most_judges * tallies.L0 * max(len(criteria), 1) >= SAFE_INTEGER
    ):
        return _reference(competition, scheme, entries, specs)
    return _fast(competition, scheme, entries, specs, criteria, assigned_count, tallies.L0)


def _counted_marks(competition: Competition, entry_ids=None):
    marks = Mark.objects.filter(competition=competition, counts=True)
    if entry_ids is not None:
        marks = marks.filter(entry_id__in=entry_ids)
    return marks.values_list("entry_id", "sheet__judge__code", "criterion__code", "units")


def _reference(competition, scheme, entries, specs) -> list[ResultRow]:
    number_of = {pk: spec.number for pk, spec in zip(entries, specs, strict=True)}
    marks = {
        (number_of[entry_id], judge, criterion): units_to_decimal(units)
        for entry_id, judge, criterion, units in _counted_marks(competition)
        if entry_id in number_of
    }
    assigned: dict[str, list[str]] = defaultdict(list)
    for entry_id, judge in Assignment.objects.filter(competition=competition).values_list(
        "entry_id", "judge__code"
    ):
        if entry_id in number_of:
            assigned[number_of[entry_id]].append(judge)
    return results.compute(scheme, specs, assigned=assigned, marks=marks)


def _fast(competition, scheme, entries, specs, criteria, assigned_count, lcm) -> list[ResultRow]:
    stages = list(Stage.objects.filter(competition=competition).order_by("order", "id"))
    codes = [s.code for s in stages]
    position = {s.pk: i for i, s in enumerate(stages)}
    width = len(stages)
    # per entry: [stage numerators…] (each stage's score × 10⁴·L₀), from the stage tallies
    scores: dict[int, list[int]] = {}
    marked: dict[int, int] = defaultdict(int)
    suspect: set[int] = set()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT entry_id, stage_id, score, marked, fewest, flagged "  # noqa: S608
            f"FROM {StageTally._meta.db_table} WHERE competition_id = %s",
            [competition.pk],
        )
        for entry_id, stage_id, score, count, fewest, flagged in cursor.fetchall():
            numerators = scores.get(entry_id)
            if numerators is None:
                numerators = scores[entry_id] = [0] * width
            numerators[position[stage_id]] = int(score)
            marked[entry_id] += count
            if flagged or (fewest is not None and fewest < assigned_count.get(entry_id, 0)):
                suspect.add(entry_id)
    criteria_count = len(criteria)
    # an entry without a counted mark on some criterion is missing one
    suspect |= {pk for pk in entries if marked.get(pk, 0) < criteria_count}
    # total = Σ N_s · weight_s / (10⁴ · L · max_s) = Σ N_s · a_s / b_s = (Σ N_s · a_s · B/b_s) / B
    factors = []
    for stage in stages:
        maximum = sum((c.max_mark for c in criteria if c.stage_id == stage.pk), Decimal(0))
        if maximum == 0:
            raise ValueError("a stage has no marks available")
        factors.append(Fraction(stage.weight) / (MARK_SCALE * lcm * Fraction(maximum)))
    common = math.lcm(*(f.denominator for f in factors))
    multipliers = [f.numerator * (common // f.denominator) for f in factors]
    flags_of = _flags(competition, scheme, entries, specs, suspect)
    # ranking._key in integers: −total in cents, then the tie-breakers (asked only on ties)
    tiebreak = [
        (ranking.TIME, None)
        if rule == ranking.TIME
        else ("stage", codes.index(rule) if rule in codes else None)
        for rule in scheme.tiebreak
    ]
    empty = [0] * width
    numerators, primary = [], []
    double = 2 * common
    for pk in entries:
        numerator = sum(map(mul, scores.get(pk, empty), multipliers))
        numerators.append(numerator)
        primary.append(-((numerator * 200 + common) // double))  # half-up, totals are ≥ 0

    def secondary(index: int) -> tuple:
        stage_numerators = scores.get(entries[index], empty)
        key = []
        for kind, position_ in tiebreak:
            if kind == ranking.TIME:
                seconds = specs[index].time_seconds
                key.append((seconds is None, seconds or 0))
            else:
                key.append(-stage_numerators[position_] if position_ is not None else 0)
        return tuple(key)

    order = ranking.rank_by_keys(primary, secondary, [spec.number for spec in specs])
    bounds = awards.bounds(scheme.award_levels, len(order))
    denominator = MARK_SCALE * lcm
    totals: dict[int, Decimal] = {}
    rows = []
    for index, place in order:
        cents = -primary[index]
        total = totals.get(cents)
        if total is None:
            total = totals[cents] = Decimal(cents).scaleb(-2)
        pk = entries[index]
        rows.append(
            FastRow(
                place,
                specs[index],
                total,
                (numerators[index], common),
                (codes, scores.get(pk, empty), denominator),
                awards.award_for(
                    rank=place,
                    total=total,
                    levels=scheme.award_levels,
                    level_bounds=bounds,
                    min_total=scheme.min_total,
                ),
                flags_of.get(pk, []),
            )
        )
    return rows


class FastRow:
    """A :class:`ResultRow` whose exact fractions are made only when read."""

    __slots__ = (
        "_stages",
        "_total",
        "award",
        "entry",
        "flags",
        "name",
        "organisation",
        "rank",
        "total",
    )

    def __init__(self, rank, spec, total, exact, stages, award, flags):
        self.rank = rank
        self.entry, self.name, self.organisation = spec.number, spec.name, spec.organisation
        self.total = total
        self._total = exact
        self._stages = stages
        self.award = award
        self.flags = flags

    @property
    def exact_total(self) -> Fraction:
        return Fraction(*self._total)

    @property
    def stage_scores(self) -> dict[str, Fraction]:
        codes, numerators, denominator = self._stages
        return {
            code: Fraction(value, denominator)
            for code, value in zip(codes, numerators, strict=True)
        }


def _flags(competition, scheme, entries, specs, suspect: set[int]) -> dict[int, list[str]]:
    """Name the flags of the entries the query found something on (and of unmarked entries)."""
    number_of = {pk: spec.number for pk, spec in zip(entries, specs, strict=True)}
    suspect = suspect & set(number_of)
    if not suspect:
        return {}
    marks: dict[int, dict[str, dict[str, Decimal]]] = defaultdict(lambda: defaultdict(dict))
    assigned: dict[int, list[str]] = defaultdict(list)
    # a few entries: by id, in chunks (databases cap a statement's parameters);
    # many: the whole competition, filtered here
    chunks = [None] if len(suspect) > 5000 else _chunks(sorted(suspect), 1000)
    for chunk in chunks:
        for entry_id, judge, criterion, units in _counted_marks(competition, entry_ids=chunk):
            if entry_id in suspect:
                marks[entry_id][criterion][judge] = units_to_decimal(units)
        assignments = Assignment.objects.filter(competition=competition)
        if chunk is not None:
            assignments = assignments.filter(entry_id__in=chunk)
        for entry_id, judge in assignments.values_list("entry_id", "judge__code"):
            if entry_id in suspect:
                assigned[entry_id].append(judge)
    out = {}
    for entry_id in suspect:
        found = set()
        for c in scheme.criteria:
            result = aggregation.criterion_result(
                criterion=c.code,
                kind=c.kind,
                method=c.method,
                spread_limit=c.spread_limit,
                marks_by_judge=marks[entry_id][c.code],
                assigned_judges=assigned.get(entry_id, ()),
                max_mark=c.max_mark,
                scale=c.scale,
            )
            found.update(str(flag) for flag in result.flags)
        if found:
            out[entry_id] = sorted(found)
    return out


def _chunks(items: list, size: int) -> list[list]:
    return [items[start : start + size] for start in range(0, len(items), size)]


# --- stored results --------------------------------------------------------------


def store(*, actor: Any, competition: Competition) -> list[ResultRow]:
    """Compute and store the results (replacing any earlier ones)."""
    rows = compute(competition)
    by_number = {
        (number or f"#{pk}"): pk
        for pk, number in Entry.objects.filter(
            competition=competition, status=Entry.Status.APPROVED
        ).values_list("pk", "number")
    }
    table = Result._meta.db_table
    json = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    sql = (
        f"INSERT INTO {table} (competition_id, entry_id, rank, total, stage_scores, award, "  # noqa: S608
        f"flags, position) VALUES (%s, %s, %s, %s, {json}, %s, %s, %s)"
    )
    values = [
        (
            competition.pk,
            by_number[row.entry],
            row.rank,
            row.total,
            stage_scores_json(row),
            row.award,
            ";".join(row.flags),
            position,
        )
        for position, row in enumerate(rows, start=1)
    ]
    with transaction.atomic():
        Result.objects.filter(competition=competition).delete()
        with connection.cursor() as cursor:
            for start in range(0, len(values), 5000):
                cursor.executemany(sql, values[start : start + 5000])
        Judging.objects.filter(pk=competition.pk).update(computed_at=timezone.now())
        audit.record(
            actor=actor,
            action="results:compute",
            obj=competition,
            after={
                "entries": len(rows),
                "flagged": sum(1 for r in rows if r.flags),
                "awards": {
                    name: sum(1 for r in rows if r.award == name)
                    for name in {r.award for r in rows if r.award}
                },
            },
        )
    return rows


def stage_scores_json(row) -> str:
    """The stage scores as JSON text, each rounded half-up to 4 decimals."""
    if isinstance(row, FastRow):
        codes, numerators, denominator = row._stages
        places = {
            code: str(Decimal((n * 20000 + denominator) // (2 * denominator)).scaleb(-4))
            for code, n in zip(codes, numerators, strict=True)
        }
    else:
        places = {code: str(_four_places(value)) for code, value in row.stage_scores.items()}
    return json_module.dumps(places, ensure_ascii=False)


def _four_places(value: Fraction) -> Decimal:
    from jingsai.judging.domain.totals import round_half_up

    return round_half_up(value, Decimal("0.0001"))


def open_flags(competition: Competition) -> int:
    return Result.objects.filter(competition=competition).exclude(flags="").count()

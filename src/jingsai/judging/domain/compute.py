"""Results of a judged competition from the marks in the database.

The rules are those of :mod:`jingsai.judging.domain.results` (the reference,
written for readability and used on workbooks). Here the same arithmetic runs
at scale: the database sums the counted marks per entry and stage in exact
integers, and Python turns those sums into totals, ranks and awards.

The sums come from :class:`~jingsai.judging.models.Tally` (the counted marks
summed per entry and criterion, kept in step with the marks by every service
that changes them), so computing reads one row per entry and criterion rather
than one per mark.

Why it is exact: marks are whole ten-thousandths. With ``L`` the least common
multiple of 1..n (n = the most judges on one entry), every criterion mark
times ``L`` is a whole number — mean ``S·L/n``, trimmed ``(S−max−min)·L/(n−2)``,
median ``v·L`` or ``(v₁+v₂)·L/2``, measurement ``v·L`` — so the database can
add them up with integer arithmetic and nothing is rounded. A stage score is
then ``N / (10⁴·L)``, and the total is an exact fraction. Only when such
integers could overflow 63 bits does the computation fall back to the
reference, in Python. Flags are counted in the same query; entries that carry
one are re-examined criterion by criterion to name them.
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

from jingsai.common.domain import audit
from jingsai.competitions.models import Competition, Entry
from jingsai.judging.domain import aggregation, awards, ranking, results
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
    Tally,
)
from jingsai.organisations.models import Organisation

KIND_CODES = {aggregation.JUDGEMENT: 0, aggregation.MEASUREMENT: 1}
METHOD_CODES = {aggregation.MEAN: 0, aggregation.TRIMMED: 1, aggregation.MEDIAN: 2}
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
    lcm = math.lcm(*range(1, most_judges + 1))
    criteria = list(Criterion.objects.filter(competition=competition).select_related("stage"))
    biggest = max((int(c.max_mark * MARK_SCALE) for c in criteria), default=0)
    if force_reference or biggest * most_judges * lcm * max(len(criteria), 1) >= SAFE_INTEGER:
        return _reference(competition, scheme, entries, specs)
    return _fast(competition, scheme, entries, specs, criteria, assigned_count, lcm)


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


def _criterion_mark_sql(c: Criterion, lcm: int) -> str:
    """The criterion's mark times L, from the group's s(um), lo, hi and n (exact integers)."""
    if c.kind == aggregation.MEASUREMENT:
        return f"CASE WHEN g.lo = g.hi THEN g.lo * {lcm} ELSE 0 END"
    if c.aggregation == aggregation.MEDIAN:
        return "0"  # added from the single marks, in Python
    if c.aggregation == aggregation.TRIMMED:
        return (
            f"CASE WHEN g.n >= {aggregation.TRIM_FROM} "
            f"THEN (g.s - g.hi - g.lo) * {lcm} / (g.n - 2) ELSE g.s * {lcm} / g.n END"
        )
    return f"g.s * {lcm} / g.n"


def _criterion_flag_sql(c: Criterion) -> str:
    if c.kind == aggregation.MEASUREMENT:
        return "CASE WHEN g.lo <> g.hi THEN 1 ELSE 0 END"
    if c.spread_limit is None:
        return "0"
    return f"CASE WHEN g.hi - g.lo > {int(c.spread_limit * MARK_SCALE)} THEN 1 ELSE 0 END"


def _entry_sql(competition_id: int, stages: list[int], criteria: list[Criterion], lcm: int) -> str:
    """One row per entry: each stage's score times 10⁴·L, criteria marked, fewest judge
    marks on a judgement criterion, and how many criteria are flagged."""
    lcm = int(lcm)
    columns = []
    for stage_id in stages:
        whens = " ".join(
            f"WHEN {int(c.pk)} THEN {_criterion_mark_sql(c, lcm)}"
            for c in criteria
            if c.stage_id == stage_id
        )
        columns.append(
            f"CAST(SUM(CASE g.criterion_id {whens} ELSE 0 END) AS BIGINT)" if whens else "0"
        )
    flag_whens = " ".join(f"WHEN {int(c.pk)} THEN {_criterion_flag_sql(c)}" for c in criteria)
    judgement = [str(int(c.pk)) for c in criteria if c.kind == aggregation.JUDGEMENT]
    fewest = (
        f"MIN(CASE WHEN g.criterion_id IN ({', '.join(judgement)}) THEN g.n END)"
        if judgement
        else "NULL"
    )
    tally = Tally._meta.db_table
    # g.s, g.lo, g.hi, g.n: the criterion's sum, lowest, highest and count of marks
    sql = f"""
        SELECT g.entry_id, {", ".join(columns)}, COUNT(*), {fewest},
               SUM(CASE g.criterion_id {flag_whens} ELSE 0 END)
        FROM {tally} g
        WHERE g.competition_id = {int(competition_id)}
        GROUP BY g.entry_id
    """  # noqa: S608 (only integers read from the database are formatted in)
    for short, column in (("g.s", "g.total"), ("g.lo", "g.lowest"), ("g.hi", "g.highest")):
        sql = sql.replace(short, column)
    return sql.replace("g.n", "g.count")


def _fast(competition, scheme, entries, specs, criteria, assigned_count, lcm) -> list[ResultRow]:
    stages = list(Stage.objects.filter(competition=competition).order_by("order", "id"))
    codes = [s.code for s in stages]
    position = {s.pk: i for i, s in enumerate(stages)}
    width = len(stages)
    # per entry: [stage numerators…] (each stage's score × 10⁴·L)
    scores: dict[int, list[int]] = {}
    suspect: set[int] = set()
    with connection.cursor() as cursor:
        cursor.execute(_entry_sql(competition.pk, [s.pk for s in stages], criteria, lcm))
        criteria_count = len(criteria)
        for row in cursor.fetchall():
            entry_id = row[0]
            scores[entry_id] = [int(value) for value in row[1 : 1 + width]]
            marked, fewest, flagged = row[1 + width :]
            if (
                flagged
                or marked < criteria_count  # a criterion without any counted mark is missing
                or (fewest is not None and fewest < assigned_count.get(entry_id, 0))
            ):
                suspect.add(entry_id)
    suspect |= {pk for pk in entries if pk not in scores}
    medians = {
        c.pk: position[c.stage_id]
        for c in criteria
        if c.aggregation == aggregation.MEDIAN and c.kind == aggregation.JUDGEMENT
    }
    if medians:
        values: dict[tuple[int, int], list[int]] = defaultdict(list)
        for entry_id, criterion_id, units in (
            Mark.objects.filter(competition=competition, counts=True, criterion_id__in=medians)
            .order_by("entry_id", "criterion_id", "units")
            .values_list("entry_id", "criterion_id", "units")
        ):
            values[(entry_id, criterion_id)].append(units)
        for (entry_id, criterion_id), units in values.items():
            middle = len(units) // 2
            if len(units) % 2:
                numerator = units[middle] * lcm
            else:
                numerator = (units[middle - 1] + units[middle]) * lcm // 2
            scores.setdefault(entry_id, [0] * width)[medians[criterion_id]] += numerator
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
    # the ranking key of ranking._key, in integers: −total, then each tie-breaker
    tiebreak = [
        (ranking.TIME, None)
        if rule == ranking.TIME
        else ("stage", codes.index(rule) if rule in codes else None)
        for rule in scheme.tiebreak
    ]
    empty = [0] * width
    numerators, keys = [], []
    for pk, spec in zip(entries, specs, strict=True):
        stage_numerators = scores.get(pk, empty)
        numerator = sum(map(mul, stage_numerators, multipliers))
        numerators.append(numerator)
        cents = (numerator * 200 + common) // (2 * common)  # half-up, totals are ≥ 0
        key = [-cents]
        for kind, index in tiebreak:
            if kind == ranking.TIME:
                key.append((spec.time_seconds is None, spec.time_seconds or 0))
            else:
                key.append(-stage_numerators[index] if index is not None else 0)
        keys.append(tuple(key))
    order = ranking.rank_by_keys(keys, [spec.number for spec in specs])
    bounds = awards.bounds(scheme.award_levels, len(order))
    denominator = MARK_SCALE * lcm
    rows = []
    for index, place in order:
        spec = specs[index]
        total = Decimal(-keys[index][0]).scaleb(-2)
        rows.append(
            FastRow(
                place,
                spec,
                total,
                (numerators[index], common),
                (codes, scores.get(entries[index], empty), denominator),
                awards.award_for(
                    rank=place,
                    total=total,
                    levels=scheme.award_levels,
                    level_bounds=bounds,
                    min_total=scheme.min_total,
                ),
                flags_of.get(entries[index], []),
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
    for entry_id, judge, criterion, units in _counted_marks(competition, entry_ids=suspect):
        marks[entry_id][criterion][judge] = units_to_decimal(units)
    assigned: dict[int, list[str]] = defaultdict(list)
    for entry_id, judge in Assignment.objects.filter(
        competition=competition, entry_id__in=suspect
    ).values_list("entry_id", "judge__code"):
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
            )
            found.update(str(flag) for flag in result.flags)
        if found:
            out[entry_id] = sorted(found)
    return out


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

"""Period scores, ranks, red flags and cumulative standings of a league, from the database.

The rules are :mod:`jingsai.labour.domain.assessment` (the reference, exact
with fractions). This module applies them at scale with whole numbers: the
kind tallies (:mod:`jingsai.labour.domain.tallies`) give each kind's score as
``numerator ÷ scale``; kind weights and bonus points have two decimals, so they
are whole hundredths; a score in hundredths is rounded half-up with integer
division. A participant whose tallies cannot be exact (more than 12 checks of
one kind on one indicator) or a scheme too large for 64-bit sums is computed by
the reference from its marks.

A participant *not assessed* in a period (no submitted check, no bonus, no
veto) has no score for it: it is not ranked in that period, and the league's
``missing_period`` setting says whether the period counts as zero in its
cumulative standing or is left out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from operator import attrgetter

from django.db import connection, transaction
from django.utils import timezone

from jingsai.judging.domain.awards import award_for, bounds, parse_awards
from jingsai.labour.domain import assessment, tallies
from jingsai.labour.models import (
    MARK_SCALE,
    Bonus,
    BonusItem,
    Check,
    CheckMark,
    Indicator,
    KindTally,
    League,
    Participant,
    Period,
    PeriodScore,
    Standing,
    Veto,
)

KINDS = ("self", "mutual", "spot")


def cents(value: Decimal | None) -> int | None:
    return None if value is None else int(Decimal(value) * 100)


def half_up(numerator: int, denominator: int) -> int:
    """numerator ÷ denominator rounded half-up (both ≥ 0, denominator > 0)."""
    return (2 * numerator + denominator) // (2 * denominator)


@dataclass(slots=True)
class Scored:
    participant: int
    block: int | None
    base: int  # hundredths, rounded half-up (shown only)
    bonus: int  # hundredths
    score: int  # hundredths: the published period score
    vetoed: bool
    rank: int = 0
    block_rank: int = 0
    flag: bool = False


@dataclass(slots=True)
class Standed:
    participant: int
    block: int | None
    score: int  # hundredths
    periods: int
    flags: int
    rank: int = 0
    block_rank: int = 0
    previous_rank: int | None = None


@dataclass
class LeagueResults:
    periods: list[Period]
    scores: dict[int, list[Scored]] = field(default_factory=dict)  # period id → rank order
    standings: dict[int, list[Standed]] = field(default_factory=dict)


def standard_ranks(items: list, key) -> None:
    """Sort ``items`` by ``key`` (highest first) and set ``.rank`` (1, 2, 2, 4)."""
    items.sort(key=_by_participant)
    items.sort(key=key, reverse=True)  # stable: ties stay in participant order
    place, last = 0, None
    for index, item in enumerate(items):
        value = key(item)
        if value != last:
            place, last = index + 1, value
        item.rank = place


_by_participant = attrgetter("participant")
_by_score = attrgetter("score")


def _block_ranks(items: list, key) -> None:
    by_block: dict[int | None, list] = defaultdict(list)
    for item in items:
        by_block[item.block].append(item)
    for members in by_block.values():
        place, last = 0, None
        for index, item in enumerate(members):  # already in overall order
            value = key(item)
            if value != last:
                place, last = index + 1, value
            item.block_rank = place


class _Bonuses:
    def __init__(self, league: League, period_ids: Sequence[int]):
        self.caps = {
            pk: cents(cap)
            for pk, cap in BonusItem.objects.filter(league=league).values_list("pk", "cap")
        }
        self.total_cap = cents(league.bonus_cap)
        self.points: dict[tuple[int, int], int] = defaultdict(int)
        for period_id, participant_id, item_id, points in Bonus.objects.filter(
            period_id__in=period_ids
        ).values_list("period_id", "participant_id", "item_id", "points"):
            value = cents(points)
            cap = self.caps.get(item_id)
            if cap is not None:
                value = min(value, cap)
            self.points[period_id, participant_id] += value
        if self.total_cap is not None:
            for key, value in self.points.items():
                self.points[key] = min(value, self.total_cap)


def _reference_base(league: League, period_id: int, participant_id: int) -> tuple[int, int]:
    """The base score as numerator ÷ denominator, from the marks (the rare slow path)."""
    scheme = scheme_of(league)
    codes = dict(Indicator.objects.filter(league=league).values_list("pk", "code"))
    checks: dict[int, tuple[str, dict]] = {}
    for check_id, kind, indicator_id, units in CheckMark.objects.filter(
        check_ref__period_id=period_id,
        check_ref__participant_id=participant_id,
        check_ref__status=Check.Status.SUBMITTED,
    ).values_list("check_ref_id", "check_ref__kind", "indicator_id", "units"):
        checks.setdefault(check_id, (kind, {}))[1][codes[indicator_id]] = (
            Decimal(units) / MARK_SCALE
        )
    exact = assessment.base_score(
        scheme, [assessment.Check(kind, marks) for kind, marks in checks.values()]
    )
    return exact.numerator, exact.denominator


def scheme_of(league: League) -> assessment.Scheme:
    """The league's settings as the reference's scheme."""
    periods = list(Period.objects.filter(league=league).values_list("code", "weight"))
    return assessment.Scheme(
        indicators=[
            assessment.Indicator(i.code, i.maximum, i.weight)
            for i in Indicator.objects.filter(league=league)
        ],
        kind_weights=dict(league.kind_weights().items()),
        bonus_items=[
            assessment.BonusItem(b.code, b.cap) for b in BonusItem.objects.filter(league=league)
        ],
        bonus_cap=league.bonus_cap,
        absent_kind=league.absent_kind,
        flags_per_block=league.flags_per_block,
        missing_period=league.missing_period,
        period_weights=dict(periods) if league.cumulative == League.Cumulative.WEIGHTED else None,
    )


def period_scores(league: League, periods: Sequence[Period]) -> dict[int, list[Scored]]:
    """Scores, ranks and flags of ``periods``, each list in rank order."""
    period_ids = [p.pk for p in periods]
    factors = tallies.factors(league)
    weights = {k: cents(w) for k, w in league.kind_weights().items()}
    leave_out = league.absent_kind == League.Absent.LEAVE_OUT
    blocks = dict(Participant.objects.filter(league=league).values_list("pk", "block_id"))
    bonuses = _Bonuses(league, period_ids)
    vetoes = set(
        Veto.objects.filter(period_id__in=period_ids).values_list("period_id", "participant_id")
    )
    scale = factors.scale
    w_self, w_mutual, w_spot = (weights[kind] for kind in KINDS)
    out: dict[int, list[Scored]] = {pk: [] for pk in period_ids}
    points = bonuses.points

    def scored(period_id, participant_id, numerator, weight_sum, slow):
        if slow:
            numerator, denominator = _reference_base(league, period_id, participant_id)
        else:
            denominator = scale * (weight_sum if leave_out else 100 * 100) or 1
        key = (period_id, participant_id)
        vetoed = key in vetoes
        bonus = points.get(key, 0)
        base = (200 * numerator + denominator) // (2 * denominator)  # half_up(100 × n, d)
        score = 0 if vetoed else half_up(100 * numerator + bonus * denominator, denominator)
        out[period_id].append(
            Scored(participant_id, blocks[participant_id], base, bonus, score, vetoed)
        )

    # one row per period and participant: the three kinds' tallies side by side (at most
    # one tally per kind, so MAX picks it, keeping the database's 64-bit integer type)
    done = set()
    unsafe = not factors.safe
    most = tallies.MOST_CHECKS
    with connection.cursor() as cursor:
        for start in range(0, len(period_ids), 500):
            chunk = period_ids[start : start + 500]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                "SELECT period_id, participant_id, "  # noqa: S608
                "MAX(CASE WHEN kind = 'self' THEN numerator END), "
                "MAX(CASE WHEN kind = 'mutual' THEN numerator END), "
                "MAX(CASE WHEN kind = 'spot' THEN numerator END), MAX(checks) "
                f"FROM {KindTally._meta.db_table} WHERE period_id IN ({marks}) "
                "GROUP BY period_id, participant_id",
                chunk,
            )
            for period_id, participant_id, n_self, n_mutual, n_spot, checks in cursor:
                if participant_id not in blocks:
                    continue
                numerator = weight_sum = 0
                if n_self is not None and w_self:
                    numerator += n_self * w_self
                    weight_sum += w_self
                if n_mutual is not None and w_mutual:
                    numerator += n_mutual * w_mutual
                    weight_sum += w_mutual
                if n_spot is not None and w_spot:
                    numerator += n_spot * w_spot
                    weight_sum += w_spot
                done.add((period_id, participant_id))
                scored(period_id, participant_id, numerator, weight_sum, unsafe or checks > most)
    # assessed by a bonus or a veto only
    for period_id, participant_id in (set(points) | vetoes) - done:
        if participant_id in blocks:
            scored(period_id, participant_id, 0, 0, unsafe)
    for items in out.values():
        standard_ranks(items, _by_score)
        _block_ranks(items, _by_score)
        for item in items:
            item.flag = not item.vetoed and item.block_rank <= league.flags_per_block
    return out


def league_results(league: League, periods: Sequence[Period] | None = None) -> LeagueResults:
    """Every confirmed period's scores and the standings after each (or of ``periods``)."""
    if periods is None:
        periods = list(
            Period.objects.filter(league=league)
            .exclude(status=Period.Status.OPEN)
            .order_by("starts_on", "id")
        )
    results = LeagueResults(list(periods))
    results.scores = period_scores(league, periods)
    blocks = dict(Participant.objects.filter(league=league).values_list("pk", "block_id"))
    weighted = league.cumulative == League.Cumulative.WEIGHTED
    as_zero = league.missing_period == League.Absent.AS_ZERO
    sums = dict.fromkeys(blocks, 0)
    weight_sums = dict.fromkeys(blocks, 0)  # of the periods scored (all, when missing is zero)
    counted = dict.fromkeys(blocks, 0)
    flags = dict.fromkeys(blocks, 0)
    previous: dict[int, int] = {}
    all_weights = 0
    for period in periods:
        weight = cents(period.weight) if weighted else 1
        all_weights += weight
        for item in results.scores[period.pk]:
            participant = item.participant
            if participant not in sums:
                continue
            sums[participant] += item.score * weight
            weight_sums[participant] += weight
            counted[participant] += 1
            flags[participant] += item.flag
        table = []
        for participant, block in blocks.items():
            weight_sum = all_weights if as_zero else weight_sums[participant]
            table.append(
                Standed(
                    participant,
                    block,
                    (2 * sums[participant] + weight_sum) // (2 * weight_sum) if weight_sum else 0,
                    counted[participant],
                    flags[participant],
                )
            )  # the score: half_up(sum, weight sum)
        standard_ranks(table, _by_score)
        _block_ranks(table, _by_score)
        for item in table:
            item.previous_rank = previous.get(item.participant)
        previous = {item.participant: item.rank for item in table}
        results.standings[period.pk] = table
    return results


def store(league: League, results: LeagueResults, awards: dict[int, str] | None = None) -> None:
    """Replace the stored scores and standings of the periods in ``results``."""
    period_ids = [p.pk for p in results.periods]
    with transaction.atomic():
        PeriodScore.objects.filter(period__league=league).exclude(period_id__in=period_ids).delete()
        Standing.objects.filter(period__league=league).exclude(period_id__in=period_ids).delete()
        PeriodScore.objects.filter(period_id__in=period_ids).delete()
        Standing.objects.filter(period_id__in=period_ids).delete()
        last = period_ids[-1] if period_ids else None
        score_rows = [
            (
                period_id,
                s.participant,
                Decimal(s.base) / 100,
                Decimal(s.bonus) / 100,
                Decimal(s.score) / 100,
                s.vetoed,
                s.rank,
                s.block_rank,
                s.flag,
            )
            for period_id, items in results.scores.items()
            for s in items
        ]
        standing_rows = [
            (
                period_id,
                s.participant,
                Decimal(s.score) / 100,
                s.periods,
                s.rank,
                s.block_rank,
                s.previous_rank,
                s.flags,
                (awards or {}).get(s.participant, "") if period_id == last else "",
            )
            for period_id, items in results.standings.items()
            for s in items
        ]
        _insert_rows(
            PeriodScore._meta.db_table,
            ["period_id", "participant_id", "base", "bonus", "score", "vetoed", "rank",
             "block_rank", "flag"],
            score_rows,
        )  # fmt: skip
        _insert_rows(
            Standing._meta.db_table,
            ["period_id", "participant_id", "score", "periods", "rank", "block_rank",
             "previous_rank", "flags", "award"],
            standing_rows,
        )  # fmt: skip


def _insert_rows(table: str, columns: list[str], rows: list[tuple]) -> None:
    """Many rows at once: COPY on PostgreSQL (executemany there is a round trip per
    row), executemany elsewhere."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        cursor.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608
            f"VALUES ({', '.join(['%s'] * len(columns))})",
            rows,
        )


def year_end_awards(league: League, results: LeagueResults) -> dict[int, str]:
    """Awards on the final standings by the skill competitions' award rules (shares of ranks)."""
    if not results.periods or not league.awards:
        return {}
    table = results.standings[results.periods[-1].pk]
    levels = parse_awards(league.awards)
    level_bounds = bounds(levels, len(table))
    return {
        s.participant: award_for(
            rank=s.rank,
            total=Decimal(s.score) / 100,
            levels=levels,
            level_bounds=level_bounds,
            min_total=Decimal(0),
        )
        for s in table
    }


def recompute(league: League, *, final: bool | None = None) -> LeagueResults:
    """Recompute and store every confirmed period; awards when the year is final."""
    results = league_results(league)
    final = league.finalised_at is not None if final is None else final
    store(league, results, year_end_awards(league, results) if final else None)
    return results


def finalise(league: League) -> LeagueResults:
    league.finalised_at = timezone.now()
    league.save(update_fields=["finalised_at", "updated_at"])
    return recompute(league, final=True)

"""Labour-competition assessment (劳动竞赛考核): the rules, pure and exact.

The reference: :mod:`jingsai.labour.domain.compute` applies the same rules over
the database at scale and is tested against this module. Terms:

- an *indicator* (安全, 质量, 进度, 文明施工 …) has a maximum mark and a weight
  in percent; the weights of a scheme sum to 100;
- a *check* is one assessor's marks for one participant in one period, of a
  *kind*: self-check (自查), mutual check (互查) or spot check (抽查); each kind
  has a weight in percent in the period score (summing to 100);
- the score of a kind = Σ over indicators of (mean of that kind's assessors'
  marks ÷ indicator maximum × indicator weight), 0..100;
- the base score = Σ over kinds of (kind score × kind weight ÷ 100). A kind with
  no check in the period is, by setting, either left out (the weights of the
  kinds present are scaled up to 100 — the default) or counted as zero;
- bonus items (an award won, an innovation adopted …) add points, each capped
  by its item's cap, and all bonuses together by the scheme's bonus cap;
- a veto (一票否决, e.g. a serious safety incident) makes the period score 0 and
  bars the participant from the red flag of that period;
- the published period score is rounded half-up to 2 decimals; ranks use it,
  standard competition ranking (1, 2, 2, 4), per block and overall;
- the rotating red flags (流动红旗) of a period go to the best ``flags_per_block``
  of each block: every participant whose block rank is within that number, so
  all those tied at the boundary receive one; vetoed participants never do;
- cumulative standings: the mean of the published period scores so far (a
  missing period counts as zero, or is left out — a setting), or a weighted
  mean with period weights; ranked the same way, with the movement in rank
  since the previous period's standings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from jingsai.judging.domain.ranking import rank_by_keys
from jingsai.judging.domain.totals import round_half_up

SELF, MUTUAL, SPOT = "self", "mutual", "spot"
KINDS = (SELF, MUTUAL, SPOT)
LEAVE_OUT, AS_ZERO = "leave_out", "as_zero"


@dataclass(frozen=True)
class Indicator:
    code: str
    maximum: Decimal
    weight: Decimal  # percent


@dataclass(frozen=True)
class BonusItem:
    code: str
    cap: Decimal | None = None  # most points this item gives in a period


@dataclass(frozen=True)
class Scheme:
    indicators: Sequence[Indicator]
    kind_weights: Mapping[str, Decimal]  # percent, by check kind
    bonus_items: Sequence[BonusItem] = ()
    bonus_cap: Decimal | None = None  # most bonus points in all, per period
    absent_kind: str = LEAVE_OUT
    flags_per_block: int = 3
    missing_period: str = AS_ZERO  # in cumulative standings: AS_ZERO or LEAVE_OUT
    period_weights: Mapping[str, Decimal] | None = None  # None: plain mean

    def problems(self) -> list[str]:
        out = []
        if sum((i.weight for i in self.indicators), Decimal(0)) != 100:
            out.append("the indicator weights do not sum to 100")
        if sum(self.kind_weights.values(), Decimal(0)) != 100:
            out.append("the check-kind weights do not sum to 100")
        if any(kind not in KINDS for kind in self.kind_weights):
            out.append("unknown check kind")
        if any(i.maximum <= 0 for i in self.indicators):
            out.append("an indicator has no maximum")
        return out


@dataclass(frozen=True)
class Check:
    """One assessor's marks (indicator code → mark) for a participant in a period."""

    kind: str
    marks: Mapping[str, Decimal]


@dataclass
class PeriodInput:
    participant: str
    block: str
    checks: Sequence[Check] = ()
    bonuses: Mapping[str, Decimal] = field(default_factory=dict)  # item code → points
    veto: str = ""  # the reason; empty when none


@dataclass
class PeriodResult:
    participant: str
    block: str
    exact: Fraction
    score: Decimal  # published: half-up to 2 decimals
    base: Fraction
    bonus: Fraction
    vetoed: bool
    rank: int = 0
    block_rank: int = 0
    flag: bool = False


def kind_score(scheme: Scheme, checks: Sequence[Check]) -> Fraction:
    """Σ over indicators of (mean mark ÷ maximum × weight) for one kind's checks."""
    total = Fraction(0)
    for indicator in scheme.indicators:
        marks = [Fraction(c.marks[indicator.code]) for c in checks if indicator.code in c.marks]
        if marks:
            mean = sum(marks, Fraction(0)) / len(marks)
            total += mean / Fraction(indicator.maximum) * Fraction(indicator.weight)
    return total


def base_score(scheme: Scheme, checks: Sequence[Check]) -> Fraction:
    by_kind: dict[str, list[Check]] = defaultdict(list)
    for check in checks:
        by_kind[check.kind].append(check)
    weights = {k: Fraction(w) for k, w in scheme.kind_weights.items() if w}
    if scheme.absent_kind == LEAVE_OUT:
        present = {k: w for k, w in weights.items() if by_kind.get(k)}
        scale = sum(present.values(), Fraction(0))
        if not scale:
            return Fraction(0)
        weights = {k: w * 100 / scale for k, w in present.items()}
    return sum(
        (kind_score(scheme, by_kind.get(k, [])) * w / 100 for k, w in weights.items()),
        Fraction(0),
    )


def bonus_points(scheme: Scheme, bonuses: Mapping[str, Decimal]) -> Fraction:
    caps = {item.code: item.cap for item in scheme.bonus_items}
    total = Fraction(0)
    for code, points in bonuses.items():
        if code not in caps:
            raise ValueError(f"unknown bonus item {code!r}")
        value = Fraction(points)
        if caps[code] is not None:
            value = min(value, Fraction(caps[code]))
        total += value
    if scheme.bonus_cap is not None:
        total = min(total, Fraction(scheme.bonus_cap))
    return total


def _standard_ranks(scores: Sequence[Decimal], names: Sequence[str]) -> list[tuple[int, int]]:
    return rank_by_keys([-s for s in scores], lambda _index: (), names)


def period(scheme: Scheme, inputs: Sequence[PeriodInput]) -> list[PeriodResult]:
    """One period: scores, overall and block ranks, red flags; in overall rank order."""
    results = []
    for item in inputs:
        base = base_score(scheme, item.checks)
        bonus = bonus_points(scheme, item.bonuses)
        vetoed = bool(item.veto)
        exact = Fraction(0) if vetoed else base + bonus
        results.append(
            PeriodResult(
                item.participant, item.block, exact, round_half_up(exact), base, bonus, vetoed
            )
        )
    ordered = []
    for index, place in _standard_ranks(
        [r.score for r in results], [r.participant for r in results]
    ):
        results[index].rank = place
        ordered.append(results[index])
    by_block: dict[str, list[PeriodResult]] = defaultdict(list)
    for result in results:
        by_block[result.block].append(result)
    for members in by_block.values():
        for index, place in _standard_ranks(
            [r.score for r in members], [r.participant for r in members]
        ):
            member = members[index]
            member.block_rank = place
            member.flag = not member.vetoed and place <= scheme.flags_per_block
    return ordered


@dataclass
class Standing:
    participant: str
    block: str
    exact: Fraction
    score: Decimal
    periods: int
    rank: int = 0
    previous_rank: int | None = None

    @property
    def movement(self) -> int | None:
        """Places gained since the previous period's standings (negative: lost)."""
        return None if self.previous_rank is None else self.previous_rank - self.rank


def standings(
    scheme: Scheme,
    history: Mapping[str, Mapping[str, Decimal]],
    periods: Sequence[str],
    blocks: Mapping[str, str],
) -> list[Standing]:
    """Cumulative standings after the last of ``periods`` (in order), with movement.

    ``history`` maps participant → period code → published period score; a
    period without a score is missing (zero, or left out, by the scheme's setting).
    """
    previous = _cumulative(scheme, history, periods[:-1], blocks) if len(periods) > 1 else {}
    current = _cumulative(scheme, history, periods, blocks)
    for participant, standing in current.items():
        before = previous.get(participant)
        standing.previous_rank = before.rank if before else None
    return sorted(current.values(), key=lambda s: (s.rank, s.participant))


def _cumulative(scheme, history, periods, blocks) -> dict[str, Standing]:
    out = {}
    for participant, block in blocks.items():
        scores = history.get(participant, {})
        weighted = Fraction(0)
        weight_sum = Fraction(0)
        counted = 0
        for code in periods:
            weight = Fraction(scheme.period_weights.get(code, 0)) if scheme.period_weights else 1
            if code in scores:
                weighted += Fraction(scores[code]) * weight
                weight_sum += weight
                counted += 1
            elif scheme.missing_period == AS_ZERO:
                weight_sum += weight
        exact = weighted / weight_sum if weight_sum else Fraction(0)
        out[participant] = Standing(participant, block, exact, round_half_up(exact), counted)
    items = list(out.values())
    for index, place in _standard_ranks([s.score for s in items], [s.participant for s in items]):
        items[index].rank = place
    return out

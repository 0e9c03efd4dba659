"""What a league's pages show: a participant's history and a period's tables.

Everything here reads the stored scores and standings
(:mod:`jingsai.labour.domain.compute`); nothing is computed again. An *open*
period is never shown. ``published_only=True`` (the default, and what the public
sees) keeps to published periods; ``published_only=False`` adds the confirmed,
not yet published ones, for those entitled to read them
(:func:`jingsai.access.policy.can_read_participant`).

- :func:`league_periods`: the periods shown, in order.
- :func:`participant_history`: per period the score, rank, rank in block, red flag,
  veto (with its reason) and bonuses (with their reasons), and the standing after it.
- :func:`period_table`: one period's ranking per block (with its red-flag holders)
  and the cumulative standings after it, with movement.
- :func:`flag_overview`: per period and block, who holds the red flag (all tied
  participants at the boundary hold it).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet

from jingsai.labour.models import (
    Block,
    Bonus,
    League,
    Participant,
    Period,
    PeriodScore,
    Standing,
    Veto,
)

PUBLISHED = Period.Status.PUBLISHED
CONFIRMED = Period.Status.CONFIRMED


def shown_statuses(*, published_only: bool = True) -> tuple[str, ...]:
    return (PUBLISHED,) if published_only else (CONFIRMED, PUBLISHED)


def league_periods(league: League, *, published_only: bool = True) -> QuerySet[Period]:
    """The periods shown, oldest first (never an open one)."""
    return Period.objects.filter(
        league=league, status__in=shown_statuses(published_only=published_only)
    ).order_by("starts_on", "id")


def is_shown(period: Period, *, published_only: bool = True) -> bool:
    return period.status in shown_statuses(published_only=published_only)


# --- one participant ----------------------------------------------------------------


@dataclass(frozen=True)
class BonusLine:
    period: Period
    item: str
    points: Decimal
    reason: str


@dataclass(frozen=True)
class VetoLine:
    period: Period
    item: str
    reason: str


@dataclass
class HistoryLine:
    """One period of a participant: ``score`` is None when it was not assessed."""

    period: Period
    score: PeriodScore | None = None
    standing: Standing | None = None
    bonuses: list[BonusLine] = field(default_factory=list)
    veto: VetoLine | None = None

    @property
    def published(self) -> bool:
        return self.period.status == PUBLISHED

    @property
    def flag(self) -> bool:
        return bool(self.score and self.score.flag)

    @property
    def vetoed(self) -> bool:
        return bool(self.score and self.score.vetoed) or (self.score is None and bool(self.veto))


@dataclass
class ParticipantHistory:
    participant: Participant
    lines: list[HistoryLine]

    @property
    def flags(self) -> list[HistoryLine]:
        """The periods in which the participant won a red flag."""
        return [line for line in self.lines if line.flag]

    @property
    def bonuses(self) -> list[BonusLine]:
        return [bonus for line in self.lines for bonus in line.bonuses]

    @property
    def vetoes(self) -> list[VetoLine]:
        return [line.veto for line in self.lines if line.veto]

    @property
    def latest(self) -> HistoryLine | None:
        """The last period with a standing (the participant's current place)."""
        return next((line for line in reversed(self.lines) if line.standing), None)

    @property
    def has_unpublished(self) -> bool:
        return any(not line.published for line in self.lines)


def participant_history(
    participant: Participant, *, published_only: bool = True
) -> ParticipantHistory:
    """The participant's shown periods, oldest first."""
    periods = list(league_periods(participant.league, published_only=published_only))
    lines = {period.pk: HistoryLine(period) for period in periods}
    ids = list(lines)
    for score in PeriodScore.objects.filter(participant=participant, period_id__in=ids):
        lines[score.period_id].score = score
    for standing in Standing.objects.filter(participant=participant, period_id__in=ids):
        lines[standing.period_id].standing = standing
    bonuses = (
        Bonus.objects.filter(participant=participant, period_id__in=ids)
        .select_related("item")
        .order_by("period__starts_on", "id")
    )
    for bonus in bonuses:
        line = lines[bonus.period_id]
        line.bonuses.append(BonusLine(line.period, bonus.item.name, bonus.points, bonus.reason))
    for veto in Veto.objects.filter(participant=participant, period_id__in=ids).select_related(
        "item"
    ):
        line = lines[veto.period_id]
        line.veto = VetoLine(line.period, veto.item.name, veto.reason)
    return ParticipantHistory(participant, [lines[period.pk] for period in periods])


# --- one period ---------------------------------------------------------------------


@dataclass
class BlockRanking:
    """One block's period scores in block-rank order; ``block`` None gathers the
    participants without a block."""

    block: Block | None
    scores: list[PeriodScore]

    @property
    def flag_holders(self) -> list[Participant]:
        return [score.participant for score in self.scores if score.flag]


@dataclass
class StandingRow:
    standing: Standing

    @property
    def participant(self) -> Participant:
        return self.standing.participant

    @property
    def movement(self) -> int | None:
        return self.standing.movement

    @property
    def places(self) -> int:
        """How many places the participant moved, up or down."""
        return abs(self.movement or 0)

    @property
    def arrow(self) -> str:
        """▲2 (up two places), ▼1 (down one) or – (no change, or the first period)."""
        movement = self.movement
        if not movement:
            return "–"
        return f"▲{movement}" if movement > 0 else f"▼{-movement}"


@dataclass
class PeriodTable:
    period: Period
    blocks: list[BlockRanking]
    standings: list[StandingRow]

    @property
    def flag_holders(self) -> list[Participant]:
        return [p for ranking in self.blocks for p in ranking.flag_holders]


def _block_order(block: Block | None) -> tuple:
    return (1, 0, 0) if block is None else (0, block.order, block.pk)


def period_table(period: Period, *, published_only: bool = True) -> PeriodTable:
    """The period's ranking per block and the cumulative standings after it.

    Refuses (``LookupError``) a period not shown under ``published_only``."""
    if not is_shown(period, published_only=published_only):
        raise LookupError(period.code)
    scores = (
        PeriodScore.objects.filter(period=period)
        .select_related("participant__block", "participant__enterprise")
        .order_by("block_rank", "rank", "participant__name", "participant_id")
    )
    grouped: dict[int | None, list[PeriodScore]] = defaultdict(list)
    blocks: dict[int | None, Block | None] = {}
    for score in scores:
        block = score.participant.block
        grouped[block.pk if block else None].append(score)
        blocks[block.pk if block else None] = block
    # Blocks with no score in the period are still listed (empty).
    for block in Block.objects.filter(league_id=period.league_id):
        blocks.setdefault(block.pk, block)
    rankings = [
        BlockRanking(block, grouped.get(key, []))
        for key, block in sorted(blocks.items(), key=lambda kv: _block_order(kv[1]))
    ]
    standings = (
        Standing.objects.filter(period=period)
        .select_related("participant__block", "participant__enterprise")
        .order_by("rank", "participant__name", "participant_id")
    )
    return PeriodTable(period, rankings, [StandingRow(s) for s in standings])


# --- red flags over the periods ----------------------------------------------------------


@dataclass
class FlagRow:
    period: Period
    holders: list[list[Participant]]  # aligned with FlagOverview.blocks


@dataclass
class FlagOverview:
    blocks: list[Block | None]
    rows: list[FlagRow]

    @property
    def by_block(self) -> list[tuple[Block | None, list[tuple[Period, list[Participant]]]]]:
        """Per block, the holders in each period."""
        return [
            (block, [(row.period, row.holders[index]) for row in self.rows])
            for index, block in enumerate(self.blocks)
        ]


def flag_overview(league: League, *, published_only: bool = True) -> FlagOverview:
    """Who held the red flag in each shown period, per block (ties: all of them)."""
    periods = list(league_periods(league, published_only=published_only))
    blocks: list[Block | None] = list(Block.objects.filter(league=league).order_by("order", "id"))
    if Participant.objects.filter(league=league, block__isnull=True).exists():
        blocks.append(None)
    holders: dict[tuple[int, int | None], list[Participant]] = defaultdict(list)
    flagged = (
        PeriodScore.objects.filter(period__in=periods, flag=True)
        .select_related("participant")
        .order_by("rank", "participant__name", "participant_id")
    )
    for score in flagged:
        holders[(score.period_id, score.participant.block_id)].append(score.participant)
    rows = [
        FlagRow(
            period,
            [holders.get((period.pk, block.pk if block else None), []) for block in blocks],
        )
        for period in periods
    ]
    return FlagOverview(blocks, rows)

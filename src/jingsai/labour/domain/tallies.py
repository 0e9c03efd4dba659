"""Kind tallies: per period, participant and check kind, the kind's score as one integer.

The score of a kind (0..100) is Σ over indicators of (mean mark ÷ maximum ×
weight). With fᵢ = weightᵢ ÷ maximumᵢ = Aᵢ ÷ B (B the least common denominator
of the factors), a mean Sᵢ ÷ nᵢ of marks stored in ten-thousandths, and
L₀ = lcm(1..12), the kind score is

    Σᵢ Sᵢ · Aᵢ · (L₀ ÷ nᵢ)  ÷  (L₀ · B · 10⁴)

whose numerator is a whole number whenever nᵢ ≤ 12 (or divides L₀). The tally
stores that numerator (:class:`~jingsai.labour.models.KindTally`), refreshed by
one set-based statement for the participants a change touched, in the
transaction of the change; a scheme change refreshes the whole league. A group
of more than 12 checks would not be exact: the tally's ``checks`` column holds the
largest count, and :mod:`jingsai.labour.domain.compute` computes such a
participant from its marks instead.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from django.db import connection

from jingsai.labour.models import (
    MARK_SCALE,
    Check,
    CheckMark,
    Indicator,
    KindTally,
    League,
    Participant,
    Period,
)

MOST_CHECKS = 12  # per indicator, kind, participant and period, for exact integer tallies
L0 = math.lcm(*range(1, MOST_CHECKS + 1))  # 27,720
INT64 = 2**63 - 1


@dataclass(frozen=True)
class Factors:
    """The scheme's integer factors: indicator id → Aᵢ, the common denominator B."""

    numerators: dict[int, int]
    denominator: int
    safe: bool  # the largest possible tally fits a 64-bit integer

    @property
    def scale(self) -> int:
        """Tally numerator ÷ scale = the kind score (0..100)."""
        return L0 * self.denominator * MARK_SCALE


def factors(league: League) -> Factors:
    indicators = list(Indicator.objects.filter(league=league).values("id", "maximum", "weight"))
    fractions = {i["id"]: Fraction(i["weight"]) / Fraction(i["maximum"]) for i in indicators}
    denominator = math.lcm(*(f.denominator for f in fractions.values())) if fractions else 1
    numerators = {pk: int(f * denominator) for pk, f in fractions.items()}
    largest = sum(
        int(i["maximum"] * MARK_SCALE) * numerators[i["id"]] * L0 for i in indicators
    )  # Sᵢ ≤ nᵢ·max, times L₀/nᵢ
    return Factors(numerators, denominator, largest <= INT64 // 2)


def refresh(period: Period, participant_ids: Iterable[int] | None = None) -> None:
    """Recompute the tallies of one period (of ``participant_ids`` only, when given)."""
    refresh_league(period.league, [period.pk], participant_ids)


def refresh_league(
    league: League,
    period_ids: Iterable[int] | None = None,
    participant_ids: Iterable[int] | None = None,
) -> None:
    """Recompute the tallies of the league's periods (all when ``period_ids`` is None)."""
    if period_ids is None:
        period_ids = list(Period.objects.filter(league=league).values_list("pk", flat=True))
    period_ids = sorted(set(period_ids))
    chunks: list[list[int] | None]
    if participant_ids is None:
        chunks = [None]
    else:
        ids = sorted(set(participant_ids))
        if not ids:
            return
        for start in range(0, len(ids), 5000):
            list(
                Participant.objects.select_for_update()
                .filter(pk__in=ids[start : start + 5000])
                .order_by("pk")
                .values_list("pk")
            )
        chunks = [ids[start : start + 500] for start in range(0, len(ids), 500)]
    f = factors(league)
    case = " ".join(f"WHEN {pk} THEN {a}" for pk, a in f.numerators.items()) or "WHEN 0 THEN 0"
    tally, check, mark = KindTally._meta.db_table, Check._meta.db_table, CheckMark._meta.db_table
    # Without a participant list, one statement covers up to 500 periods: the marks are
    # scanned once, not once per period.
    if chunks == [None]:
        groups = [period_ids[start : start + 500] for start in range(0, len(period_ids), 500)]
    else:
        groups = [[period_id] for period_id in period_ids]
    for group in groups:
        in_periods = ", ".join(["%s"] * len(group))
        for chunk in chunks:
            where = f"c.period_id IN ({in_periods}) AND c.status = %s"
            params: list = [*group, "submitted"]
            delete_where, delete_params = f"period_id IN ({in_periods})", list(group)
            if chunk is not None:
                marks = ", ".join(["%s"] * len(chunk))
                where += f" AND c.participant_id IN ({marks})"
                delete_where += f" AND participant_id IN ({marks})"
                params += chunk
                delete_params += chunk
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {tally} WHERE {delete_where}", delete_params)  # noqa: S608
                cursor.execute(
                    f"INSERT INTO {tally} (period_id, participant_id, kind, numerator, checks) "  # noqa: S608
                    "SELECT period_id, participant_id, kind, "
                    f"SUM(CASE WHEN {L0} %% n = 0 THEN s * (CASE indicator_id {case} ELSE 0 END)"
                    f" * ({L0} / n) ELSE 0 END), MAX(n) FROM ("
                    "SELECT c.period_id, c.participant_id, c.kind, m.indicator_id, "
                    "SUM(m.units) AS s, COUNT(*) AS n "
                    f"FROM {mark} m JOIN {check} c ON c.id = m.check_ref_id WHERE {where} "
                    "GROUP BY c.period_id, c.participant_id, c.kind, m.indicator_id) g "
                    "GROUP BY period_id, participant_id, kind",
                    params,
                )

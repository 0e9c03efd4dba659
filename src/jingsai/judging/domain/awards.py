"""Awards (奖项) by proportions of the ranked entries, cumulatively.

With N ranked entries and award levels with shares p1, p2, …, level k covers
ranks ≤ round-half-up((p1 + … + pk) × N). An entry gets the first level whose
bound its rank does not exceed, so tied entries (same rank) always get the same
award. Entries whose total is below the minimum total get no award.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation


@dataclass(frozen=True)
class AwardLevel:
    name: str
    share: Decimal  # 0.10 for 10 %


def parse_awards(text: str) -> list[AwardLevel]:
    """``一等奖:10%,二等奖:20%,三等奖:30%`` (shares may also be written 0.1)."""
    levels = []
    for part in (text or "").replace("，", ",").replace("：", ":").split(","):
        part = part.strip()
        if not part:
            continue
        name, _, share = part.rpartition(":")
        if not name or not share:
            raise ValueError(f"award {part!r} is not NAME:SHARE")
        share = share.strip()
        try:
            value = Decimal(share[:-1]) / 100 if share.endswith("%") else Decimal(share)
        except InvalidOperation:
            raise ValueError(f"award {part!r} has a share that is not a number") from None
        if not value.is_finite():
            raise ValueError(f"award {part!r} has a share that is not a number")
        if value < 0:
            raise ValueError(f"award {part!r} has a negative share")
        levels.append(AwardLevel(name.strip(), value))
    if sum((level.share for level in levels), Decimal(0)) > 1:
        raise ValueError("the award shares add up to more than 100%")
    return levels


def bounds(levels: Sequence[AwardLevel], ranked_count: int) -> list[int]:
    """The last rank each level covers."""
    result = []
    cumulative = Decimal(0)
    for level in levels:
        cumulative += level.share
        result.append(int((cumulative * ranked_count).quantize(Decimal(1), rounding=ROUND_HALF_UP)))
    return result


def award_for(
    *,
    rank: int,
    total: Decimal,
    levels: Sequence[AwardLevel],
    level_bounds: Sequence[int],
    min_total: Decimal,
) -> str:
    if total < min_total:
        return ""
    # the bounds never decrease (cumulative shares), so the first one ≥ rank is found by bisection
    index = bisect_left(level_bounds, rank)
    return levels[index].name if index < len(levels) else ""

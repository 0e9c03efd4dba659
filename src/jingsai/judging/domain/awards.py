"""Awards (奖项) by proportions of the ranked entries, cumulatively.

With N ranked entries and award levels with shares p1, p2, …, level k covers
ranks ≤ round-half-up((p1 + … + pk) × N). An entry gets the first level whose
bound its rank does not exceed, so tied entries (same rank) always get the same
award. Entries whose total is below the minimum total get no award.

Two more kinds of level (WorldSkills medals, :mod:`jingsai.worldskills.domain.medals`):

- ``Gold:#1`` covers a number of rank places rather than a share: the levels'
  places add up like shares, so ``金牌:#1,银牌:#1,铜牌:#1`` gives ranks 1, 2 and 3
  (with ranks 1, 1, 3 two golds and a bronze: tied entries share the medal);
- ``Medallion for Excellence:>=70`` is given to any entry that no rank level
  covered whose published total is at least 70.
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
    places: int | None = None  # "#3": the next 3 rank places
    at_least: Decimal | None = None  # ">=70": any entry not covered with this total or more


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
        if share.startswith("#"):
            if not share[1:].strip().isdigit():
                raise ValueError(f"award {part!r} has a number of places that is not whole")
            levels.append(AwardLevel(name.strip(), Decimal(0), places=int(share[1:])))
            continue
        if share.startswith((">=", "≥")):
            try:
                least = Decimal(share.lstrip(">=≥").strip())
            except InvalidOperation:
                raise ValueError(f"award {part!r} has a total that is not a number") from None
            if not least.is_finite() or least < 0:
                raise ValueError(f"award {part!r} has a total that is not a number")
            levels.append(AwardLevel(name.strip(), Decimal(0), at_least=least))
            continue
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


def awards_text(levels: Sequence[AwardLevel]) -> str:
    """Levels back as the setting :func:`parse_awards` reads (shares, ``#n``, ``>=x``)."""
    parts = []
    for level in levels:
        if level.places is not None:
            parts.append(f"{level.name}:#{level.places}")
        elif level.at_least is not None:
            parts.append(f"{level.name}:>={level.at_least}")
        else:
            parts.append(f"{level.name}:{level.share * 100}%")
    return ",".join(parts)


def bounds(levels: Sequence[AwardLevel], ranked_count: int) -> list[int]:
    """The last rank each level covers."""
    result = []
    cumulative = Decimal(0)
    places = 0
    for level in levels:
        cumulative += level.share
        places += level.places or 0
        result.append(
            int((cumulative * ranked_count).quantize(Decimal(1), rounding=ROUND_HALF_UP)) + places
        )
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
    if index < len(levels):
        return levels[index].name
    for level in levels:
        if level.at_least is not None and total >= level.at_least:
            return level.name
    return ""

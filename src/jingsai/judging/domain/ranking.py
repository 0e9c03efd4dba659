"""Ranking (排名): standard competition ranking after the tie-breakers.

Entries are ordered by published total, highest first. Entries with equal
published totals are separated by the competition's tie-breakers, in order:

- a stage code: the higher *exact* stage score comes first;
- ``time``: the lower entry time comes first (an entry with no time comes last).

Entries still equal on every key share a rank; the next rank skips
(1, 2, 2, 4). Among equals, the order is by entry number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from operator import itemgetter

TIME = "time"


@dataclass
class Ranked:
    entry: str  # the entry number
    total: Decimal  # published total
    stage_scores: dict[str, Fraction]
    time_seconds: Decimal | None = None
    rank: int = 0


def _key(item: Ranked, tiebreak: Sequence[str]) -> tuple:
    key: list = [-item.total]
    for rule in tiebreak:
        if rule == TIME:
            key.append((item.time_seconds is None, item.time_seconds or 0))
        else:
            key.append(-item.stage_scores.get(rule, 0))
    return tuple(key)


def rank(items: Sequence[Ranked], *, tiebreak: Sequence[str] = ()) -> list[Ranked]:
    """Sort and give ranks; returns the items in rank order, then entry number.

    Each item's key is computed once; entry numbers are compared (naturally)
    only among items whose keys are equal.
    """
    keyed = sorted(((_key(item, tiebreak), item) for item in items), key=itemgetter(0))
    ordered: list[Ranked] = []
    start = 0
    while start < len(keyed):
        end = start + 1
        key = keyed[start][0]
        while end < len(keyed) and keyed[end][0] == key:
            end += 1
        run = [item for _key_, item in keyed[start:end]]
        if len(run) > 1:
            run.sort(key=lambda item: _entry_order(item.entry))
        for item in run:
            item.rank = start + 1  # standard competition ranking: 1, 2, 2, 4
        ordered.extend(run)
        start = end
    return ordered


def _entry_order(number: str) -> tuple:
    """Entry numbers sort naturally: 2 before 10, A2 before A10."""
    parts = []
    digits = ""
    text = ""
    for char in str(number):
        if char.isdigit():
            if text:
                parts.append((1, text))
                text = ""
            digits += char
        else:
            if digits:
                parts.append((0, int(digits)))
                digits = ""
            text += char
    if digits:
        parts.append((0, int(digits)))
    if text:
        parts.append((1, text))
    return tuple(parts)

"""Ranking (排名): standard competition ranking after the tie-breakers.

Entries are ordered by published total, highest first. Entries with equal
published totals are separated by the competition's tie-breakers, in order:

- a stage code: the higher *exact* stage score comes first;
- ``time``: the lower entry time comes first (an entry with no time comes last).

Entries still equal on every key share a rank; the next rank skips
(1, 2, 2, 4). Among equals, the order is by entry number.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

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
    """Sort and give ranks; returns the items in rank order, then entry number."""
    ordered = []
    for index, place in rank_by_keys(
        [-item.total for item in items],
        lambda index: _key(items[index], tiebreak)[1:],
        [item.entry for item in items],
    ):
        item = items[index]
        item.rank = place
        ordered.append(item)
    return ordered


def rank_by_keys(
    primary: Sequence, secondary: Callable[[int], tuple], numbers: Sequence[str]
) -> list[tuple[int, int]]:
    """(index, rank) in rank order, by the key (primary, secondary(index)) ascending.

    Items with equal keys share a rank (1, 2, 2, 4) and are listed by entry
    number, compared naturally. The secondary key (the tie-breakers) and the
    entry numbers are worked out only among items whose primary keys are equal.
    """
    order = sorted(range(len(primary)), key=primary.__getitem__)
    result: list[tuple[int, int]] = []
    append = result.append
    start, count = 0, len(order)
    while start < count:
        first = order[start]
        end = start + 1
        if end == count or primary[order[end]] != primary[first]:
            append((first, start + 1))
            start = end
            continue
        while end < count and primary[order[end]] == primary[first]:
            end += 1
        run = sorted(order[start:end], key=lambda i: (secondary(i), _entry_order(numbers[i])))
        place, previous = start + 1, None
        for offset, index in enumerate(run):
            key = secondary(index)
            if key != previous:
                place, previous = start + 1 + offset, key
            append((index, place))
        start = end
    return result


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

"""Pagination that stays fast on a million rows.

Pages are read with ``LIMIT page_size + 1`` (so "is there a next page?" costs
nothing) and the total is counted only up to a cap: beyond it the page says
"more than 10,000". Deep pages use OFFSET over an index-ordered scan.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import QuerySet


@dataclass
class Page:
    items: list[Any]
    number: int
    page_size: int
    has_next: bool
    count: int
    count_is_capped: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.page_size + 1 if self.items else 0

    @property
    def end_index(self) -> int:
        return self.start_index + len(self.items) - 1 if self.items else 0


def page_number_from(value: Any, *, last: int = 1_000_000) -> int:
    try:
        return max(1, min(int(value), last))
    except (TypeError, ValueError):
        return 1


def paginate(queryset: QuerySet, *, page: Any, page_size: int | None = None) -> Page:
    page_size = page_size or settings.JINGSAI_LIST_PAGE_SIZE
    cap = settings.JINGSAI_LIST_COUNT_CAP
    # Pages go as deep as the counted rows: beyond them, narrow the search.
    number = page_number_from(page, last=-(-cap // page_size))
    offset = (number - 1) * page_size
    rows = list(queryset[offset : offset + page_size + 1])
    count = queryset.order_by()[: cap + 1].count()
    return Page(
        items=rows[:page_size],
        number=number,
        page_size=page_size,
        has_next=len(rows) > page_size,
        count=min(count, cap),
        count_is_capped=count > cap,
    )

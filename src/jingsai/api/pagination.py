"""Every list is paginated: ``page`` (from 1) and ``page_size`` (at most
:data:`MAX_PAGE_SIZE`, 25 by default; a larger one is refused with 422). Pages are
read as the pages' lists are (:func:`jingsai.common.pagination.paginate`:
``LIMIT n+1`` and a count up to a cap), so a list stays fast on a million rows;
``count_is_capped`` says the count stopped at the cap.

Endpoints take ``page: Query[PageIn]``, read :func:`page_of` and answer the
schema :func:`paged` makes for their item schema (the items can then be turned
into output in one batch, e.g. with the members of every entry of the page).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.db.models import QuerySet
from ninja import Field, Schema
from ninja.pagination import PaginationBase

from jingsai.common.pagination import paginate

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100


class PageIn(Schema):
    page: int = Field(1, ge=1, le=1_000_000, description="page number, from 1")
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


class Pages(PaginationBase):
    """ninja's pagination interface over :func:`jingsai.common.pagination.paginate`."""

    Input = PageIn

    class Output(Schema):
        items: list[Any]
        count: int
        count_is_capped: bool
        page: int
        page_size: int
        has_next: bool

    def paginate_queryset(self, queryset, pagination: PageIn, request=None, **params) -> Any:
        if isinstance(queryset, QuerySet):
            page = paginate(queryset, page=pagination.page, page_size=pagination.page_size)
            return {
                "items": page.items,
                "count": page.count,
                "count_is_capped": page.count_is_capped,
                "page": page.number,
                "page_size": page.page_size,
                "has_next": page.has_next,
            }
        rows = list(queryset)
        start = (pagination.page - 1) * pagination.page_size
        return {
            "items": rows[start : start + pagination.page_size],
            "count": len(rows),
            "count_is_capped": False,
            "page": pagination.page,
            "page_size": pagination.page_size,
            "has_next": start + pagination.page_size < len(rows),
        }


_pages = Pages()


def page_of(queryset, params: PageIn) -> dict[str, Any]:
    """One page of ``queryset`` (ordered by the caller) as the paged schema's fields."""
    return _pages.paginate_queryset(queryset, params)


@cache
def paged(item: type[Schema]) -> type[Schema]:
    """The paged output schema of ``item``: ``Paged<Item>``."""
    return type(
        f"Paged{item.__name__}",
        (Pages.Output,),
        {"__annotations__": {"items": list[item]}, "__module__": __name__},
    )

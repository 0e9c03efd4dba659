"""Nominations of the 830 round in the caller's scope (``policy.nominations_visible_to``);
the role must browse honours (``policy.can_browse_honours``, 403 otherwise)."""

from __future__ import annotations

from ninja import Field, Query, Router, Schema
from ninja.responses import codes_4xx

from jingsai.access import policy
from jingsai.api.auth import required_auth
from jingsai.api.errors import ErrorOut
from jingsai.api.pagination import PageIn, page_of, paged
from jingsai.api.schemas import Id, choice
from jingsai.api.schemas.others import NominationOut
from jingsai.api.scoping import require, visible_or_404
from jingsai.honours.models import Nomination

router = Router(tags=["honours"], auth=required_auth)


def _nominations(user):
    require(policy.can_browse_honours, user)
    return policy.nominations_visible_to(user).select_related(
        "round_category__round__year",
        "round_category__category",
        "worker",
        "innovation",
        "organisation",
        "nominator",
    )


def nomination_out(n: Nomination) -> dict:
    if n.worker_id:
        kind, nominee = "worker", n.worker.name
    elif n.innovation_id:
        kind, nominee = "innovation", n.innovation.title
    else:
        kind, nominee = "organisation", n.organisation.name if n.organisation_id else ""
    category = n.round_category.category
    return {
        "id": n.pk,
        "year": n.round_category.round.year.year,
        "category": category.code,
        "category_name": category.display_name,
        "nominee_kind": kind,
        "nominee": nominee,
        "nominator_id": n.nominator_id,
        "nominator_name": n.nominator.name,
        "status": n.status,
        "eligible": n.eligible,
        "total": n.total,
        "rank": n.rank,
        "proposed": n.proposed,
        "notice_from": n.notice_from,
        "notice_until": n.notice_until,
    }


class NominationFilters(Schema):
    year: int | None = Field(None, ge=2000, le=9999)
    status: choice(Nomination.Status) | None = None  # type: ignore[valid-type]


@router.get(
    "", response={200: paged(NominationOut), codes_4xx: ErrorOut}, url_name="nomination_list"
)
def nomination_list(request, page: Query[PageIn], filters: Query[NominationFilters]):
    nominations = _nominations(request.user)
    if filters.year is not None:
        nominations = nominations.filter(round_category__round__year__year=filters.year)
    if filters.status is not None:
        nominations = nominations.filter(status=filters.status)
    result = page_of(nominations.order_by("-id"), page)
    result["items"] = [nomination_out(n) for n in result["items"]]
    return result


@router.get(
    "/{int:nomination_id}",
    response={200: NominationOut, codes_4xx: ErrorOut},
    url_name="nomination_detail",
)
def nomination_detail(request, nomination_id: Id):
    return nomination_out(visible_or_404(_nominations(request.user), pk=nomination_id))

"""Innovation results (成果转化) in the caller's scope.

Those who browse results (admins, leadership, co-organisers, enterprise officers)
see ``policy.innovations_visible_to``; a worker sees the results he authored, as
in his portal; others are refused (403).
"""

from __future__ import annotations

from django.db.models import Prefetch
from ninja import Query, Router, Schema
from ninja.responses import codes_4xx

from jingsai.access import policy
from jingsai.api.auth import required_auth
from jingsai.api.errors import ErrorOut, Forbidden
from jingsai.api.pagination import PageIn, page_of, paged
from jingsai.api.schemas import Id, choice
from jingsai.api.schemas.others import InnovationOut
from jingsai.api.scoping import visible_or_404
from jingsai.innovation.models import Author, InnovationResult

router = Router(tags=["innovation"], auth=required_auth)


def innovations_for(user):
    if policy.can_browse_innovations(user):
        return policy.innovations_visible_to(user)
    if policy.can_use_innovation_portal(user):
        return policy.innovations_authored_by(user)
    raise Forbidden()


def _with_details(results):
    return results.select_related("year", "enterprise", "reward_band").prefetch_related(
        Prefetch(
            "authors",
            queryset=Author.objects.select_related("worker").order_by("order", "id"),
            to_attr="author_list",
        )
    )


def innovation_out(r: InnovationResult) -> dict:
    return {
        "id": r.pk,
        "kind": r.kind,
        "title": r.title,
        "year": r.year.year,
        "enterprise_id": r.enterprise_id,
        "enterprise_name": r.enterprise.name,
        "competition_id": r.competition_id,
        "status": r.status,
        "authors": [a.worker.name for a in r.author_list],
        "money_saved": r.money_saved,
        "hours_saved": r.hours_saved,
        "reward_band": r.reward_band.name if r.reward_band_id else None,
        "adopted_on": r.adopted_on,
        "verified_at": r.verified_at,
        "recognised_at": r.recognised_at,
    }


class InnovationFilters(Schema):
    status: choice(InnovationResult.Status) | None = None  # type: ignore[valid-type]
    kind: choice(InnovationResult.Kind) | None = None  # type: ignore[valid-type]


@router.get(
    "", response={200: paged(InnovationOut), codes_4xx: ErrorOut}, url_name="innovation_list"
)
def innovation_list(request, page: Query[PageIn], filters: Query[InnovationFilters]):
    results = innovations_for(request.user)
    if filters.status is not None:
        results = results.filter(status=filters.status)
    if filters.kind is not None:
        results = results.filter(kind=filters.kind)
    result = page_of(_with_details(results).order_by("-id"), page)
    result["items"] = [innovation_out(r) for r in result["items"]]
    return result


@router.get(
    "/{int:result_id}",
    response={200: InnovationOut, codes_4xx: ErrorOut},
    url_name="innovation_detail",
)
def innovation_detail(request, result_id: Id):
    found = visible_or_404(_with_details(innovations_for(request.user)), pk=result_id)
    return innovation_out(found)

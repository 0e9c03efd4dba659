"""Organisations within the caller's scope (``policy.organisations_visible_to``)."""

from ninja import Query, Router, Schema
from ninja.responses import codes_4xx

from jingsai.access import policy
from jingsai.api.auth import required_auth
from jingsai.api.errors import ErrorOut
from jingsai.api.pagination import PageIn, page_of, paged
from jingsai.api.schemas import Id, choice
from jingsai.api.schemas.organisations import OrganisationOut
from jingsai.api.scoping import require, visible_or_404
from jingsai.organisations.models import Organisation

router = Router(tags=["organisations"], auth=required_auth)


class OrganisationFilters(Schema):
    kind: choice(Organisation.Kind) | None = None  # type: ignore[valid-type]


@router.get(
    "", response={200: paged(OrganisationOut), codes_4xx: ErrorOut}, url_name="organisation_list"
)
def organisation_list(request, page: Query[PageIn], filters: Query[OrganisationFilters]):
    require(policy.can_browse_organisations, request.user)
    organisations = policy.organisations_visible_to(request.user)
    if filters.kind:
        organisations = organisations.filter(kind=filters.kind)
    return page_of(organisations.order_by("id"), page)


@router.get(
    "/{int:organisation_id}",
    response={200: OrganisationOut, codes_4xx: ErrorOut},
    url_name="organisation_detail",
)
def organisation_detail(request, organisation_id: Id):
    require(policy.can_browse_organisations, request.user)
    return visible_or_404(policy.organisations_visible_to(request.user), pk=organisation_id)

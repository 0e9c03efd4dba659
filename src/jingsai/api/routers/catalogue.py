"""The catalogue: programme years, series, brands, industries, zones. Public, as on
the public pages' filters."""

from ninja import Query, Router
from ninja.responses import codes_4xx

from jingsai.api.auth import optional_auth
from jingsai.api.errors import ErrorOut
from jingsai.api.pagination import PageIn, page_of, paged
from jingsai.api.schemas.catalogue import TagOut, YearOut
from jingsai.catalogue.models import Brand, Industry, ProgrammeYear, Series, Zone

router = Router(tags=["catalogue"], auth=optional_auth)


@router.get(
    "/years", response={200: paged(YearOut), codes_4xx: ErrorOut}, url_name="catalogue_years"
)
def catalogue_years(request, page: Query[PageIn]):
    return page_of(ProgrammeYear.objects.order_by("-year"), page)


def _tags(model, page: PageIn):
    return page_of(model.objects.order_by("order", "id"), page)


@router.get(
    "/series", response={200: paged(TagOut), codes_4xx: ErrorOut}, url_name="catalogue_series"
)
def catalogue_series(request, page: Query[PageIn]):
    return _tags(Series, page)


@router.get(
    "/brands", response={200: paged(TagOut), codes_4xx: ErrorOut}, url_name="catalogue_brands"
)
def catalogue_brands(request, page: Query[PageIn]):
    return _tags(Brand, page)


@router.get(
    "/industries",
    response={200: paged(TagOut), codes_4xx: ErrorOut},
    url_name="catalogue_industries",
)
def catalogue_industries(request, page: Query[PageIn]):
    return _tags(Industry, page)


@router.get(
    "/zones", response={200: paged(TagOut), codes_4xx: ErrorOut}, url_name="catalogue_zones"
)
def catalogue_zones(request, page: Query[PageIn]):
    return _tags(Zone, page)

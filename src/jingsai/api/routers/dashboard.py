"""The dashboard's figures (``registry.dashboard(...).as_json()``), with the page's
filters and scope: ``policy.can_read_dashboard`` (403 otherwise) and
``policy.dashboard_scope``. ``year`` is the programme year (the current one when
missing); ``series``, ``brand``, ``industry``, ``zone`` are catalogue ids
(``industry``/``zone`` 0: none); a value that names nothing answers 404, as the
page does; ``compare`` puts every section beside last year's."""

from __future__ import annotations

from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.responses import codes_4xx

from jingsai.access import policy
from jingsai.api.auth import required_auth
from jingsai.api.errors import ErrorOut, NotFound
from jingsai.api.schemas import MAX_ID
from jingsai.api.schemas.others import DashboardOut
from jingsai.api.scoping import require
from jingsai.catalogue.models import Brand, Industry, ProgrammeYear, Series, Zone
from jingsai.dashboards.domain import registry
from jingsai.dashboards.domain.base import Filters

router = Router(tags=["dashboard"], auth=required_auth)

CATALOGUE = {"series": Series, "brand": Brand, "industry": Industry, "zone": Zone}
NONE_ALLOWED = ("industry", "zone")


class DashboardFilters(Schema):
    year: int | None = Field(None, ge=2000, le=9999)
    series: int | None = Field(None, ge=1, le=MAX_ID)
    brand: int | None = Field(None, ge=1, le=MAX_ID)
    industry: int | None = Field(None, ge=0, le=MAX_ID)
    zone: int | None = Field(None, ge=0, le=MAX_ID)
    compare: bool = False


def filters_of(params: DashboardFilters) -> Filters:
    if params.year is not None:
        year = ProgrammeYear.objects.filter(year=params.year).first()
    else:
        years = ProgrammeYear.objects.order_by("-year")
        year = years.filter(year=timezone.localdate().year).first() or years.first()
    if year is None:
        raise NotFound()
    chosen: dict[str, int | None] = {}
    for name, model in CATALOGUE.items():
        value = getattr(params, name)
        if value is None:
            chosen[name] = None
        elif value == 0 and name in NONE_ALLOWED:
            chosen[name] = 0
        elif value and model.objects.filter(pk=value).exists():
            chosen[name] = value
        else:
            raise NotFound()
    return Filters(year=year, **chosen)


@router.get("", response={200: DashboardOut, codes_4xx: ErrorOut}, url_name="dashboard")
def dashboard(request, filters: Query[DashboardFilters]):
    require(policy.can_read_dashboard, request.user)
    board = registry.dashboard(
        filters_of(filters), policy.dashboard_scope(request.user), last_year=filters.compare
    )
    return board.as_json()

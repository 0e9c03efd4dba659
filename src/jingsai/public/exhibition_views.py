"""The exhibition (赛展合一): a programme year's competitions as the public sees them.

``/exhibition/`` shows the current programme year and ``/exhibition/<year>/`` any
other; what is shown, and how it is counted, is :func:`jingsai.public.exhibition.year_exhibition`.
No sign-in is needed. The year's figures and winners take a second or more to gather
at Pudong scale, so the page body is kept for ``JINGSAI_EXHIBITION_CACHE_SECONDS``
(default 120) per year and language: a new result shows up within that time.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, render
from django.utils.functional import SimpleLazyObject

from jingsai.catalogue.models import ProgrammeYear
from jingsai.common.replicas import reads_from_replica
from jingsai.public.exhibition import (
    current_year,
    exhibited_years,
    year_exhibition,
)


def _render(request, year: ProgrammeYear | None):
    """The year's page; with no programme year at all, a page that says so."""
    years = list(exhibited_years())
    if year is not None and year not in years:
        years = sorted([*years, year], key=lambda y: -y.year)
    return render(
        request,
        "public/exhibition/year.html",
        {
            "year": year,
            "years": years,
            # gathered only when the cached body is missing
            "exhibition": SimpleLazyObject(lambda: year_exhibition(year))
            if year is not None
            else None,
            "cache_seconds": getattr(settings, "JINGSAI_EXHIBITION_CACHE_SECONDS", 120),
        },
    )


@login_not_required
@reads_from_replica
def current(request):
    return _render(request, current_year())


@login_not_required
@reads_from_replica
def year_page(request, year):
    return _render(request, get_object_or_404(ProgrammeYear, year=year))

"""The dashboard's participation figures, read only from the cells.

:func:`figures` answers for any filter (year × series × brand × industry ×
zone) with ten small index range scans (see :mod:`jingsai.dashboards.models`):
totals and breakdowns of enterprises, workers and approved entries.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Sum

from jingsai.catalogue.models import ProgrammeYear
from jingsai.dashboards.models import Cell

WORKERS = Cell.Measure.WORKERS
ENTERPRISES = Cell.Measure.ENTERPRISES
ENTRIES = Cell.Measure.ENTRIES
ENTRIES_BY_MONTH = Cell.Measure.ENTRIES_BY_MONTH


@dataclass(frozen=True)
class Filters:
    """What the figures are narrowed to; ``None`` is "all" (ids of the catalogue)."""

    year: ProgrammeYear
    series: int | None = None
    brand: int | None = None
    industry: int | None = None
    zone: int | None = None


def _sums(rows, by: str) -> dict:
    out: dict = defaultdict(int)
    for row in rows:
        out[row[by]] += row["n"]
    return {k: v for k, v in sorted(out.items()) if v}


def _measure(filters: Filters, measure: int, *, local: tuple[str, ...]) -> dict:
    """Total and breakdowns of one measure; ``local`` are the breakdowns read from the
    filtered class's own cells (industry, zone, and scope or month)."""
    base = Cell.objects.filter(year=filters.year, measure=measure).order_by()
    if filters.industry is not None:
        base = base.filter(industry=filters.industry)
    if filters.zone is not None:
        base = base.filter(zone=filters.zone)
    series, brand = filters.series or 0, filters.brand or 0
    own = list(
        base.filter(series=series, brand=brand).values(*local).annotate(n=Sum("n")).order_by()
    )
    result: dict = {"total": sum(row["n"] for row in own)}
    for by in local:
        result[f"by_{by}"] = _sums(own, by)
    per_series = base.filter(brand=brand)
    per_series = per_series.filter(series=series) if series else per_series.filter(series__gt=0)
    result["by_series"] = _sums(per_series.values("series").annotate(n=Sum("n")), "series")
    per_brand = base.filter(series=series)
    per_brand = per_brand.filter(brand=brand) if brand else per_brand.filter(brand__gt=0)
    result["by_brand"] = _sums(per_brand.values("brand").annotate(n=Sum("n")), "brand")
    return result


def figures(filters: Filters) -> dict:
    """Enterprises and workers taking part, approved entries: totals and counts by series,
    brand, industry and zone (entries also by level scope and month, ``yyyymm``), with the
    year's targets. Industry, zone and brand 0 are "none"."""
    entries = _measure(filters, ENTRIES, local=("industry", "zone", "scope"))
    months = (
        Cell.objects.filter(year=filters.year, measure=ENTRIES_BY_MONTH)
        .filter(series=filters.series or 0, brand=filters.brand or 0)
        .order_by()
    )
    if filters.industry is not None:
        months = months.filter(industry=filters.industry)
    if filters.zone is not None:
        months = months.filter(zone=filters.zone)
    entries["by_month"] = _sums(months.values("month").annotate(n=Sum("n")), "month")
    return {
        "year": filters.year.year,
        "targets": {
            "enterprises": filters.year.target_enterprises,
            "workers": filters.year.target_workers,
        },
        "enterprises": _measure(filters, ENTERPRISES, local=("industry", "zone")),
        "workers": _measure(filters, WORKERS, local=("industry", "zone")),
        "entries": entries,
    }

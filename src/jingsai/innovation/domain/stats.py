"""Statistics of innovation results: how many, and what the verified ones saved.

:func:`filter_results` narrows a queryset of results by year, kind, status,
enterprise (a name search or an id), industry and series; the list, its export and
the statistics use it alike. :func:`statistics` groups what remains by kind, year,
enterprise (the top N), industry, series, status and reward tier, each row with the
number of results, the number with a verified benefit (verified or recognised), and
the money (yuan) and hours those saved. Every table is one aggregate query
(GROUP BY); nothing loops over the results in Python.

- **industry** is the industry of the result's enterprise;
- **series** is the series of the competition the result came from, and for a result
  that came from no competition the series of its enterprise's industry (blank when
  the industry has none, or the enterprise no industry). The series filter follows
  the same rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from jingsai.catalogue.models import Industry, Series
from jingsai.innovation.models import InnovationResult

S = InnovationResult.Status
VERIFIED_STATES = (S.VERIFIED, S.RECOGNISED)
VERIFIED = Q(status__in=VERIFIED_STATES)
TOP_ENTERPRISES = 20


@dataclass
class Filters:
    year: int | None = None
    kind: str = ""
    status: str = ""
    enterprise: str = ""  # a part of the enterprise's name
    enterprise_id: int | None = None
    industry: int | None = None
    series: int | None = None

    @classmethod
    def from_query(cls, params) -> Filters:
        """From a request's GET parameters; anything malformed is ignored."""

        def number(name: str) -> int | None:
            value = (params.get(name) or "").strip()
            return int(value) if value.isdigit() and len(value) < 10 else None

        kind = (params.get("kind") or "").strip()
        status = (params.get("status") or "").strip()
        return cls(
            year=number("year"),
            kind=kind if kind in InnovationResult.Kind.values else "",
            status=status if status in S.values else "",
            enterprise=(params.get("enterprise") or "").strip()[:100],
            enterprise_id=number("enterprise_id"),
            industry=number("industry"),
            series=number("series"),
        )


def series_of_result() -> Coalesce:
    """The result's series: its competition's, else its enterprise's industry's."""
    return Coalesce(F("competition__series_id"), F("enterprise__industry__series_id"))


def filter_results(results: QuerySet[InnovationResult], filters: Filters) -> QuerySet:
    if filters.year:
        results = results.filter(year__year=filters.year)
    if filters.kind:
        results = results.filter(kind=filters.kind)
    if filters.status:
        results = results.filter(status=filters.status)
    if filters.enterprise_id:
        results = results.filter(enterprise_id=filters.enterprise_id)
    if filters.enterprise:
        results = results.filter(enterprise__name__contains=filters.enterprise)
    if filters.industry:
        results = results.filter(enterprise__industry_id=filters.industry)
    if filters.series:
        results = results.filter(
            Q(competition__series_id=filters.series)
            | Q(competition__isnull=True, enterprise__industry__series_id=filters.series)
        )
    return results


@dataclass
class Row:
    key: Any
    label: str
    count: int
    verified: int
    money: Decimal
    hours: Decimal


@dataclass
class Statistics:
    total: Row
    by_kind: list[Row] = field(default_factory=list)
    by_year: list[Row] = field(default_factory=list)
    by_enterprise: list[Row] = field(default_factory=list)
    by_industry: list[Row] = field(default_factory=list)
    by_series: list[Row] = field(default_factory=list)
    by_status: list[Row] = field(default_factory=list)
    by_tier: list[Row] = field(default_factory=list)
    enterprises_shown: int = TOP_ENTERPRISES

    def tables(self) -> list[tuple[str, list[Row]]]:
        """(code, rows) of every table, in the page's order."""
        return [
            ("kind", self.by_kind),
            ("year", self.by_year),
            ("enterprise", self.by_enterprise),
            ("industry", self.by_industry),
            ("series", self.by_series),
            ("tier", self.by_tier),
            ("status", self.by_status),
        ]


FIGURES = {
    "n": Count("id"),
    "n_verified": Count("id", filter=VERIFIED),
    "money": Sum("money_saved", filter=VERIFIED),
    "hours": Sum("hours_saved", filter=VERIFIED),
}


def _row(key: Any, label: str, values: dict) -> Row:
    return Row(
        key=key,
        label=label,
        count=values["n"] or 0,
        verified=values["n_verified"] or 0,
        money=Decimal(values["money"] or 0),
        hours=Decimal(values["hours"] or 0),
    )


def _grouped(results: QuerySet, *keys: str, **expressions: Any) -> list[dict]:
    query = results.order_by()
    if expressions:
        query = query.annotate(**expressions)
    return list(query.values(*keys, *expressions).annotate(**FIGURES).order_by())


def statistics(
    results: QuerySet[InnovationResult], *, top: int = TOP_ENTERPRISES, none_label: str = "—"
) -> Statistics:
    """The tables for ``results`` (already scoped and filtered).

    ``results`` must not join to many-valued relations (authors): counts would
    multiply. Pass ``InnovationResult.objects.filter(pk__in=scoped.values("pk"))``
    when in doubt.
    """
    total = results.order_by().aggregate(**FIGURES)
    stats = Statistics(total=_row(None, "", total), enterprises_shown=top)

    kinds = dict(InnovationResult.Kind.choices)
    rows = {r["kind"]: r for r in _grouped(results, "kind")}
    stats.by_kind = [_row(k, str(kinds[k]), rows[k]) for k in kinds if k in rows]

    stats.by_year = [
        _row(r["year__year"], str(r["year__year"]), r)
        for r in sorted(_grouped(results, "year__year"), key=lambda r: -r["year__year"])
    ]

    enterprises = (
        results.order_by()
        .values("enterprise_id", "enterprise__name")
        .annotate(**FIGURES)
        .order_by("-n", F("money").desc(nulls_last=True), "enterprise__name", "enterprise_id")[:top]
    )
    stats.by_enterprise = [_row(r["enterprise_id"], r["enterprise__name"], r) for r in enterprises]

    rows = _grouped(results, "enterprise__industry_id")
    industries = Industry.objects.in_bulk(
        [r["enterprise__industry_id"] for r in rows if r["enterprise__industry_id"]]
    )
    stats.by_industry = _labelled(rows, "enterprise__industry_id", industries, none_label)

    rows = _grouped(results, series_key=series_of_result())
    series = Series.objects.in_bulk([r["series_key"] for r in rows if r["series_key"]])
    stats.by_series = _labelled(rows, "series_key", series, none_label)

    statuses = dict(S.choices)
    rows = {r["status"]: r for r in _grouped(results, "status")}
    stats.by_status = [_row(s, str(statuses[s]), rows[s]) for s in statuses if s in rows]

    rows = _grouped(results, "reward_band_id", "reward_band__name", "reward_band__order")
    rows.sort(key=lambda r: (r["reward_band_id"] is None, r["reward_band__order"] or 0))
    stats.by_tier = [
        _row(r["reward_band_id"], r["reward_band__name"] or none_label, r) for r in rows
    ]
    return stats


def _labelled(rows: list[dict], key: str, objects: dict, none_label: str) -> list[Row]:
    """Rows in the catalogue's order (then those without one), labelled by name."""

    def order(r: dict):
        obj = objects.get(r[key])
        return (obj is None, getattr(obj, "order", 0), str(obj or ""))

    return [
        _row(r[key], str(objects[r[key]]) if r[key] in objects else none_label, r)
        for r in sorted(rows, key=order)
    ]

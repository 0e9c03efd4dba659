"""The medal table (奖牌榜): awards of published results by enterprise, zone and industry,
with points per award level (configurable per programme year) and the average total.

What counts
    A result counts once its competition's results are public winners: published or
    archived (:func:`jingsai.public.exhibition.winners_are_public`). Each result has an
    award (``judging.Result.award``, e.g. 一等奖) or none; every stored result is ranked.
    A unit's *average* is the mean total of its ranked results. An entry's zone is its own
    (``Entry.zone``), its industry its enterprise's, as in the participation figures.

Points
    :class:`~jingsai.dashboards.models.MedalPoints` per programme year: award name (as the
    results store it) → points. A year without any uses :data:`DEFAULT_POINTS` (一等奖 4,
    二等奖 3, 三等奖 2, 优秀奖 1, the names the judging award rules and the demo use). An
    award without points counts as an award worth 0 points. :func:`save_points` changes
    them (programme admins; audited).

Summaries
    A Pudong-scale year holds hundreds of thousands of results, so the table is read from
    :class:`~jingsai.dashboards.models.MedalCell` (counts and summed totals per (series,
    brand) class, enterprise or all, industry, zone and award: a few thousand rows per
    class), kept in step by :func:`refresh` inside the transaction that publishes results
    or re-opens them (``judging.domain.publication``). :class:`AwardTally` keeps what each
    competition added, so a refresh applies only the differences, and a limited scope (a
    co-organiser's competitions, an officer's enterprises) reads the tally rows of its
    competitions or enterprises. :func:`rebuild` recomputes a year from the results.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Round
from django.utils.translation import gettext as _

from jingsai.catalogue.models import Industry, ProgrammeYear, Zone
from jingsai.common.domain import audit
from jingsai.competitions.models import Competition, EntryMember
from jingsai.dashboards.domain.base import Chart, Filters, Scope, Section, Series, Table
from jingsai.dashboards.domain.enterprise_tally import classes
from jingsai.dashboards.models import AwardTally, MedalCell, MedalPoints
from jingsai.judging.models import Result
from jingsai.organisations.models import Organisation

KEY = "medals"
S = Competition.Status
COUNTED = (S.PUBLISHED, S.ARCHIVED)  # as jingsai.public.exhibition.WINNER_STATUSES
DEFAULT_POINTS: tuple[tuple[str, int], ...] = (
    ("一等奖", 4),
    ("二等奖", 3),
    ("三等奖", 2),
    ("优秀奖", 1),
)
MAX_POINTS = 1000
TABLE_ROWS = 50  # enterprises in the medal table (the page, the report)
CENT = Decimal("0.01")


# --- points -----------------------------------------------------------------------------


def points_of(year: ProgrammeYear) -> list[tuple[str, int]]:
    """(award, points) of the year, in order; the defaults when none are configured."""
    rows = list(
        MedalPoints.objects.filter(year=year).order_by("order", "id").values_list("award", "points")
    )
    return rows or list(DEFAULT_POINTS)


def is_configured(year: ProgrammeYear) -> bool:
    return MedalPoints.objects.filter(year=year).exists()


class PointsRefused(Exception):  # noqa: N818 (a refusal shown to the user)
    pass


def save_points(
    *, actor: Any, year: ProgrammeYear, rows: Sequence[tuple[str, int]]
) -> list[MedalPoints]:
    """Replace the year's award points with ``rows`` (award, points), in that order."""
    from jingsai.access import policy

    if actor is not None and not policy.can_configure_dashboard(actor):
        raise PointsRefused(_("Only programme admins change the medal points."))
    cleaned: list[tuple[str, int]] = []
    seen: set[str] = set()
    for award, points in rows:
        award = (award or "").strip()
        if not award:
            raise PointsRefused(_("Name every award."))
        if len(award) > 50:
            raise PointsRefused(_("An award's name has at most 50 characters."))
        if award in seen:
            raise PointsRefused(_("The award %(award)s is listed twice.") % {"award": award})
        if not isinstance(points, int) or not 0 <= points <= MAX_POINTS:
            raise PointsRefused(
                _("Points are whole numbers from 0 to %(most)s.") % {"most": MAX_POINTS}
            )
        seen.add(award)
        cleaned.append((award, points))
    if not cleaned:
        raise PointsRefused(_("Give at least one award its points."))
    with transaction.atomic():
        before = points_of(year) if is_configured(year) else None
        MedalPoints.objects.filter(year=year).delete()
        made = MedalPoints.objects.bulk_create(
            MedalPoints(year=year, award=award, points=points, order=order)
            for order, (award, points) in enumerate(cleaned, start=1)
        )
        if before != cleaned:
            audit.record(
                actor=actor,
                action="dashboard:medal_points",
                object_type="dashboards.medalpoints",
                object_id=year.pk,
                object_repr=str(year.year),
                before={"points": dict(before)} if before is not None else None,
                after={"points": dict(cleaned)},
            )
    return made


def awards_found(year: ProgrammeYear) -> list[tuple[str, int]]:
    """The award names of the year's published results with how many carry each, most
    first (what the points can be given to)."""
    rows = (
        MedalCell.objects.filter(year=year, series=0, brand=0, enterprise=0, n__gt=0)
        .exclude(award="")
        .values("award")
        .annotate(n=Sum("n"))
        .order_by("-n", "award")
    )
    return [(r["award"], r["n"]) for r in rows]


# --- keeping the summary in step --------------------------------------------------------

type Fact = tuple[int, int, int, int, int, int]  # year, series, brand, industry, n, total


def _from_results(competition_id: int, year: int, series: int, brand: int) -> dict:
    """(enterprise, zone, award) → fact of the competition's stored results."""
    rows = (
        Result.objects.filter(competition_id=competition_id)
        .order_by()
        .values_list(
            "entry__enterprise_id", "entry__zone_id", "award", "entry__enterprise__industry_id"
        )
        .annotate(
            n=Count("id"),
            total=Sum(Cast(Round(F("total") * 100), output_field=BigIntegerField())),
        )
    )
    found: dict[tuple[int, int, str], Fact] = {}
    for enterprise, zone, award, industry, n, total in rows:
        key = (enterprise, zone or 0, award)
        found[key] = (year, series, brand, industry or 0, n, int(total or 0))
    return found


def _count(deltas: dict, key: tuple[int, int, str], fact: Fact, sign: int) -> None:
    enterprise, zone, award = key
    year, series, brand, industry, n, total = fact
    for s, b in classes(series, brand):
        for unit in (enterprise, 0):
            cell = deltas[(year, s, b, unit, industry, zone, award)]
            cell[0] += sign * n
            cell[1] += sign * total


UPSERT_ROWS = 1000  # rows per statement: 9,000 parameters, below SQLite's limit


def _apply(deltas: dict) -> None:
    """Add the deltas to the cells, in key order (no deadlocks), a thousand rows per
    upsert statement (a competition of 18,000 results changes tens of thousands)."""
    rows = [(*key, n, total) for key, (n, total) in sorted(deltas.items()) if n or total]
    table = connection.ops.quote_name(MedalCell._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), UPSERT_ROWS):
            chunk = rows[start : start + UPSERT_ROWS]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} "  # noqa: S608 (names from the model, values as parameters)
                "(year_id, series, brand, enterprise, industry, zone, award, n, total) "
                f"VALUES {values} "
                "ON CONFLICT (year_id, series, brand, enterprise, industry, zone, award) "
                f"DO UPDATE SET n = {table}.n + excluded.n, total = {table}.total + excluded.total",
                [value for row in chunk for value in row],
            )


def refresh(competitions: Iterable[Competition | int]) -> None:
    """The hook: these competitions' results were published or re-opened (or their year,
    series or brand changed). Call inside that transaction: what each counts now is
    compared with what it counted, and the cells take the difference."""
    ids = sorted({getattr(c, "pk", c) for c in competitions})
    if not ids:
        return
    with transaction.atomic():
        locked = list(
            Competition.objects.select_for_update()
            .filter(pk__in=ids)
            .order_by("pk")
            .values_list("pk", "year_id", "series_id", "brand_id", "status")
        )
        deltas: dict = defaultdict(lambda: [0, 0])
        for pk, year, series, brand, status in locked:
            old: dict[tuple[int, int, str], Fact] = {
                (e, z, a): (y, s, b, i, n, t)
                for e, z, a, y, s, b, i, n, t in AwardTally.objects.filter(
                    competition_id=pk
                ).values_list(
                    "enterprise", "zone", "award", "year_id", "series", "brand", "industry",
                    "n", "total",
                )
            }  # fmt: skip
            new = _from_results(pk, year, series, brand or 0) if status in COUNTED else {}
            changed = [k for k in old.keys() | new.keys() if old.get(k) != new.get(k)]
            if not changed:
                continue
            for key in changed:
                if key in old:
                    _count(deltas, key, old[key], -1)
                if key in new:
                    _count(deltas, key, new[key], +1)
            stale = AwardTally.objects.filter(competition_id=pk)
            stale._raw_delete(stale.db)
            AwardTally.objects.bulk_create(
                (_tally(pk, key, fact) for key, fact in sorted(new.items())), batch_size=2000
            )
        _apply(deltas)


def enterprises_changed(enterprise_ids: Iterable[int]) -> None:
    """These enterprises' industry changed: the competitions they have counted results in
    are counted again (their rows carry the industry)."""
    ids = sorted(set(enterprise_ids))
    competitions: set[int] = set()
    for start in range(0, len(ids), 900):
        competitions.update(
            AwardTally.objects.filter(enterprise__in=ids[start : start + 900])
            .order_by()
            .values_list("competition_id", flat=True)
            .distinct()
        )
    refresh(competitions)


def _tally(competition_id: int, key: tuple[int, int, str], fact: Fact) -> AwardTally:
    enterprise, zone, award = key
    year, series, brand, industry, n, total = fact
    return AwardTally(
        competition_id=competition_id,
        year_id=year,
        series=series,
        brand=brand,
        enterprise=enterprise,
        industry=industry,
        zone=zone,
        award=award,
        n=n,
        total=total,
    )


def rebuild(year: ProgrammeYear | None = None) -> int:
    """Recompute a year (every year when None) from the stored results; returns the
    number of tally rows."""
    years = [year] if year is not None else list(ProgrammeYear.objects.order_by("year"))
    made = 0
    for one in years:
        with transaction.atomic():
            for model in (MedalCell, AwardTally):
                stale = model.objects.filter(year=one)
                stale._raw_delete(stale.db)
            for pk, series, brand in Competition.objects.filter(
                year=one, status__in=COUNTED
            ).values_list("pk", "series_id", "brand_id"):
                found = _from_results(pk, one.pk, series, brand or 0)
                AwardTally.objects.bulk_create(
                    (_tally(pk, key, fact) for key, fact in sorted(found.items())),
                    batch_size=2000,
                )
                made += len(found)
            _cells_from_tally(one.pk)
    return made


def _cells_from_tally(year_id: int) -> None:
    q = connection.ops.quote_name
    cell, tally = q(MedalCell._meta.db_table), q(AwardTally._meta.db_table)
    with connection.cursor() as cursor:
        for series, brand, only_brands in (
            ("0", "0", False),
            ("series", "0", False),
            ("0", "brand", True),
            ("series", "brand", True),
        ):
            for enterprise in ("enterprise", "0"):
                exprs = (series, brand, enterprise)
                grouped = ", ".join(
                    ["year_id", *(e for e in exprs if e != "0"), "industry", "zone", "award"]
                )
                cursor.execute(
                    f"INSERT INTO {cell} "  # noqa: S608 (names from the models)
                    "(year_id, series, brand, enterprise, industry, zone, award, n, total) "
                    f"SELECT year_id, {series}, {brand}, {enterprise}, industry, zone, award, "
                    f"SUM(n), SUM(total) FROM {tally} WHERE year_id = %s"
                    f"{' AND brand > 0' if only_brands else ''} GROUP BY {grouped}",
                    [year_id],
                )


# --- reading ----------------------------------------------------------------------------


def _eq(name: str, value: int | None) -> Q:
    return Q() if value is None else Q(**{name: value})


def tally_rows(filters: Filters, scope: Scope) -> tuple[QuerySet, QuerySet]:
    """(rows per enterprise, rows for zones and industries) for the filters and scope: the
    cells for everything, the tally rows of the scope's competitions or enterprises
    otherwise (the same columns)."""
    place = _eq("industry", filters.industry) & _eq("zone", filters.zone)
    if scope.everything:
        cells = MedalCell.objects.filter(
            place,
            year=filters.year,
            series=filters.series or 0,
            brand=filters.brand or 0,
            n__gt=0,
        ).order_by()
        return cells.filter(enterprise__gt=0), cells.filter(enterprise=0)
    rows = AwardTally.objects.filter(
        place,
        _eq("series", filters.series),
        _eq("brand", filters.brand),
        year=filters.year,
    ).order_by()
    if scope.competition_ids is not None:
        rows = rows.filter(competition_id__in=sorted(scope.competition_ids))
    if scope.enterprise_ids is not None:
        rows = rows.filter(enterprise__in=sorted(scope.enterprise_ids))
    return rows, rows


def points_case(points: Sequence[tuple[str, int]]):
    return Case(
        *(When(award=award, then=Value(p)) for award, p in points),
        default=Value(0),
        output_field=IntegerField(),
    )


@dataclass
class Unit:
    key: int  # enterprise, zone or industry id (0: none)
    name: str
    counts: dict[str, int] = field(default_factory=dict)  # award → results
    ranked: int = 0
    total: int = 0  # hundredths
    points: int = 0
    rank: int = 0
    zone: str = ""
    industry: str = ""

    @property
    def awards(self) -> int:
        return sum(n for award, n in self.counts.items() if award)

    @property
    def average(self) -> Decimal | None:
        if not self.ranked:
            return None
        return (Decimal(self.total) / 100 / self.ranked).quantize(CENT, ROUND_HALF_UP)


@dataclass
class Medals:
    points: list[tuple[str, int]]
    enterprises: list[Unit]  # the top TABLE_ROWS by points
    zones: list[Unit]
    industries: list[Unit]
    by_awards: list[Unit]  # the top ten by awards
    total: Unit
    enterprises_ranked: int = 0  # enterprises with a ranked result

    @property
    def other_awards(self) -> bool:
        named = {a for a, _p in self.points}
        return any(a and a not in named for a in self.total.counts)


def _rank(units: list[Unit]) -> None:
    """Standard competition ranking (1, 2, 2, 4) by points."""
    for index, unit in enumerate(units):
        if index and unit.points == units[index - 1].points:
            unit.rank = units[index - 1].rank
        else:
            unit.rank = index + 1


def enterprise_units(rows: QuerySet, points, *, order: tuple[str, ...], limit: int) -> list[Unit]:
    top = list(
        rows.values("enterprise")
        .annotate(
            points=Sum(F("n") * points_case(points)),
            # 0, not NULL, without an award: PostgreSQL sorts NULL first in a DESC order
            awards=Coalesce(Sum("n", filter=~Q(award="")), 0),
            ranked=Sum("n"),
            total=Sum("total"),
        )
        .order_by(*order, "enterprise")[:limit]
    )
    ids = [r["enterprise"] for r in top]
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for r in rows.filter(enterprise__in=ids).values("enterprise", "award").annotate(n=Sum("n")):
        counts[r["enterprise"]][r["award"]] = r["n"]
    orgs = Organisation.objects.select_related("zone", "industry").in_bulk(ids)
    units = []
    for r in top:
        org = orgs.get(r["enterprise"])
        units.append(
            Unit(
                key=r["enterprise"],
                name=org.name if org else f"#{r['enterprise']}",
                counts=counts[r["enterprise"]],
                ranked=r["ranked"] or 0,
                total=r["total"] or 0,
                points=r["points"] or 0,
                zone=str(org.zone or "") if org else "",
                industry=str(org.industry or "") if org else "",
            )
        )
    return units


def _units(rows: QuerySet, by: str, names: dict[int, str], points) -> list[Unit]:
    value = dict(points)
    units: dict[int, Unit] = {}
    for r in rows.values(by, "award").annotate(n=Sum("n"), t=Sum("total")):
        key = r[by] or 0
        unit = units.get(key)
        if unit is None:
            unit = units[key] = Unit(key=key, name=names.get(key, _("none")))
        unit.counts[r["award"]] = unit.counts.get(r["award"], 0) + r["n"]
        unit.ranked += r["n"]
        unit.total += r["t"] or 0
        unit.points += r["n"] * value.get(r["award"], 0)
    ordered = sorted(units.values(), key=lambda u: (-u.points, -u.awards, u.key == 0, u.key))
    _rank(ordered)
    return ordered


def _named(units: list[Unit]) -> list[Unit]:
    orgs = Organisation.objects.select_related("zone", "industry").in_bulk([u.key for u in units])
    for unit in units:
        org = orgs.get(unit.key)
        unit.name = org.name if org else f"#{unit.key}"
        unit.zone = str(org.zone or "") if org else ""
        unit.industry = str(org.industry or "") if org else ""
    return units


type Totals = tuple[int, int, int, int, int]  # enterprise, points, awards, ranked, total


def _per_enterprise(rows: QuerySet, points) -> list[Totals]:
    """A limited scope's tally rows (its competitions' or enterprises': thousands, not
    millions) summed per enterprise in the database: (enterprise, points, awards, ranked,
    total) of every enterprise with a ranked result. Grouped on ``enterprise + 0``: after
    reading the scope's rows through their competition or enterprise, rather than walking
    the whole enterprise index in order (SQLite's choice for a set of competitions)."""
    return _fetch(_summed(rows, points))


def _summed(rows: QuerySet, points) -> QuerySet:
    return (
        rows.annotate(unit=F("enterprise") + 0)
        .values("unit")
        .annotate(
            points=Coalesce(Sum(F("n") * points_case(points)), 0),
            awards=Coalesce(Sum("n", filter=~Q(award="")), 0),
            ranked=Sum("n"),
            sum_total=Sum("total"),
        )
        .order_by()
        .values_list("unit", "points", "awards", "ranked", "sum_total")
    )


def _fetch(query: QuerySet) -> list[tuple]:
    """The rows of ``query`` through the cursor: integers need no converting, and
    thousands of rows cost less without the ORM's per-value converters."""
    try:
        sql, params = query.query.sql_with_params()
    except EmptyResultSet:  # an empty scope
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _top(found: list[Totals], by: str, limit: int) -> list[Totals]:
    """The ``limit`` leading enterprises by points (ties: more awards, then the lower id)
    or by awards (ties: more points, then the lower id; only those with an award)."""
    if by == "points":
        return heapq.nsmallest(limit, found, key=lambda t: (-t[1], -t[2], t[0]))
    awarded = (t for t in found if t[2])
    return heapq.nsmallest(limit, awarded, key=lambda t: (-t[2], -t[1], t[0]))


def _enterprise_units(rows: QuerySet, chosen: list[Totals]) -> list[Unit]:
    """Units of the chosen enterprises, in their order: their counts per award read from
    the scope's rows, their names, zones and industries from the organisations."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    ids = sorted({t[0] for t in chosen})
    if ids:
        for enterprise, award, n in (
            rows.filter(enterprise__in=ids)
            .order_by()
            .values_list("enterprise", "award")
            .annotate(n=Sum("n"))
        ):
            counts[enterprise][award] = n
    units = [
        Unit(
            key=enterprise,
            name="",
            counts=counts[enterprise],
            ranked=int(ranked or 0),
            total=int(total or 0),  # a SUM of bigint is a numeric on PostgreSQL
            points=int(points or 0),
        )
        for enterprise, points, _awards, ranked, total in chosen
    ]
    return _named(units)


def _place_units(rows: QuerySet, points, names: dict[str, dict[int, str]]) -> dict[str, list]:
    """The scope's zones and industries, summed in the database per competition, zone,
    industry and award (a few hundred rows each, grouped in the order of the
    competition's covering index, without sorting its rows), ranked as the cells' are."""
    value = dict(points)
    units: dict[str, dict[int, Unit]] = {"zone": {}, "industry": {}}
    for _competition, zone, industry, award, n, total in (
        rows.order_by()
        .values_list("competition_id", "zone", "industry", "award")
        .annotate(n=Sum("n"), t=Sum("total"))
    ):
        for by, key in (("zone", zone), ("industry", industry)):
            unit = units[by].get(key)
            if unit is None:
                unit = units[by][key] = Unit(key=key, name=names[by].get(key, _("none")))
            unit.counts[award] = unit.counts.get(award, 0) + n
            unit.ranked += n
            unit.total += int(total or 0)
            unit.points += n * value.get(award, 0)
    out = {}
    for by, found in units.items():
        out[by] = sorted(found.values(), key=lambda u: (-u.points, -u.awards, u.key == 0, u.key))
        _rank(out[by])
    return out


def top_by_awards(filters: Filters, scope: Scope, limit: int = 10) -> list[Unit]:
    """The enterprises with most awards (ties: more points, then the lower id)."""
    points = points_of(filters.year)
    per_enterprise, _per_unit = tally_rows(filters, scope)
    if scope.everything:
        found = enterprise_units(per_enterprise, points, order=("-awards", "-points"), limit=limit)
        return [u for u in found if u.awards]
    # the ten chosen in the database: ten rows read, not one per enterprise
    chosen = _fetch(
        _summed(per_enterprise, points)
        .filter(awards__gt=0)
        .order_by("-awards", "-points", "unit")[:limit]
    )
    return _enterprise_units(per_enterprise, chosen)


def medals(filters: Filters, scope: Scope, *, limit: int = TABLE_ROWS) -> Medals:
    """The medal table for the filters, within the scope."""
    points = points_of(filters.year)
    per_enterprise, per_unit = tally_rows(filters, scope)
    zone_names = {z.pk: str(z) for z in Zone.objects.all()}
    industry_names = {i.pk: str(i) for i in Industry.objects.all()}
    if scope.everything:  # the cells: grouped in SQL
        enterprises = enterprise_units(
            per_enterprise, points, order=("-points", "-awards"), limit=limit
        )
        by_awards = top_by_awards(filters, scope)
        zones = _units(per_unit, "zone", zone_names, points)
        industries = _units(per_unit, "industry", industry_names, points)
        ranked = per_enterprise.values("enterprise").distinct().count()
    else:  # the scope's tally rows: grouped in SQL, the leaders chosen in memory
        found = _per_enterprise(per_enterprise, points)
        enterprises = _enterprise_units(per_enterprise, _top(found, "points", limit))
        by_awards = _enterprise_units(per_enterprise, _top(found, "awards", 10))
        places = _place_units(per_unit, points, {"zone": zone_names, "industry": industry_names})
        zones, industries = places["zone"], places["industry"]
        ranked = len(found)
    _rank(enterprises)
    total = Unit(key=0, name=_("all"))
    for unit in zones:
        for award, n in unit.counts.items():
            total.counts[award] = total.counts.get(award, 0) + n
        total.ranked += unit.ranked
        total.total += unit.total
        total.points += unit.points
    return Medals(
        points=points,
        enterprises=enterprises,
        zones=zones,
        industries=industries,
        by_awards=by_awards,
        total=total,
        enterprises_ranked=ranked,
    )


# --- the section ------------------------------------------------------------------------


def _columns(m: Medals) -> list[str]:
    return [award for award, _p in m.points]


def _unit_row(unit: Unit, awards: list[str], other: bool) -> list:
    row = [unit.points, *(unit.counts.get(a, 0) for a in awards)]
    if other:
        row.append(sum(n for a, n in unit.counts.items() if a and a not in awards))
    return [*row, unit.awards, unit.ranked, unit.average if unit.average is not None else ""]


def _headers(awards: list[str], other: bool) -> list[str]:
    headers = [_("points"), *awards]
    if other:
        headers.append(_("other awards"))
    return [*headers, _("awards"), _("ranked results"), _("average total")]


def drill_key(what: str, value: int) -> str:
    return f"{KEY}:{what}:{value}"


def section(filters: Filters, scope: Scope) -> Section:
    m = medals(filters, scope)
    awards = _columns(m)
    other = m.other_awards
    points_text = "、".join(f"{a} {p}" for a, p in m.points)
    section = Section(
        key=KEY,
        title=_("Medal table"),
        figures=[
            (_("Awards"), m.total.awards),
            (_("Ranked results"), m.total.ranked),
            (_("Average total"), m.total.average if m.total.average is not None else "—"),
            (_("Points"), m.total.points),
            (_("Enterprises with published results"), m.enterprises_ranked),
            (_("Points per award"), points_text),
        ],
    )
    for what, title, units in (
        ("zone", _("Awards by zone"), m.zones),
        ("industry", _("Awards by industry"), m.industries),
    ):
        shown = [u for u in units if u.awards]
        section.charts.append(
            Chart(
                key=f"medals-{what}",
                title=title,
                labels=[u.name for u in shown],
                series=[Series(_("awards"), [u.awards for u in shown])],
                drill=[drill_key(what, u.key) for u in shown],
            )
        )
    levels = [(a, m.total.counts.get(a, 0)) for a in awards]
    if other:
        levels.append(
            (_("other awards"), sum(n for a, n in m.total.counts.items() if a and a not in awards))
        )
    section.charts.append(
        Chart(
            key="medals-levels",
            title=_("Awards by level"),
            kind="pie",
            labels=[a for a, _n in levels],
            series=[Series(_("awards"), [n for _a, n in levels])],
            drill=["" for _l in levels],
        )
    )
    headers = _headers(awards, other)
    section.tables.append(
        Table(
            key="medals-enterprises",
            title=_("Medal table by enterprise (top %(n)s by points)") % {"n": TABLE_ROWS},
            headers=[_("rank"), _("enterprise"), _("zone"), _("industry"), *headers],
            rows=[
                [u.rank, u.name, u.zone, u.industry, *_unit_row(u, awards, other)]
                for u in m.enterprises
            ],
        )
    )
    for what, title, units in (
        ("zone", _("Medal table by zone"), m.zones),
        ("industry", _("Medal table by industry"), m.industries),
    ):
        section.tables.append(
            Table(
                key=f"medals-{what}",
                title=title,
                headers=[_("rank"), _(what), *headers],
                rows=[[u.rank, u.name, *_unit_row(u, awards, other)] for u in units],
            )
        )
    return section


# --- drilling ---------------------------------------------------------------------------


def awarded_results(
    filters: Filters,
    scope: Scope,
    *,
    zone: int | None = None,
    industry: int | None = None,
    enterprise: int | None = None,
) -> QuerySet[Result]:
    """The awarded results the cells count for the filters and scope, narrowed to a zone,
    an industry or an enterprise: each must be in a tally row that matches (so the list
    and the bar agree, as the bar is summed from those rows)."""
    tally = AwardTally.objects.filter(
        _eq("series", filters.series),
        _eq("brand", filters.brand),
        _eq("industry", filters.industry),
        _eq("zone", filters.zone),
        _eq("industry", industry),
        _eq("zone", zone),
        _eq("enterprise", enterprise),
        year=filters.year,
    ).exclude(award="")
    if scope.competition_ids is not None:
        tally = tally.filter(competition_id__in=sorted(scope.competition_ids))
    if scope.enterprise_ids is not None:
        tally = tally.filter(enterprise__in=sorted(scope.enterprise_ids))
    matching = tally.filter(
        competition_id=OuterRef("competition_id"),
        enterprise=OuterRef("entry__enterprise_id"),
        zone=Coalesce(OuterRef("entry__zone_id"), 0),
        award=OuterRef("award"),
    )
    competitions = sorted(set(tally.values_list("competition_id", flat=True).distinct()))
    return (
        Result.objects.filter(competition_id__in=competitions)
        .exclude(award="")
        .filter(Exists(matching))
    )


def result_table(key: str, title: str, results: QuerySet[Result]) -> Table:
    from jingsai.dashboards.domain.drill import Rows

    first_member = Subquery(
        EntryMember.objects.filter(entry_id=OuterRef("entry_id"), active=True)
        .order_by("-is_captain", "id")
        .values("worker__name")[:1]
    )
    rows = (
        results.annotate(member=first_member)
        .select_related("competition", "entry", "entry__enterprise", "entry__zone")
        .order_by("competition_id", "position")
    )

    def row(r: Result) -> list:
        entry = r.entry
        return [
            r.competition.title,
            entry.number or f"#{entry.pk}",
            entry.team_name or entry.project_name or r.member or "",
            entry.enterprise.name,
            str(entry.zone or ""),
            r.rank,
            r.total,
            r.award,
        ]

    return Table(
        key=key,
        title=title,
        headers=[
            _("competition"),
            _("entry number"),
            _("name"),
            _("enterprise"),
            _("zone"),
            _("rank"),
            _("total"),
            _("award"),
        ],
        rows=Rows(rows, row),
    )


def drill(key: str, what: str, value: str, filters: Filters, scope: Scope) -> Table | None:
    if what not in ("zone", "industry"):
        return None
    try:
        number = int(value)
    except ValueError:
        return None
    model = Zone if what == "zone" else Industry
    if number and not model.objects.filter(pk=number).exists():
        return None
    name = str(model.objects.get(pk=number)) if number else _("none")
    results = awarded_results(filters, scope, **{what: number})
    return result_table(
        key, _("Awards: %(name)s (%(year)s)") % {"name": name, "year": filters.year.year}, results
    )

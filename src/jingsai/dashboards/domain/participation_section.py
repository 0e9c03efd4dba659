"""The participation section (参与情况): enterprises and workers taking part against the
year's targets, approved entries, and their counts by series, brand, industry, zone,
competition level and month, with last year's beside them.

Two ways to count, one definition (see :mod:`jingsai.dashboards.models`):

- the whole programme (``Scope.everything``) reads the cells, whatever the number of
  entries (:func:`jingsai.dashboards.domain.figures.figures`);
- a co-organiser's competitions cannot be read from the cells, which are not split per
  competition: :func:`competition_counts` reads the per-competition facts
  (:mod:`~jingsai.dashboards.domain.competition_facts`: one small row per worker or
  enterprise taking part in a competition, and entry counts per competition), makes the
  scope's own cells in memory from three grouped queries over the rows of its
  competitions, then sums them as the stored ones are summed;
- an officer's enterprises: :func:`enterprise_counts` reads the per-enterprise facts
  (:mod:`~jingsai.dashboards.domain.enterprise_facts`: cells of the workers taking part
  through each enterprise's entries, the enterprises' year facts, and the entry facts of
  the enterprises, grouped), however many entries the enterprise has;
- :func:`scoped_counts` makes any scope's cells the same way from the source tables
  limited to the scope (seconds for the busiest enterprise or a large set of
  competitions): the tests check the other paths against it and against direct counts.

Both give the same dictionary (``figures()``'s shape) and agree on every definition: a
worker counts when he is an active member of an approved entry of the year's
competitions, in his own industry and zone (``Worker.industry``/``zone``); an enterprise
when it has an approved entry, in its own industry and zone; an entry once approved, in
its enterprise's industry and its own zone (``Entry.zone``), its level's scope and the
month (local time) it was registered. A test checks that a scope covering every
competition (or every enterprise) counts what the cells hold.

An officer's scope is the entries *of his enterprises* (``Entry.enterprise``), their
active members and his enterprises themselves.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import BigIntegerField, Case, Count, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear
from django.utils.translation import gettext as _

from jingsai.catalogue.models import Brand, Industry, Series, Zone
from jingsai.competitions.models import Competition, CompetitionLevel, Entry, EntryMember
from jingsai.dashboards.domain import compare, competition_facts, enterprise_facts
from jingsai.dashboards.domain.base import Chart, Filters, Scope, Section, Table
from jingsai.dashboards.domain.base import Series as ChartSeries
from jingsai.dashboards.domain.figures import (
    ENTERPRISES,
    ENTRIES,
    ENTRIES_BY_MONTH,
    WORKERS,
    figures,
)
from jingsai.dashboards.domain.participation import _bits, _classes, _tag_classes
from jingsai.dashboards.models import CompetitionEnterprise, CompetitionWorker

KEY = "participation"
APPROVED = Entry.Status.APPROVED
MEASURES = ("enterprises", "workers", "entries")
BREAKDOWNS = ("series", "brand", "industry", "zone")
LEVELS = [value for value, _label in CompetitionLevel.Scope.choices]

# What each measure counts over the source tables: the id counted (distinct), and the
# fields its series, brand, industry and zone are read from.
FIELDS = {
    "workers": {
        "id": "worker_id",
        "series": "competition__series_id",
        "brand": "competition__brand_id",
        "industry": "worker__industry_id",
        "zone": "worker__zone_id",
    },
    "enterprises": {
        "id": "enterprise_id",
        "series": "competition__series_id",
        "brand": "competition__brand_id",
        "industry": "enterprise__industry_id",
        "zone": "enterprise__zone_id",
    },
    "entries": {
        "id": "pk",
        "series": "competition__series_id",
        "brand": "competition__brand_id",
        "industry": "enterprise__industry_id",
        "zone": "zone_id",
    },
}


# --- counting ---------------------------------------------------------------------------


def counts(filters: Filters, scope: Scope) -> dict:
    """The participation figures for this reader: from the cells for everything, from the
    per-competition facts for a co-organiser's competitions, from the per-enterprise facts
    for an officer's enterprises, else counted over the scope (same shape as
    :func:`~jingsai.dashboards.domain.figures.figures`)."""
    if scope.everything:
        return figures(filters)
    if scope.enterprise_ids is None:
        return competition_counts(filters, scope)
    if scope.competition_ids is None:
        return enterprise_counts(filters, scope)
    return scoped_counts(filters, scope)


def source_rows(measure: str, filters: Filters, scope: Scope) -> QuerySet:
    """The rows a measure counts, limited to the scope and the filters: ``EntryMember``
    rows for workers, ``Entry`` rows for enterprises and entries."""
    fields = FIELDS[measure]
    q = Q(competition__year=filters.year)
    if filters.series is not None:
        q &= Q(competition__series_id=filters.series)
    if filters.brand is not None:
        q &= Q(competition__brand_id=filters.brand)
    if filters.industry is not None:
        q &= Q(**{fields["industry"]: filters.industry or None})
    if filters.zone is not None:
        q &= Q(**{fields["zone"]: filters.zone or None})
    if scope.competition_ids is not None:
        q &= Q(competition_id__in=sorted(scope.competition_ids))
    if measure == "workers":
        rows = EntryMember.objects.filter(q, active=True, entry__status=APPROVED)
        if scope.competition_ids is not None:  # lets the entries be read by competition
            rows = rows.filter(entry__competition_id__in=sorted(scope.competition_ids))
        if scope.enterprise_ids is not None:
            rows = rows.filter(entry__enterprise_id__in=sorted(scope.enterprise_ids))
    else:
        rows = Entry.objects.filter(q, status=APPROVED)
        if scope.enterprise_ids is not None:
            rows = rows.filter(enterprise_id__in=sorted(scope.enterprise_ids))
    return rows.order_by()


def _tag(bits: dict[tuple[int, int], int]) -> Case:
    """A row's (series, brand) bit, from its competition's series and brand."""
    whens = [
        When(
            Q(competition__series_id=series)
            & (Q(competition__brand_id=brand) if brand else Q(competition__brand_id__isnull=True)),
            then=Value(value),
        )
        for (series, brand), value in sorted(bits.items())
    ]
    return Case(*whens, default=Value(0), output_field=BigIntegerField())


def _people(measure: str, filters: Filters, scope: Scope, bits) -> list[tuple]:
    """(tags, industry, zone, how many) of the workers or enterprises taking part: each
    one's (series, brand) bits OR-ed (a sum of distinct powers of two), then counted per
    combination in the database — a few hundred rows, however many people."""
    fields = FIELDS[measure]
    inner = (
        source_rows(measure, filters, scope)
        .annotate(
            f_bit=_tag(bits),
            f_industry=Coalesce(fields["industry"], 0),
            f_zone=Coalesce(fields["zone"], 0),
        )
        .values(fields["id"], "f_industry", "f_zone")
        .annotate(f_tags=Sum("f_bit", distinct=True))
    )
    sql, params = inner.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT f_tags, f_industry, f_zone, COUNT(*) "  # noqa: S608 (the ORM's own SQL)
            f"FROM ({sql}) people GROUP BY f_tags, f_industry, f_zone",
            params,
        )
        return cursor.fetchall()


def competition_counts(filters: Filters, scope: Scope) -> dict:
    """The figures of a set of competitions (``scope.competition_ids``), from the
    per-competition facts (:mod:`~jingsai.dashboards.domain.competition_facts`): the
    scope's own cells are made in memory from a few hundred grouped rows, then summed as
    :func:`scoped_counts` sums them. Same definitions, same result, without reading the
    competitions' entries."""
    found = Competition.objects.filter(
        year=filters.year, pk__in=sorted(scope.competition_ids or ())
    ).order_by()
    if filters.series is not None:
        found = found.filter(series_id=filters.series)
    if filters.brand is not None:
        found = found.filter(brand_id=filters.brand)
    pairs = {pk: (s, b or 0) for pk, s, b in found.values_list("pk", "series_id", "brand_id")}
    cells: Counter = Counter()
    if len(pairs) <= competition_facts.MAX_OWN_BITS:
        # a bit per competition: the classes of a mask are those of its competitions'
        bit_of = {pk: 1 << i for i, pk in enumerate(sorted(pairs))}
        pair_of = {bit_of[pk]: pair for pk, pair in pairs.items()}

        def classes(mask: int) -> frozenset[tuple[int, int]]:
            taken = []
            while mask:
                low = mask & -mask
                taken.append(pair_of[low])
                mask ^= low
            return frozenset(_classes(taken))

    else:  # more competitions than bits: their (series, brand) pairs' bits
        bits = _bits()
        classes = _tag_classes(bits)
        bit_of = {pk: bits.get(pair, 0) for pk, pair in pairs.items()}
    read = _read(filters)
    read_mask = lru_cache(maxsize=4096)(lambda mask: read(classes(mask)))
    for model, key, code in (
        (CompetitionWorker, "worker_id", WORKERS),
        (CompetitionEnterprise, "enterprise_id", ENTERPRISES),
    ):
        for mask, industry, zone, n in competition_facts.people(model, key, bit_of, filters):
            for s, b in read_mask(int(mask or 0)):
                cells[(code, s, b, industry, zone, "", 0)] += n
    own = (filters.series or 0, filters.brand or 0)
    of_competition = {pk: read(_classes([pair])) for pk, pair in pairs.items()}
    for competition, measure, industry, zone, level, month, n in competition_facts.entries(
        pairs, filters
    ):
        if measure == ENTRIES_BY_MONTH:  # by month: the filters' own class only
            if own in of_competition[competition]:
                cells[(measure, *own, industry, zone, level, month)] += n
        else:
            for s, b in of_competition[competition]:
                cells[(measure, s, b, industry, zone, level, month)] += n
    return _figures_of(cells, filters)


def _read(filters: Filters):
    """The (series, brand) classes, of those given, that the figures read: the filters'
    own, those of its series (brand as filtered) and those of its brands (series as
    filtered), as :func:`_sum_cells` sums them. The others need not be made."""
    series, brand = filters.series or 0, filters.brand or 0

    def read(classes: Iterable[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
        return tuple((s, b) for s, b in classes if s == series or b == brand)

    return read


def enterprise_counts(filters: Filters, scope: Scope) -> dict:
    """The figures of a set of enterprises (``scope.enterprise_ids``), from the
    per-enterprise facts (:mod:`~jingsai.dashboards.domain.enterprise_facts`): the workers'
    cells, the enterprises' year facts and the entry facts, made into the scope's own
    cells and summed as :func:`scoped_counts` sums them. Same definitions, same result,
    without reading the enterprises' entries."""
    ids = scope.enterprise_ids or frozenset()
    classes = _tag_classes(_bits())
    read = _read(filters)
    own = (filters.series or 0, filters.brand or 0)
    cells: Counter = Counter()
    for series, brand, industry, zone, n in enterprise_facts.workers(filters, ids):
        cells[(WORKERS, series, brand, industry, zone, "", 0)] += n
    for tags, industry, zone, n in enterprise_facts.enterprises(filters, ids):
        for s, b in read(classes(int(tags or 0))):
            cells[(ENTERPRISES, s, b, industry, zone, "", 0)] += n
    for series, brand, industry, zone, level, month, n in enterprise_facts.entries(filters, ids):
        for s, b in read(_classes([(series, brand)])):
            cells[(ENTRIES, s, b, industry, zone, level, 0)] += n
            if (s, b) == own:
                cells[(ENTRIES_BY_MONTH, s, b, industry, zone, "", month)] += n
    return _figures_of(cells, filters)


def _figures_of(cells: dict, filters: Filters) -> dict:
    """The figures of cells made in memory (key: measure, series, brand, industry, zone,
    scope, month; value: how many)."""
    rows = [Cell(*key, n) for key, n in cells.items() if n]
    entries_figures = _sum_cells(rows, filters, ENTRIES, ("industry", "zone", "scope"))
    months = _own(rows, filters, ENTRIES_BY_MONTH)
    entries_figures["by_month"] = _sums(months, "month")
    return {
        "year": filters.year.year,
        "targets": {
            "enterprises": filters.year.target_enterprises,
            "workers": filters.year.target_workers,
        },
        "enterprises": _sum_cells(rows, filters, ENTERPRISES, ("industry", "zone")),
        "workers": _sum_cells(rows, filters, WORKERS, ("industry", "zone")),
        "entries": entries_figures,
    }


def scoped_counts(filters: Filters, scope: Scope) -> dict:
    """The figures counted over the source tables limited to ``scope``: the scope's own
    cells are made in memory from three grouped queries (the same classes as
    :mod:`~jingsai.dashboards.domain.participation` makes), then summed as
    :func:`~jingsai.dashboards.domain.figures.figures` sums the stored ones."""
    bits = _bits()
    classes = _tag_classes(bits)
    cells: Counter = Counter()
    for measure, code in (("workers", WORKERS), ("enterprises", ENTERPRISES)):
        for tags, industry, zone, n in _people(measure, filters, scope, bits):
            for s, b in classes(int(tags or 0)):
                cells[(code, s, b, industry, zone, "", 0)] += n
    tz = ZoneInfo(settings.TIME_ZONE)
    entries = (
        source_rows("entries", filters, scope)
        .annotate(
            f_series=F("competition__series_id"),
            f_brand=Coalesce("competition__brand_id", 0),
            f_industry=Coalesce("enterprise__industry_id", 0),
            f_zone=Coalesce("zone_id", 0),
            f_scope=Coalesce("level__scope", Value("")),
            f_month=ExtractYear("created_at", tzinfo=tz) * 100
            + ExtractMonth("created_at", tzinfo=tz),
        )
        .values_list("f_series", "f_brand", "f_industry", "f_zone", "f_scope", "f_month")
        .annotate(n=Count("pk"))
    )
    for series, brand, industry, zone, level, month, n in entries:
        for s, b in _classes([(series, brand)]):
            cells[(ENTRIES, s, b, industry, zone, level, 0)] += n
            cells[(ENTRIES_BY_MONTH, s, b, industry, zone, "", month)] += n
    return _figures_of(cells, filters)


class Cell(NamedTuple):
    measure: int
    series: int
    brand: int
    industry: int
    zone: int
    scope: str
    month: int
    n: int


def _sums(cells: Iterable[Cell], by: str) -> dict:
    out: dict = defaultdict(int)
    for cell in cells:
        out[getattr(cell, by)] += cell.n
    return {k: v for k, v in sorted(out.items()) if v}


def _placed(cells: list[Cell], filters: Filters, measure: int) -> list[Cell]:
    return [
        c
        for c in cells
        if c.measure == measure
        and (filters.industry is None or c.industry == filters.industry)
        and (filters.zone is None or c.zone == filters.zone)
    ]


def _own(cells: list[Cell], filters: Filters, measure: int) -> list[Cell]:
    series, brand = filters.series or 0, filters.brand or 0
    return [c for c in _placed(cells, filters, measure) if c.series == series and c.brand == brand]


def _sum_cells(cells: list[Cell], filters: Filters, measure: int, local: tuple) -> dict:
    """What :func:`~jingsai.dashboards.domain.figures.figures` reads from the stored cells,
    from cells in memory."""
    series, brand = filters.series or 0, filters.brand or 0
    placed = _placed(cells, filters, measure)
    own = [c for c in placed if c.series == series and c.brand == brand]
    result: dict = {"total": sum(c.n for c in own)}
    for by in local:
        result[f"by_{by}"] = _sums(own, by)
    result["by_series"] = _sums(
        (c for c in placed if c.brand == brand and (c.series == series if series else c.series)),
        "series",
    )
    result["by_brand"] = _sums(
        (c for c in placed if c.series == series and (c.brand == brand if brand else c.brand)),
        "brand",
    )
    return result


# --- labels -----------------------------------------------------------------------------


def names(by: str) -> dict:
    """Labels of a breakdown's values, in the catalogue's order; 0 (or "") is "none"."""
    if by in ("series", "brand", "industry", "zone"):
        model = {"series": Series, "brand": Brand, "industry": Industry, "zone": Zone}[by]
        out: dict = {o.pk: o.display_name for o in model.objects.order_by("order", "id")}
        out[0] = _("none")
        return out
    if by == "level":
        return {**{k: str(v) for k, v in CompetitionLevel.Scope.choices}, "": _("no level")}
    raise KeyError(by)


def month_label(yyyymm: int) -> str:
    return f"{yyyymm // 100}-{yyyymm % 100:02d}"


def _ordered(label_names: dict, *dicts: dict | None) -> list:
    present = set()
    for d in dicts:
        if d:
            present.update(k for k, v in d.items() if v)
    known = [k for k in label_names if k in present]
    return known + sorted((k for k in present if k not in label_names), key=str)


def drill_key(what: str, value="all") -> str:
    if value == "":
        value = "none"
    return f"{KEY}:{what}:{value}"


# --- the section ------------------------------------------------------------------------


def _chart(key, title, what, labels_by, this, last, this_year, last_year, *, kind="bar"):
    keys = _ordered(labels_by, this, last)
    series = [ChartSeries(str(this_year), [this.get(k, 0) for k in keys])]
    if last is not None:
        series.append(
            ChartSeries(
                _("%(year)s (last year)") % {"year": last_year},
                [last.get(k, 0) for k in keys],
            )
        )
    return Chart(
        key=key,
        title=title,
        kind=kind,
        labels=[labels_by.get(k, str(k)) for k in keys],
        series=series,
        drill=[drill_key(what, k) for k in keys],
    )


def _table(key, title, first_header, labels_by, columns, this_year, last_year) -> Table:
    """``columns``: (header, this year's dict, last year's dict or None)."""
    every = [d for _h, this, last in columns for d in (this, last)]
    keys = _ordered(labels_by, *every)
    headers = [first_header] + [f"{h}, {this_year}" for h, _t, _l in columns]
    if last_year is not None:
        headers += [f"{h}, {last_year}" for h, _t, last in columns if last is not None]
    rows = []
    for k in keys:
        row = [labels_by.get(k, str(k))] + [this.get(k, 0) for _h, this, _l in columns]
        if last_year is not None:
            row += [last.get(k, 0) for _h, _t, last in columns if last is not None]
        rows.append(row)
    return Table(key=key, title=title, headers=headers, rows=rows)


def build(
    filters: Filters,
    scope: Scope,
    *,
    counted: tuple[dict, dict | None, Filters | None] | None = None,
) -> Section:
    """The section; ``counted`` is (this year's counts, last year's, last year's filters)
    when the caller has them already."""
    if counted is None:
        last_filters = compare.previous_filters(filters)
        last = counts(last_filters, scope) if last_filters is not None else None
        counted = (counts(filters, scope), last, last_filters)
    this, last, last_filters = counted
    this_year = filters.year.year
    last_year = last_filters.year.year if last_filters is not None else None
    section = Section(key=KEY, title=_("Participation"))
    section.figures = compare.figures(this, last)

    measure_titles = {
        "workers": _("Workers taking part"),
        "enterprises": _("Enterprises taking part"),
        "entries": _("Approved entries"),
    }
    by_titles = {
        "series": _("by series"),
        "brand": _("by brand"),
        "industry": _("by industry"),
        "zone": _("by zone"),
    }
    by_headers = {
        "series": _("series"),
        "brand": _("brand"),
        "industry": _("industry"),
        "zone": _("zone"),
    }
    for by in BREAKDOWNS:
        label_names = names(by)
        for measure in ("workers", "enterprises"):
            section.charts.append(
                _chart(
                    f"{measure}-by-{by}",
                    f"{measure_titles[measure]} {by_titles[by]}",
                    f"{measure}-{by}",
                    label_names,
                    this[measure][f"by_{by}"],
                    last[measure][f"by_{by}"] if last else None,
                    this_year,
                    last_year,
                )
            )
        section.tables.append(
            _table(
                f"by-{by}",
                _("Taking part %(by)s") % {"by": by_titles[by]},
                by_headers[by],
                label_names,
                [
                    (
                        measure_titles[m],
                        this[m][f"by_{by}"],
                        last[m][f"by_{by}"] if last else None,
                    )
                    for m in MEASURES
                ],
                this_year,
                last_year,
            )
        )
    levels = names("level")
    section.charts.append(
        _chart(
            "entries-by-level",
            _("Approved entries by competition level"),
            "entries-level",
            levels,
            this["entries"]["by_scope"],
            last["entries"]["by_scope"] if last else None,
            this_year,
            last_year,
        )
    )
    section.tables.append(
        _table(
            "by-level",
            _("Approved entries by competition level"),
            _("competition level"),
            levels,
            [
                (
                    _("entries"),
                    this["entries"]["by_scope"],
                    last["entries"]["by_scope"] if last else None,
                )
            ],
            this_year,
            last_year,
        )
    )
    months = {k: month_label(k) for k in sorted(this["entries"]["by_month"])}
    section.charts.append(
        _chart(
            "entries-by-month",
            _("Approved entries by month of registration"),
            "entries-month",
            months,
            this["entries"]["by_month"],
            None,
            this_year,
            None,
            kind="line",
        )
    )
    section.tables.append(
        _table(
            "by-month",
            _("Approved entries by month of registration"),
            _("month"),
            months,
            [(_("entries"), this["entries"]["by_month"], None)],
            this_year,
            None,
        )
    )
    if last is not None:
        section.tables.insert(0, compare.table(this, last, this_year, last_year))
    return section

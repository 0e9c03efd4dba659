"""Participation per enterprise: what an enterprise officer's dashboard counts (see
:mod:`jingsai.dashboards.models`, :class:`EnterpriseWorker`, :class:`EnterpriseCell` and
``EntryFact.enterprise``).

An officer's scope is the approved entries *of his enterprises* (``Entry.enterprise``),
their active members and his enterprises themselves. The year's cells are not split per
enterprise, and the busiest enterprise of Pudong has some 150,000 approved entries and
100,000 workers taking part: counted from the entries, its figures took seconds. Read
instead from:

- workers: :class:`EnterpriseWorker` (year, enterprise, worker) with the (series, brand)
  bits of the competitions he takes part in through that enterprise's entries and his
  industry and zone, and :class:`EnterpriseCell`, those facts counted per (series, brand)
  class, industry and zone as :class:`Cell` counts the year's. One enterprise: its cells
  (a few dozen rows). Several: their cells summed, then each worker who takes part
  through two or more of them is taken out of each and counted once with his bits OR-ed
  (:func:`workers`);
- enterprises: :class:`EnterpriseYear`, the year's facts of the officer's enterprises;
- entries: :class:`EntryFact` rows of his enterprises, grouped in the order of their
  covering index (:func:`entries`): entries of different enterprises add up.

Kept in step by :mod:`jingsai.dashboards.domain.participation` in the same transaction as
every change it handles (its module lists the paths): ``refresh_workers`` (called by
``entries_changed`` with the members of the changed entries and the workers taken out of
them, and on its own when a worker's industry or zone changes) recomputes the workers'
facts here, after locking them, and the cells take the differences;
``participation.rebuild`` recomputes a year from scratch (:func:`rebuild`). The entry
facts carry their enterprise, kept by ``participation`` with the rest of the fact.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from itertools import batched

from django.db import connection
from django.db.models import Count, Q, Sum

from jingsai.catalogue.models import ProgrammeYear
from jingsai.competitions.models import Competition, Entry, EntryMember
from jingsai.dashboards.domain import bulk
from jingsai.dashboards.models import (
    EnterpriseCell,
    EnterpriseWorker,
    EnterpriseYear,
    EntryFact,
    TagBit,
)
from jingsai.people.models import Worker

CHUNK = 900  # ids per IN (…): below SQLite's limit on parameters
APPROVED = Entry.Status.APPROVED
MARK = "enterprise"  # the first item of this module's keys in a deltas Counter


def _q(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _helpers():
    """The (series, brand) bits of :mod:`.participation` (imported here: it imports this
    module)."""
    from jingsai.dashboards.domain import participation

    return participation


# --- keeping them in step ---------------------------------------------------------------


def _source(chunk, years):
    """(year, enterprise, worker, series, brand, industry, zone) of the workers' active
    memberships of approved entries."""
    rows = EntryMember.objects.filter(active=True, entry__status=APPROVED, worker_id__in=chunk)
    if years is not None:
        rows = rows.filter(competition__year_id__in=years)
    return (
        rows.order_by()
        .values_list(
            "competition__year_id",
            "entry__enterprise_id",
            "worker_id",
            "competition__series_id",
            "competition__brand_id",
            "worker__industry_id",
            "worker__zone_id",
        )
        .distinct()
    )


def _count(deltas: Counter, key: tuple, fact: tuple, sign: int, classes) -> None:
    year, enterprise, _worker = key
    tags, industry, zone = fact
    for s, b in classes(tags):
        deltas[(MARK, year, enterprise, s, b, industry, zone)] += sign


def refresh_workers(
    worker_ids: Iterable[int], year_ids: Iterable[int] | None, deltas: Counter
) -> None:
    """Recompute these workers' facts (in these years, or all) from the entries, and add
    the differences of the cells to ``deltas`` (keyed with :data:`MARK`). The caller holds
    the workers' row locks (``participation`` takes them in id order)."""
    helpers = _helpers()
    years = sorted(set(year_ids)) if year_ids is not None else None
    if years == []:
        return
    bits = helpers._bits()
    classes = helpers._tag_classes(bits)
    for chunk in batched(sorted(set(worker_ids)), CHUNK):
        stored = EnterpriseWorker.objects.filter(worker_id__in=chunk)
        if years is not None:
            stored = stored.filter(year_id__in=years)
        old, ids = {}, {}
        for pk, year, enterprise, worker, tags, industry, zone in stored.values_list(
            "pk", "year_id", "enterprise", "worker_id", "tags", "industry", "zone"
        ):
            old[(year, enterprise, worker)] = (tags, industry, zone)
            ids[(year, enterprise, worker)] = pk
        rows = list(_source(chunk, years))
        known = len(bits)
        helpers._ensure_bits({(r[3], r[4] or 0) for r in rows}, bits)
        if len(bits) != known:
            classes = helpers._tag_classes(bits)
        new: dict[tuple[int, int, int], list[int]] = {}
        for year, enterprise, worker, series, brand, industry, zone in rows:
            fact = new.get((year, enterprise, worker))
            if fact is None:
                fact = new[(year, enterprise, worker)] = [0, industry or 0, zone or 0]
            fact[0] |= bits[(series, brand or 0)]
        facts = {k: tuple(v) for k, v in new.items()}
        changed = [k for k in old.keys() | facts.keys() if old.get(k) != facts.get(k)]
        if not changed:
            continue
        for k in changed:
            if k in old:
                _count(deltas, k, old[k], -1, classes)
            if k in facts:
                _count(deltas, k, facts[k], +1, classes)
        for gone in batched(sorted(ids[k] for k in changed if k in old), CHUNK):
            EnterpriseWorker.objects.filter(pk__in=gone)._raw_delete(EnterpriseWorker.objects.db)
        EnterpriseWorker.objects.bulk_create(
            EnterpriseWorker(
                year_id=k[0], enterprise=k[1], worker_id=k[2], tags=f[0], industry=f[1], zone=f[2]
            )
            for k in sorted(changed)
            if (f := facts.get(k)) is not None
        )


def apply(deltas: dict) -> None:
    """Add the deltas keyed with :data:`MARK` to the cells, one upsert each, in key order
    (no deadlocks)."""
    rows = [(*key[1:], n) for key, n in sorted(deltas.items()) if n]
    if not rows:
        return
    table = _q(EnterpriseCell)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} "  # noqa: S608 (names from the model, values as parameters)
            "(year_id, enterprise, series, brand, industry, zone, n) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (year_id, enterprise, series, brand, industry, zone) "
            f"DO UPDATE SET n = {table}.n + excluded.n",
            rows,
        )


# --- from scratch -----------------------------------------------------------------------


def rebuild(year: ProgrammeYear) -> Counter:
    """Recompute the year's facts and cells from the source tables, set-based; the
    (series, brand) pairs of the year's competitions must have their bits already (as
    ``participation.rebuild`` gives them)."""
    for model in (EnterpriseCell, EnterpriseWorker):
        model.objects.filter(year=year)._raw_delete(model.objects.db)
    member, entry, competition = _q(EntryMember), _q(Entry), _q(Competition)
    worker, tagbit = _q(Worker), _q(TagBit)
    with connection.cursor() as cursor:
        # SUM of the distinct bit values of a group is their OR (each is a power of two)
        cursor.execute(
            f"INSERT INTO {_q(EnterpriseWorker)} "  # noqa: S608 (names from the models)
            "(year_id, enterprise, worker_id, tags, industry, zone) "
            "SELECT c.year_id, e.enterprise_id, m.worker_id, SUM(DISTINCT t.value), "
            "COALESCE(w.industry_id, 0), COALESCE(w.zone_id, 0) "
            f"FROM {member} m JOIN {entry} e ON e.id = m.entry_id "
            f"JOIN {competition} c ON c.id = e.competition_id "
            f"JOIN {tagbit} t ON t.series_id = c.series_id AND t.brand = COALESCE(c.brand_id, 0) "
            f"JOIN {worker} w ON w.id = m.worker_id "
            "WHERE m.active = %s AND e.status = %s AND c.year_id = %s "
            "GROUP BY c.year_id, e.enterprise_id, m.worker_id, w.industry_id, w.zone_id",
            [True, APPROVED, year.pk],
        )
    classes = _helpers()._tag_classes(_helpers()._bits())
    cells: Counter = Counter()
    grouped = (
        EnterpriseWorker.objects.filter(year=year)
        .order_by()
        .values_list("enterprise", "tags", "industry", "zone")
        .annotate(n=Count("*"))
    )
    for enterprise, tags, industry, zone, n in grouped.iterator(chunk_size=5000):
        for s, b in classes(tags):
            cells[(year.pk, enterprise, s, b, industry, zone)] += n
    bulk.copy_rows(
        EnterpriseCell,
        ["year_id", "enterprise", "series", "brand", "industry", "zone", "n"],
        [(*key, n) for key, n in sorted(cells.items())],
    )
    return Counter(
        enterprise_workers=EnterpriseWorker.objects.filter(year=year).count(),
        enterprise_cells=len(cells),
    )


# --- reading ----------------------------------------------------------------------------


def _place(filters) -> Q:
    q = Q()
    if filters.industry is not None:
        q &= Q(industry=filters.industry)
    if filters.zone is not None:
        q &= Q(zone=filters.zone)
    return q


def workers(filters, enterprise_ids: Iterable[int]) -> list[tuple[int, int, int, int, int]]:
    """(series, brand, industry, zone, n): the distinct workers taking part through these
    enterprises' entries, per (series, brand) class (0: all) as the figures read them —
    the filters' own class, its series (brand as filtered) and its brands (series as
    filtered) — narrowed to the filters' industry and zone."""
    ids = sorted(set(enterprise_ids))
    if not ids:
        return []
    series, brand = filters.series or 0, filters.brand or 0
    place = _place(filters)
    read = Q(series=series) | Q(brand=brand)
    found = (
        EnterpriseCell.objects.filter(place, read, year=filters.year, enterprise__in=ids)
        .exclude(n=0)
        .order_by()
        .values_list("series", "brand", "industry", "zone")
        .annotate(total=Sum("n"))
    )
    cells: Counter = Counter({(s, b, i, z): n for s, b, i, z, n in found})
    if len(ids) > 1:
        _count_shared_once(cells, filters, ids, place, series, brand)
    return [(*key, n) for key, n in cells.items() if n]


def _count_shared_once(cells: Counter, filters, ids, place: Q, series: int, brand: int):
    """The workers counted in the cells of two or more of these enterprises: taken out of
    each enterprise's classes and counted once, in the classes of all their bits."""
    facts = EnterpriseWorker.objects.filter(place, year=filters.year, enterprise__in=ids)
    shared = (
        facts.order_by()
        .values("worker_id")
        .annotate(times=Count("*"))
        .filter(times__gt=1)
        .values("worker_id")
    )
    merged: dict[tuple[int, int, int], int] = defaultdict(int)
    classes = _helpers()._tag_classes(_helpers()._bits())

    def add(tags: int, industry: int, zone: int, sign: int) -> None:
        for s, b in classes(tags):
            if s == series or b == brand:
                cells[(s, b, industry, zone)] += sign

    for worker, tags, industry, zone in facts.filter(worker_id__in=shared).values_list(
        "worker_id", "tags", "industry", "zone"
    ):
        add(tags, industry, zone, -1)
        merged[(worker, industry, zone)] |= tags
    for (_worker, industry, zone), tags in merged.items():
        add(tags, industry, zone, +1)


def enterprises(filters, enterprise_ids: Iterable[int]) -> list[tuple[int, int, int, int]]:
    """(tags, industry, zone, how many) of these enterprises taking part in the year,
    narrowed to the filters' industry and zone."""
    ids = sorted(set(enterprise_ids))
    if not ids:
        return []
    return list(
        EnterpriseYear.objects.filter(_place(filters), year=filters.year, enterprise_id__in=ids)
        .order_by()
        .values_list("tags", "industry", "zone")
        .annotate(n=Count("*"))
    )


def entries(filters, enterprise_ids: Iterable[int]) -> list[tuple]:
    """(series, brand, industry, zone, scope, month, n) of these enterprises' approved
    entries, narrowed to the filters (the same key may come once per enterprise)."""
    ids = sorted(set(enterprise_ids))
    if not ids:
        return []
    marks = ", ".join(["%s"] * len(ids))
    sql, params = "", []
    # "+ column": compared on the rows read, so that SQLite reads the index in the order of
    # the GROUP BY rather than sorting every row of the enterprises first
    # (series and brand 0 are "all", as in the cells; industry and zone 0 are "none")
    for column, value, unary in (
        ("series", filters.series or None, ""),
        ("brand", filters.brand or None, "+"),
        ("industry", filters.industry, "+"),
        ("zone", filters.zone, "+"),
    ):
        if value is not None:
            sql += f" AND {unary}{column} = %s"
            params.append(value)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT series, brand, industry, zone, scope, month, COUNT(*) "  # noqa: S608
            f"FROM {_q(EntryFact)} WHERE year_id = %s AND enterprise IN ({marks}){sql} "
            "GROUP BY enterprise, series, brand, industry, zone, scope, month",
            [filters.year.pk, *ids, *params],
        )
        return cursor.fetchall()

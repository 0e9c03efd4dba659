"""Keeping the participation summary in step (see :mod:`jingsai.dashboards.models`).

- :func:`entries_changed`: call it, inside the transaction that changes them,
  with the entries whose status, level or members changed (and the workers
  removed from them, when member rows are deleted). It recomputes the facts of
  those entries, of all their members and of their enterprises, for the
  entries' years, and applies the differences to the cells.
- :func:`refresh_workers` / :func:`refresh_enterprises`: the same for workers
  or enterprises whose industry or zone changed (all years unless given).
- :func:`rebuild`: a year (or every year) from scratch, set-based.

Each of them also keeps the per-competition facts of a co-organiser's dashboard in step
(:mod:`jingsai.dashboards.domain.competition_facts`: workers and enterprises per
competition, entries per competition), in the same transaction and after the workers and
enterprises are locked, and the per-enterprise facts of an officer's dashboard
(:mod:`jingsai.dashboards.domain.enterprise_facts`: workers taking part through an
enterprise's entries, refreshed with the workers' facts; the entry facts carry their
enterprise); :func:`rebuild` rebuilds them, and the certificate, skill-level and
attendance facts (:mod:`jingsai.dashboards.domain.worker_facts`), with the year.

All of it is set-based in chunks: a few queries per thousand entries, never
one per row.

The paths that keep it in step, each inside its own transaction (tests in
``tests/dashboards/test_hooks.py`` compare the result with :func:`rebuild` and
with direct counts after each):

- ``competitions.domain.registration``: ``approve``, ``return_for_changes`` and
  ``withdraw`` call :func:`entries_changed`. (``register``, the roster import and
  ``resubmit`` make or change entries that are not approved: nothing counts yet.)
- ``competitions.domain.preliminaries.promote``: the promoted entries' new level.
- ``competitions.domain.services.update_competition``: a new year, series or brand
  → :func:`competition_changed` (its entries, members and enterprises, in the old
  year and the new); ``save_level``: a level's new scope → its approved entries.
- ``labour.domain.services.add_participant``: the approved entry it makes.
- ``judging.domain.workbook_import.import_competition``: its approved entries, in
  one set-based call.
- ``presets.demo_labour``: the league's bulk-made project-site entries, in one call
  (the other demo entries are approved through ``registration.approve``).
- ``people.domain.workers.update_worker``: a new employer (so zone and industry)
  → :func:`refresh_workers`.
- ``organisations.domain.services.update_organisation``: a new kind, zone or
  industry → :func:`refresh_enterprises` (with its entries' facts) and, for the
  workers whose copies of zone and industry follow, :func:`refresh_workers`.

Nothing else writes what is counted: new workers (``people.domain.bulk``, the
roster import, the demo) and new organisations have no approved entry yet; entries,
members, competitions, workers and organisations that are counted cannot be deleted
(``PROTECT``); a programme year's facts and cells go with it (``CASCADE``). A path
that writes entries in bulk behind the services (the benchmark loader, an
interrupted load) calls :func:`rebuild` for the year.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import lru_cache
from itertools import batched
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Max, Value
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear
from django.utils import timezone

from jingsai.catalogue.models import ProgrammeYear
from jingsai.competitions.models import Competition, Entry, EntryMember
from jingsai.dashboards.domain import (
    bulk,
    competition_facts,
    enterprise_facts,
    enterprise_tally,
    worker_facts,
)
from jingsai.dashboards.models import (
    MAX_BITS,
    Cell,
    EnterpriseYear,
    EntryFact,
    TagBit,
    WorkerYear,
)
from jingsai.organisations.models import Organisation
from jingsai.people.models import Worker

CHUNK = 900  # ids per IN (…): below SQLite's limit on parameters
APPROVED = Entry.Status.APPROVED
WORKERS = Cell.Measure.WORKERS
ENTERPRISES = Cell.Measure.ENTERPRISES
ENTRIES = Cell.Measure.ENTRIES
ENTRIES_BY_MONTH = Cell.Measure.ENTRIES_BY_MONTH

type Key = tuple[int, int, int, int, int, int, str, int]  # a cell's key, see Cell


class TooManyTagsError(RuntimeError):
    pass


# --- (series, brand) bits --------------------------------------------------------------


def _bits() -> dict[tuple[int, int], int]:
    return {(s, b): v for s, b, v in TagBit.objects.values_list("series_id", "brand", "value")}


def _ensure_bits(pairs: Iterable[tuple[int, int]], bits: dict[tuple[int, int], int]) -> None:
    """Give each new (series, brand) pair a bit (in ``bits`` and the table)."""
    for pair in sorted(set(pairs) - bits.keys()):
        for _attempt in range(5):
            try:
                with transaction.atomic():  # a savepoint: another writer may take the bit
                    found = TagBit.objects.filter(series_id=pair[0], brand=pair[1]).first()
                    if found is None:
                        top = TagBit.objects.aggregate(top=Max("bit"))["top"]
                        bit = 0 if top is None else top + 1
                        if bit >= MAX_BITS:
                            raise TooManyTagsError(
                                f"more than {MAX_BITS} (series, brand) pairs in competitions"
                            )
                        found = TagBit.objects.create(
                            series_id=pair[0], brand=pair[1], bit=bit, value=1 << bit
                        )
                bits[pair] = found.value
                break
            except IntegrityError:
                continue
        else:
            raise IntegrityError(f"could not give ({pair}) a bit")


def _classes(pairs: Iterable[tuple[int, int]]) -> set[tuple[int, int]]:
    """The (series, brand) classes, 0 for "all", that something with these pairs counts in."""
    out = {(0, 0)}
    for s, b in pairs:
        out.add((s, 0))
        if b:
            out.add((0, b))
            out.add((s, b))
    return out


def _tag_classes(bits: dict[tuple[int, int], int]):
    by_value = {v: pair for pair, v in bits.items()}

    @lru_cache(maxsize=4096)
    def classes(tags: int) -> frozenset[tuple[int, int]]:
        pairs = []
        while tags:
            low = tags & -tags
            pairs.append(by_value[low])
            tags ^= low
        return frozenset(_classes(pairs))

    return classes


# --- cells ------------------------------------------------------------------------------


def _apply(deltas: Counter) -> None:
    """Add ``deltas`` to the cells, one upsert each, in key order (no deadlocks); those
    keyed with :data:`competition_facts.MARK` to the competition cells, those keyed with
    :data:`enterprise_facts.MARK` to the enterprise cells."""
    marks = (competition_facts.MARK, enterprise_facts.MARK)
    mine = {k: d for k, d in deltas.items() if k[0] not in marks}
    competition_facts.apply({k: d for k, d in deltas.items() if k[0] == competition_facts.MARK})
    enterprise_facts.apply({k: d for k, d in deltas.items() if k[0] == enterprise_facts.MARK})
    rows = [(*key, d) for key, d in sorted(mine.items()) if d]
    if not rows:
        return
    table = connection.ops.quote_name(Cell._meta.db_table)
    sql = (
        f"INSERT INTO {table} "  # noqa: S608 (names from the model, values as parameters)
        "(year_id, measure, series, brand, industry, zone, scope, month, n) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) "
        "ON CONFLICT (year_id, measure, series, brand, industry, zone, scope, month) "
        f"DO UPDATE SET n = {table}.n + excluded.n"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _count_people(
    deltas: Counter, measure: int, year: int, fact, sign: int, classes
) -> None:  # fact: (tags, industry, zone, …)
    tags, industry, zone = fact[0], fact[1], fact[2]
    for s, b in classes(tags):
        deltas[(year, measure, s, b, industry, zone, "", 0)] += sign


def _count_entry(deltas: Counter, fact: tuple, sign: int) -> None:
    year, series, brand, industry, zone, scope, month = fact[:7]
    for s, b in _classes([(series, brand)]):
        deltas[(year, ENTRIES, s, b, industry, zone, scope, 0)] += sign
        deltas[(year, ENTRIES_BY_MONTH, s, b, industry, zone, "", month)] += sign


# --- facts ------------------------------------------------------------------------------


def _month(moment) -> int:
    local = timezone.localtime(moment, ZoneInfo(settings.TIME_ZONE))
    return local.year * 100 + local.month


def _refresh_entries(entry_ids: list[int], deltas: Counter) -> tuple[set, set, set, set]:
    """Entry facts of these entries (and their competitions' cells); returns their
    (members, enterprises, years, competitions)."""
    workers: set[int] = set()
    enterprises: set[int] = set()
    years: set[int] = set()
    competitions: set[int] = set()
    for chunk in batched(sorted(set(entry_ids)), CHUNK):
        old = {
            row[0]: row[1:]
            for row in EntryFact.objects.filter(entry_id__in=chunk).values_list(
                "entry_id",
                "year_id",
                "series",
                "brand",
                "industry",
                "zone",
                "scope",
                "month",
                "enterprise",
            )
        }
        new = {}
        competition_of = {}
        for (
            pk,
            competition,
            year,
            series,
            brand,
            industry,
            zone,
            scope,
            created,
            enterprise,
            status,
        ) in (
            Entry.objects.filter(pk__in=chunk)
            .order_by()
            .values_list(
                "pk",
                "competition_id",
                "competition__year_id",
                "competition__series_id",
                "competition__brand_id",
                "enterprise__industry_id",
                "zone_id",
                "level__scope",
                "created_at",
                "enterprise_id",
                "status",
            )
        ):
            competition_of[pk] = competition
            years.add(year)
            enterprises.add(enterprise)
            if status == APPROVED:
                new[pk] = (
                    year,
                    series,
                    brand or 0,
                    industry or 0,
                    zone or 0,
                    scope or "",
                    _month(created),
                    enterprise,
                )
        # the years an entry counted in before, too: a competition moved to another
        # year leaves its members and enterprises to be recounted in the old one
        years.update(fact[0] for fact in old.values())
        changed = [pk for pk in old.keys() | new.keys() if old.get(pk) != new.get(pk)]
        for pk in changed:
            if pk in old:
                _count_entry(deltas, old[pk], -1)
                competition_facts.count_entry(deltas, competition_of[pk], old[pk], -1)
            if pk in new:
                _count_entry(deltas, new[pk], +1)
                competition_facts.count_entry(deltas, competition_of[pk], new[pk], +1)
        if changed:
            EntryFact.objects.filter(entry_id__in=[pk for pk in changed if pk in old]).delete()
            EntryFact.objects.bulk_create(
                EntryFact(
                    entry_id=pk,
                    year_id=f[0],
                    series=f[1],
                    brand=f[2],
                    industry=f[3],
                    zone=f[4],
                    scope=f[5],
                    month=f[6],
                    enterprise=f[7],
                )
                for pk in changed
                if (f := new.get(pk)) is not None
            )
        workers.update(
            EntryMember.objects.filter(entry_id__in=chunk).values_list("worker_id", flat=True)
        )
        competitions.update(competition_of.values())
    return workers, enterprises, years, competitions


def _refresh_people(
    *,
    ids: Iterable[int],
    years: Iterable[int] | None,
    deltas: Counter,
    locked_model,
    fact_model,
    key: str,
    source,
    measure: int,
) -> None:
    """Facts of workers or enterprises (``key``: "worker" or "enterprise") recomputed from
    ``source(chunk, years)``: rows (year, id, series, brand, industry, zone, *extra)."""
    years = sorted(set(years)) if years is not None else None
    bits = _bits()
    classes = _tag_classes(bits)
    extra = ["enterprise"] if fact_model is WorkerYear else []
    for chunk in batched(sorted(set(ids)), CHUNK):
        # Locked in id order: a concurrent change of the same people waits, then reads
        # what the first one committed.
        list(
            locked_model.objects.select_for_update()
            .filter(pk__in=chunk)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        stored = fact_model.objects.filter(**{f"{key}_id__in": chunk})
        if years is not None:
            stored = stored.filter(year_id__in=years)
        old = {
            (row[0], row[1]): row[2:]
            for row in stored.values_list(
                "year_id", f"{key}_id", "tags", "industry", "zone", *extra
            )
        }
        rows = list(source(chunk, years))
        known = len(bits)
        _ensure_bits({(r[2], r[3] or 0) for r in rows}, bits)
        if len(bits) != known:
            classes = _tag_classes(bits)
        new: dict[tuple[int, int], list] = {}
        for year, pk, series, brand, industry, zone, *rest in rows:
            fact = new.get((year, pk))
            if fact is None:
                fact = new[(year, pk)] = [0, industry or 0, zone or 0, *(r or 0 for r in rest)]
            fact[0] |= bits[(series, brand or 0)]
        new = {k: tuple(v) for k, v in new.items()}
        changed = [k for k in old.keys() | new.keys() if old.get(k) != new.get(k)]
        if not changed:
            continue
        gone = defaultdict(list)
        for k in changed:
            if k in old:
                _count_people(deltas, measure, k[0], old[k], -1, classes)
                gone[k[0]].append(k[1])
            if k in new:
                _count_people(deltas, measure, k[0], new[k], +1, classes)
        for year, pks in gone.items():
            fact_model.objects.filter(year_id=year, **{f"{key}_id__in": pks}).delete()
        fact_model.objects.bulk_create(
            fact_model(
                year_id=k[0],
                tags=f[0],
                industry=f[1],
                zone=f[2],
                **{f"{key}_id": k[1]},
                **dict(zip(extra, f[3:], strict=True)),
            )
            for k in changed
            if (f := new.get(k)) is not None
        )


def _worker_source(chunk, years):
    rows = EntryMember.objects.filter(active=True, entry__status=APPROVED, worker_id__in=chunk)
    if years is not None:
        rows = rows.filter(competition__year_id__in=years)
    return (
        rows.order_by()
        .values_list(
            "competition__year_id",
            "worker_id",
            "competition__series_id",
            "competition__brand_id",
            "worker__industry_id",
            "worker__zone_id",
            "worker__employer_id",
        )
        .distinct()
    )


def _enterprise_source(chunk, years):
    rows = Entry.objects.filter(status=APPROVED, enterprise_id__in=chunk)
    if years is not None:
        rows = rows.filter(competition__year_id__in=years)
    return (
        rows.order_by()
        .values_list(
            "competition__year_id",
            "enterprise_id",
            "competition__series_id",
            "competition__brand_id",
            "enterprise__industry_id",
            "enterprise__zone_id",
        )
        .distinct()
    )


def refresh_workers(
    worker_ids: Iterable[int], year_ids: Iterable[int] | None = None, *, deltas=None
) -> None:
    """Recompute these workers' facts (in these years, or all) and the cells they change,
    the per-enterprise ones too (:mod:`.enterprise_facts`)."""
    worker_ids = sorted(set(worker_ids))
    year_ids = list(year_ids) if year_ids is not None else None
    with transaction.atomic():
        own = deltas is None
        deltas = Counter() if own else deltas
        _refresh_people(
            ids=worker_ids,
            years=year_ids,
            deltas=deltas,
            locked_model=Worker,
            fact_model=WorkerYear,
            key="worker",
            source=_worker_source,
            measure=WORKERS,
        )
        # the workers are locked now (in id order, above)
        enterprise_facts.refresh_workers(worker_ids, year_ids, deltas)
        if own:
            _apply(deltas)
            competition_facts.refresh_workers(worker_ids, _competitions_of(year_ids))


def _competitions_of(year_ids: Iterable[int] | None) -> list[int] | None:
    if year_ids is None:
        return None
    return list(Competition.objects.filter(year_id__in=list(year_ids)).values_list("pk", flat=True))


def refresh_enterprises(
    enterprise_ids: Iterable[int], year_ids: Iterable[int] | None = None, *, deltas=None
) -> None:
    """Recompute these enterprises' facts (in these years, or all) and their cells; called
    on its own (an enterprise's industry changed), also its entries' facts."""
    with transaction.atomic():
        own = deltas is None
        deltas = Counter() if own else deltas
        enterprise_ids = sorted(set(enterprise_ids))
        year_ids = list(year_ids) if year_ids is not None else None
        if own:
            for chunk in batched(enterprise_ids, CHUNK):
                entries = Entry.objects.filter(enterprise_id__in=chunk)
                if year_ids is not None:
                    entries = entries.filter(competition__year_id__in=year_ids)
                _refresh_entries(list(entries.values_list("pk", flat=True)), deltas)
        _refresh_people(
            ids=enterprise_ids,
            years=year_ids,
            deltas=deltas,
            locked_model=Organisation,
            fact_model=EnterpriseYear,
            key="enterprise",
            source=_enterprise_source,
            measure=ENTERPRISES,
        )
        if own:
            _apply(deltas)
            competition_facts.refresh_enterprises(enterprise_ids, _competitions_of(year_ids))
            from jingsai.dashboards.domain import medals

            medals.enterprises_changed(enterprise_ids)


def workers_of(enterprise_id: int) -> set[int]:
    """The workers of an employer whose facts may change with its zone or industry: those
    counted under it, and its active members of approved entries."""
    counted = WorkerYear.objects.filter(
        year_id__in=ProgrammeYear.objects.values("pk"), enterprise=enterprise_id
    ).values_list("worker_id", flat=True)
    members = (
        EntryMember.objects.filter(
            worker__employer_id=enterprise_id, active=True, entry__status=APPROVED
        )
        .order_by()
        .values_list("worker_id", flat=True)
        .distinct()
    )
    return set(counted) | set(members)


def entries_changed(entry_ids: Iterable[int], *, worker_ids: Iterable[int] = ()) -> None:
    """The hook: these entries' status, level or members changed (``worker_ids``: workers
    whose member rows were deleted from them). Call inside the changing transaction."""
    entry_ids = list(entry_ids)
    if not entry_ids:
        return
    with transaction.atomic():
        deltas: Counter = Counter()
        workers, enterprises, years, competitions = _refresh_entries(entry_ids, deltas)
        workers |= set(worker_ids)
        refresh_workers(workers, years, deltas=deltas)
        refresh_enterprises(enterprises, years, deltas=deltas)
        _apply(deltas)
        # the workers and enterprises are locked now (in id order, above)
        competition_facts.refresh_workers(workers, competitions)
        competition_facts.refresh_enterprises(enterprises, competitions)
        enterprise_tally.refresh(enterprises | enterprise_tally.employers_of(workers), years)


def competition_changed(competition: Competition) -> None:
    """Its series, brand or year changed: every entry of it is recounted, and its
    published results in the medal table."""
    from jingsai.dashboards.domain import medals

    entries_changed(Entry.objects.filter(competition=competition).values_list("pk", flat=True))
    medals.refresh([competition])


# --- from scratch -----------------------------------------------------------------------


def rebuild(year: ProgrammeYear | None = None) -> dict[str, int]:
    """Recompute the facts and cells of ``year`` (every year when None) from the source
    tables, set-based; returns how many facts of each kind."""
    years = [year] if year is not None else list(ProgrammeYear.objects.order_by("year"))
    counts: Counter = Counter()
    for one in years:
        with transaction.atomic():
            counts += _rebuild_year(one)
            counts += enterprise_facts.rebuild(one)
            counts += competition_facts.rebuild(one)
            counts += worker_facts.rebuild(one)
            counts["enterprise_tallies"] += enterprise_tally.rebuild(one)
    return dict(counts)


def _rebuild_year(year: ProgrammeYear) -> Counter:
    for model in (Cell, WorkerYear, EnterpriseYear, EntryFact):
        model.objects.filter(year=year)._raw_delete(model.objects.db)
    bits = _bits()
    pairs = Competition.objects.filter(year=year).values_list("series_id", "brand_id").distinct()
    _ensure_bits({(s, b or 0) for s, b in pairs}, bits)
    q = connection.ops.quote_name
    member, entry, competition = (q(m._meta.db_table) for m in (EntryMember, Entry, Competition))
    worker, organisation, tagbit = (q(m._meta.db_table) for m in (Worker, Organisation, TagBit))
    tag_join = (
        f"JOIN {competition} c ON c.id = e.competition_id "
        f"JOIN {tagbit} t ON t.series_id = c.series_id AND t.brand = COALESCE(c.brand_id, 0) "
    )
    with connection.cursor() as cursor:
        # SUM of the distinct bit values of a group is their OR (each is a power of two)
        cursor.execute(
            f"INSERT INTO {q(WorkerYear._meta.db_table)} "  # noqa: S608
            "(year_id, worker_id, tags, industry, zone, enterprise) "
            "SELECT c.year_id, m.worker_id, SUM(DISTINCT t.value), COALESCE(w.industry_id, 0), "
            "COALESCE(w.zone_id, 0), w.employer_id "
            f"FROM {member} m JOIN {entry} e ON e.id = m.entry_id {tag_join}"
            f"JOIN {worker} w ON w.id = m.worker_id "
            "WHERE m.active = %s AND e.status = %s AND c.year_id = %s "
            "GROUP BY c.year_id, m.worker_id, w.industry_id, w.zone_id, w.employer_id",
            [True, APPROVED, year.pk],
        )
        cursor.execute(
            f"INSERT INTO {q(EnterpriseYear._meta.db_table)} "  # noqa: S608
            "(year_id, enterprise_id, tags, industry, zone) "
            "SELECT c.year_id, e.enterprise_id, SUM(DISTINCT t.value), "
            "COALESCE(o.industry_id, 0), COALESCE(o.zone_id, 0) "
            f"FROM {entry} e {tag_join}JOIN {organisation} o ON o.id = e.enterprise_id "
            "WHERE e.status = %s AND c.year_id = %s "
            "GROUP BY c.year_id, e.enterprise_id, o.industry_id, o.zone_id",
            [APPROVED, year.pk],
        )
        tz = ZoneInfo(settings.TIME_ZONE)
        facts = (
            Entry.objects.filter(status=APPROVED, competition__year=year)
            .order_by()
            .annotate(
                f_entry=F("pk"),
                f_year=F("competition__year_id"),
                f_series=F("competition__series_id"),
                f_brand=Coalesce("competition__brand_id", 0),
                f_industry=Coalesce("enterprise__industry_id", 0),
                f_zone=Coalesce("zone_id", 0),
                f_scope=Coalesce("level__scope", Value("")),
                f_month=ExtractYear("created_at", tzinfo=tz) * 100
                + ExtractMonth("created_at", tzinfo=tz),
                f_enterprise=F("enterprise_id"),
            )
            .values_list(
                "f_entry", "f_year", "f_series", "f_brand", "f_industry", "f_zone", "f_scope",
                "f_month", "f_enterprise",
            )
        )  # fmt: skip
        sql, params = facts.query.sql_with_params()
        cursor.execute(
            f"INSERT INTO {q(EntryFact._meta.db_table)} "
            f"(entry_id, year_id, series, brand, industry, zone, scope, month, enterprise) {sql}",
            params,
        )
    cells: Counter = Counter()
    classes = _tag_classes(bits)
    for model, measure in ((WorkerYear, WORKERS), (EnterpriseYear, ENTERPRISES)):
        grouped = (
            model.objects.filter(year=year)
            .order_by()
            .values_list("tags", "industry", "zone")
            .annotate(n=Count("*"))
        )
        for tags, industry, zone, n in grouped:
            for s, b in classes(tags):
                cells[(year.pk, measure, s, b, industry, zone, "", 0)] += n
    for by, measure in (("scope", ENTRIES), ("month", ENTRIES_BY_MONTH)):
        grouped = (
            EntryFact.objects.filter(year=year)
            .order_by()
            .values_list("series", "brand", "industry", "zone", by)
            .annotate(n=Count("*"))
        )
        for series, brand, industry, zone, value, n in grouped:
            scope, month = (value, 0) if by == "scope" else ("", value)
            for s, b in _classes([(series, brand)]):
                cells[(year.pk, measure, s, b, industry, zone, scope, month)] += n
    bulk.copy_rows(
        Cell,
        ["year_id", "measure", "series", "brand", "industry", "zone", "scope", "month", "n"],
        [(*key, n) for key, n in sorted(cells.items())],
    )
    return Counter(
        workers=WorkerYear.objects.filter(year=year).count(),
        enterprises=EnterpriseYear.objects.filter(year=year).count(),
        entries=EntryFact.objects.filter(year=year).count(),
        cells=len(cells),
    )

"""Participation per competition: what a co-organiser's dashboard counts (see
:mod:`jingsai.dashboards.models`, :class:`CompetitionWorker`, :class:`CompetitionEnterprise`,
:class:`CompetitionCell`).

The year's cells cannot answer for a set of competitions (they are not split per
competition, and distinct workers of two competitions do not add up). These facts are
per competition, one small row per thing counted, so a co-organiser's figures are counted
from the rows of his competitions alone, whatever the size of the year:

- :class:`CompetitionWorker` (competition, worker): the worker is an active member of an
  approved entry of the competition; his industry and zone (the copies on the worker) and
  his employer (the enterprise whose worker he counts as in the top-enterprise lists, as
  in ``WorkerYear``). Distinct workers of a set of competitions: grouped by worker,
  with the OR of the competitions' (series, brand) bits, as the year's facts are.
- :class:`CompetitionEnterprise` (competition, enterprise): its approved entries there,
  with the enterprise's industry and zone.
- :class:`CompetitionCell`: approved entries per competition, industry, zone and level
  scope or month — counts that add up over competitions.

Series, brand and year are not copied: they are the competition's, read when counting, so
a competition that changes them leaves these rows as they are.

Kept in step by :mod:`jingsai.dashboards.domain.participation` in the same transaction
as every change it handles (its module lists the paths): ``entries_changed`` refreshes
the workers and enterprises of the changed entries in those competitions and applies the
entries' differences to the cells; ``refresh_workers`` / ``refresh_enterprises`` (a new
industry, zone or employer) refresh every competition of those workers or enterprises;
``rebuild`` recomputes a year's competitions from scratch (:func:`rebuild`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from itertools import batched

from django.db import connection

from jingsai.catalogue.models import ProgrammeYear
from jingsai.competitions.models import Competition, Entry, EntryMember
from jingsai.dashboards.models import (
    Cell,
    CompetitionCell,
    CompetitionEnterprise,
    CompetitionWorker,
    EntryFact,
)
from jingsai.organisations.models import Organisation
from jingsai.people.models import Worker

CHUNK = 900  # ids per IN (…): below SQLite's limit on parameters
APPROVED = Entry.Status.APPROVED
ENTRIES = Cell.Measure.ENTRIES
ENTRIES_BY_MONTH = Cell.Measure.ENTRIES_BY_MONTH
MARK = "competition"  # the first item of this module's keys in a deltas Counter


def _q(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _in(values: Iterable[int]) -> tuple[str, list[int]]:
    values = list(values)
    return ", ".join(["%s"] * len(values)), values


def _where(key: str, ids, comps, prefix: str = "") -> tuple[str, list[int]]:
    """``key IN (ids)``, and ``competition_id IN (comps)`` unless comps is None."""
    marks, params = _in(ids)
    sql = f"{prefix}{key} IN ({marks})"
    if comps is not None:
        comp_marks, comp_params = _in(comps)
        sql += f" AND {prefix}competition_id IN ({comp_marks})"
        params = params + comp_params
    return sql, params


# --- keeping them in step ---------------------------------------------------------------


def count_entry(deltas: Counter, competition: int, fact: tuple, sign: int) -> None:
    """An entry fact (year, series, brand, industry, zone, scope, month, …) of a competition
    added (+1) or taken away (−1): its competition cells' deltas, keyed with :data:`MARK`."""
    industry, zone, scope, month = fact[3:7]
    deltas[(MARK, competition, ENTRIES, industry, zone, scope, 0)] += sign
    deltas[(MARK, competition, ENTRIES_BY_MONTH, industry, zone, "", month)] += sign


def apply(deltas: dict) -> None:
    """Add the deltas keyed with :data:`MARK` to the competition cells, in key order."""
    rows = [(*key[1:], n) for key, n in sorted(deltas.items()) if n]
    if not rows:
        return
    table = _q(CompetitionCell)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} "  # noqa: S608 (names from the model, values as parameters)
            "(competition_id, measure, industry, zone, scope, month, n) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (competition_id, measure, industry, zone, scope, month) "
            f"DO UPDATE SET n = {table}.n + excluded.n",
            rows,
        )


def refresh_workers(worker_ids: Iterable[int], competition_ids: Iterable[int] | None = None):
    """Recompute the workers' rows (in these competitions, or all) from the entries. The
    caller holds the workers' row locks (``participation`` takes them in id order)."""
    comps = sorted(set(competition_ids)) if competition_ids is not None else None
    if comps == []:
        return
    member, entry, worker = _q(EntryMember), _q(Entry), _q(Worker)
    table = _q(CompetitionWorker)
    for chunk in batched(sorted(set(worker_ids)), CHUNK // 2):
        where, params = _where("worker_id", chunk, comps)
        source, _same = _where("worker_id", chunk, comps, "m.")
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE {where}", params)  # noqa: S608
            cursor.execute(
                f"INSERT INTO {table} "  # noqa: S608 (names from the models)
                "(competition_id, worker_id, enterprise, industry, zone) "
                "SELECT m.competition_id, m.worker_id, COALESCE(w.employer_id, 0), "
                "COALESCE(w.industry_id, 0), COALESCE(w.zone_id, 0) "
                f"FROM {member} m JOIN {entry} e ON e.id = m.entry_id "
                f"JOIN {worker} w ON w.id = m.worker_id "
                f"WHERE m.active = %s AND e.status = %s AND {source}",
                [True, APPROVED, *params],
            )


def refresh_enterprises(
    enterprise_ids: Iterable[int], competition_ids: Iterable[int] | None = None
) -> None:
    """Recompute the enterprises' rows (in these competitions, or all) from the entries.
    The caller holds the organisations' row locks."""
    comps = sorted(set(competition_ids)) if competition_ids is not None else None
    if comps == []:
        return
    entry, organisation = _q(Entry), _q(Organisation)
    table = _q(CompetitionEnterprise)
    for chunk in batched(sorted({i for i in enterprise_ids if i}), CHUNK // 2):
        where, params = _where("enterprise_id", chunk, comps)
        source, _same = _where("enterprise_id", chunk, comps, "e.")
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE {where}", params)  # noqa: S608
            cursor.execute(
                f"INSERT INTO {table} "  # noqa: S608 (names from the models)
                "(competition_id, enterprise_id, industry, zone, entries) "
                "SELECT e.competition_id, e.enterprise_id, COALESCE(o.industry_id, 0), "
                "COALESCE(o.zone_id, 0), COUNT(*) "
                f"FROM {entry} e JOIN {organisation} o ON o.id = e.enterprise_id "
                f"WHERE e.status = %s AND {source} "
                "GROUP BY e.competition_id, e.enterprise_id, o.industry_id, o.zone_id",
                [APPROVED, *params],
            )


# --- from scratch -----------------------------------------------------------------------


def rebuild(year: ProgrammeYear) -> Counter:
    """Recompute the rows of the year's competitions from the source tables, set-based;
    the year's entry facts (``EntryFact``) must be rebuilt already."""
    comps = f"SELECT id FROM {_q(Competition)} WHERE year_id = %s"  # noqa: S608
    member, entry, worker, organisation = (
        _q(m) for m in (EntryMember, Entry, Worker, Organisation)
    )
    with connection.cursor() as cursor:
        for model in (CompetitionWorker, CompetitionEnterprise, CompetitionCell):
            cursor.execute(
                f"DELETE FROM {_q(model)} WHERE competition_id IN ({comps})",  # noqa: S608
                [year.pk],
            )
        cursor.execute(
            f"INSERT INTO {_q(CompetitionWorker)} "  # noqa: S608 (names from the models)
            "(competition_id, worker_id, enterprise, industry, zone) "
            "SELECT m.competition_id, m.worker_id, COALESCE(w.employer_id, 0), "
            "COALESCE(w.industry_id, 0), COALESCE(w.zone_id, 0) "
            f"FROM {member} m JOIN {entry} e ON e.id = m.entry_id "
            f"JOIN {worker} w ON w.id = m.worker_id "
            f"WHERE m.active = %s AND e.status = %s AND m.competition_id IN ({comps})",
            [True, APPROVED, year.pk],
        )
        cursor.execute(
            f"INSERT INTO {_q(CompetitionEnterprise)} "  # noqa: S608
            "(competition_id, enterprise_id, industry, zone, entries) "
            "SELECT e.competition_id, e.enterprise_id, COALESCE(o.industry_id, 0), "
            "COALESCE(o.zone_id, 0), COUNT(*) "
            f"FROM {entry} e JOIN {organisation} o ON o.id = e.enterprise_id "
            f"WHERE e.status = %s AND e.competition_id IN ({comps}) "
            "GROUP BY e.competition_id, e.enterprise_id, o.industry_id, o.zone_id",
            [APPROVED, year.pk],
        )
        # the entries as the year's facts counted them
        for measure, by in ((ENTRIES, "scope"), (ENTRIES_BY_MONTH, "month")):
            columns = "f.scope, 0" if by == "scope" else "'', f.month"
            cursor.execute(
                f"INSERT INTO {_q(CompetitionCell)} "  # noqa: S608
                "(competition_id, measure, industry, zone, scope, month, n) "
                f"SELECT e.competition_id, %s, f.industry, f.zone, {columns}, COUNT(*) "
                f"FROM {_q(EntryFact)} f JOIN {entry} e ON e.id = f.entry_id "
                "WHERE f.year_id = %s "
                f"GROUP BY e.competition_id, f.industry, f.zone, f.{by}",
                [measure, year.pk],
            )
    in_year = Competition.objects.filter(year=year).values("pk")
    return Counter(
        competition_workers=CompetitionWorker.objects.filter(competition__in=in_year).count(),
        competition_enterprises=CompetitionEnterprise.objects.filter(
            competition__in=in_year
        ).count(),
        competition_cells=CompetitionCell.objects.filter(competition__in=in_year).count(),
    )


# --- reading ----------------------------------------------------------------------------


def _place(filters, industry: str = "industry", zone: str = "zone") -> tuple[str, list]:
    sql, params = "", []
    if filters.industry is not None:
        sql += f" AND {industry} = %s"
        params.append(filters.industry)
    if filters.zone is not None:
        sql += f" AND {zone} = %s"
        params.append(filters.zone)
    return sql, params


MAX_OWN_BITS = 62  # competitions that each get a bit of their own in :func:`people`


def people(model, key: str, bit_of: dict[int, int], filters) -> list[tuple[int, int, int, int]]:
    """(mask, industry, zone, how many) of the distinct workers (``model``
    :class:`CompetitionWorker`, ``key`` "worker_id") or enterprises of these competitions,
    narrowed to the filters' industry and zone; ``mask`` is the OR of the bits
    (``bit_of``: competition → a power of two) of the competitions each one takes part in.

    With at most :data:`MAX_OWN_BITS` competitions, each its own bit, the OR is a plain
    SUM (one row per competition and worker or enterprise); otherwise the bits are shared
    and the OR is a SUM of the distinct bits, which costs a sort more."""
    if not bit_of:
        return []
    comps = sorted(bit_of)
    own = len(set(bit_of.values())) == len(bit_of)
    case = " ".join("WHEN %s THEN %s" for _c in comps)
    case_params = [v for c in comps for v in (c, bit_of[c])]
    marks, params = _in(comps)
    place, place_params = _place(filters)
    total = "SUM" if own else "SUM(DISTINCT"
    close = "" if own else ")"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT mask, industry, zone, COUNT(*) FROM ("  # noqa: S608 (names from the model)
            f"SELECT {key}, industry, zone, {total}(CASE competition_id {case} END){close} "
            f"AS mask FROM {_q(model)} WHERE competition_id IN ({marks}){place} "
            # in the order of the read index (competition, zone, industry, …): each
            # competition's rows come sorted, and SQLite's sort of them costs less
            f"GROUP BY zone, industry, {key}) found GROUP BY mask, industry, zone",
            [*case_params, *params, *place_params],
        )
        return cursor.fetchall()


def entries(competitions: Iterable[int], filters) -> list[tuple[int, int, int, int, str, int, int]]:
    """(competition, measure, industry, zone, scope, month, n) of these competitions'
    approved entries, narrowed to the filters' industry and zone."""
    comps = sorted(set(competitions))
    if not comps:
        return []
    marks, params = _in(comps)
    place, place_params = _place(filters)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT competition_id, measure, industry, zone, scope, month, n "  # noqa: S608
            f"FROM {_q(CompetitionCell)} WHERE competition_id IN ({marks}){place} AND n <> 0",
            [*params, *place_params],
        )
        return cursor.fetchall()


def by_enterprise(competitions: Iterable[int]) -> dict[int, list[int]]:
    """Enterprise → [workers taking part, approved entries] in these competitions: its
    employees among the active members of approved entries (distinct), and its approved
    entries (``Entry.enterprise``)."""
    comps = sorted(set(competitions))
    if not comps:
        return {}
    marks, params = _in(comps)
    counts: dict[int, list[int]] = {}
    with connection.cursor() as cursor:
        # "+ 0": grouped after reading the competitions' rows, not by walking the
        # enterprise index (SQLite's choice otherwise, many times slower)
        cursor.execute(
            "SELECT enterprise_id + 0 AS enterprise, SUM(entries) "  # noqa: S608
            f"FROM {_q(CompetitionEnterprise)} WHERE competition_id IN ({marks}) "
            "GROUP BY enterprise",
            params,
        )
        for enterprise, n in cursor.fetchall():
            counts[enterprise] = [0, int(n)]
        cursor.execute(
            "SELECT enterprise, COUNT(DISTINCT worker_id) "  # noqa: S608
            f"FROM {_q(CompetitionWorker)} WHERE competition_id IN ({marks}) "
            "GROUP BY enterprise",
            params,
        )
        for enterprise, n in cursor.fetchall():
            counts.setdefault(enterprise, [0, 0])[0] = n
    return counts

"""Benchmark of the dashboard's participation figures at Pudong scale (issue 8).

Usage: python benchmarks/bench_dashboard.py [--entries 2000000] [--reuse] [--no-write]
       [--enterprises 10000] [--workers 1000000]
The database comes from DATABASE_URL (SQLite under JINGSAI_DATA_DIR when unset). In
``scripts/bench.sh`` it is the one bench.py loaded (10,000 enterprises, 1,000,000 workers)
and the other benchmarks added to (a roster, judged entries, a labour league); on an empty
database enterprises and workers are made first, as bench.py makes them.

Load: 100 competitions of the year across the series and brands (codes ``dash-…``), and
one-worker entries in them through the bare driver until the year holds ``--entries``
entries in all (about two per worker; 90% approved, 5% awaiting review, 5% withdrawn,
registered over ten months). Entries written behind the services leave the summary stale,
so it is then rebuilt from scratch (timed). Measured:

- ``figures()`` for 100 random filter combinations (year × series × brand × industry ×
  zone): p50, p95 (target ≤ 300 ms), max;
- the same unfiltered count of workers straight from the entries, for contrast;
- 50 approvals through ``registration.approve``, which keep the summary in step in their
  transaction: the whole approval and the summary's share of it, p50 and p95;
- the figures still equal direct counts afterwards (asserted).

Figures are merged into benchmarks/results.json under results[vendor]["dashboard"] and
their rows added to benchmarks/results.md (``--no-write``: printed only).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import random
import sys
import time

import bench  # benchmarks/bench.py: django.setup(), log, results files
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from jingsai.catalogue.models import Brand, Industry, ProgrammeYear, Series, Zone
from jingsai.competitions.domain import registration
from jingsai.competitions.domain.services import create_competition
from jingsai.competitions.models import Competition, Entry, EntryMember
from jingsai.dashboards.domain import participation
from jingsai.dashboards.domain.figures import Filters, figures
from jingsai.dashboards.models import Cell, EnterpriseYear, EntryFact, WorkerYear
from jingsai.organisations.models import Organisation
from jingsai.people.models import Worker
from jingsai.presets import demo, pudong

TARGET_P95_MS = 300.0
COMPETITIONS = 100
OWN = "dash-"  # the codes of this benchmark's competitions
FIGURE_CALLS = 100
APPROVALS = 50
log = bench.log


def insert(model, columns: list[str], rows: list[tuple]) -> None:
    """Rows through the bare driver, the model's other columns at their defaults."""
    given = set(columns)
    constants = {
        f.column: f.get_db_prep_save(f.get_default(), connection)
        for f in model._meta.concrete_fields
        if f.column not in given and not f.primary_key
    }
    names = [*columns, *constants]
    tail = tuple(constants.values())
    table = connection.ops.quote_name(model._meta.db_table)
    quoted = ", ".join(connection.ops.quote_name(n) for n in names)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row((*row, *tail))
        else:
            raw = connection.connection.cursor()
            raw.executemany(
                f"INSERT INTO {table} ({quoted}) VALUES ({', '.join('?' * len(names))})",  # noqa: S608
                ((*row, *tail) for row in rows),
            )


def _forget_own_entries(year: ProgrammeYear) -> None:
    """A second or interrupted load: this benchmark's entries go, with the year's summary
    (rebuilt by :func:`measure`)."""
    own = Entry.objects.filter(competition__code__startswith=OWN)
    if not own.exists():
        return
    with transaction.atomic():
        for model in (Cell, WorkerYear, EnterpriseYear, EntryFact):
            model.objects.filter(year=year)._raw_delete(model.objects.db)
        EntryMember.objects.filter(competition__code__startswith=OWN)._raw_delete(
            EntryMember.objects.db
        )
        own._raw_delete(Entry.objects.db)


def load(enterprises: int, workers: int, entries: int) -> dict:
    call_command("migrate", verbosity=0)
    pudong.apply(year=2026)
    rng = random.Random(8)
    if not Worker.objects.exists():
        demo.ensure_other_organisations()
        start = time.perf_counter()
        demo.create_enterprises(rng, enterprises)
        demo.create_workers(rng, workers, progress=None)
        log(f"  enterprises and workers: {time.perf_counter() - start:.0f} s")
    year = ProgrammeYear.objects.order_by("-year").first()
    _forget_own_entries(year)
    already = Entry.objects.filter(competition__year=year).count()  # other benchmarks'
    union = Organisation.objects.filter(kind=Organisation.Kind.UNION).first()
    series = list(Series.objects.all())
    brands = [None, *Brand.objects.all()]
    own = Competition.objects.filter(year=year, code__startswith=OWN).order_by("pk")
    for i in range(own.count(), COMPETITIONS):
        create_competition(
            actor=None,
            code=f"{OWN}{i + 1:03d}",
            year=year,
            title=f"看板基准竞赛 {i + 1}",
            series=rng.choice(series),
            brand=rng.choice(brands),
            organiser=union,
        )
    own.update(status=Competition.Status.OPEN)  # approvals are measured in them
    competitions = [
        (c.pk, c.levels.order_by("order").values_list("pk", flat=True).first()) for c in own
    ]
    start = time.perf_counter()
    people = list(Worker.objects.order_by().values_list("pk", "employer_id", "zone_id"))
    rng.shuffle(people)
    needed = max(0, entries - already)
    # one pass over the workers, each (competition, worker) once: k competitions each,
    # 1 to 3 (2.2 on average) at Pudong scale, more when fewer workers must make the number
    extra = max(0, math.ceil(needed / max(len(people), 1) * 1.1 - 2.2))
    first = (Entry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    entry_rows, member_rows = [], []
    begin = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    sqlite = connection.vendor == "sqlite"

    def stamp(moment):  # as Django stores it
        return moment.replace(tzinfo=None).isoformat(" ") if sqlite else moment

    now = stamp(timezone.now())
    done = 0
    chunk = 200_000
    for worker, employer, zone in people:
        if done >= needed:
            break
        k = min(len(competitions), rng.choice((1, 2, 2, 3, 3)) + extra)
        for competition, level in rng.sample(competitions, k):
            if done >= needed:
                break
            roll = rng.random()
            status = "approved" if roll < 0.9 else "submitted" if roll < 0.95 else "withdrawn"
            created = stamp(begin + dt.timedelta(seconds=rng.randrange(300 * 86400)))
            pk = first + done
            entry_rows.append((pk, competition, employer, zone, level, status, created, now))
            member_rows.append((pk, competition, worker, status != "withdrawn"))
            done += 1
        if len(entry_rows) >= chunk:
            _flush(entry_rows, member_rows)
            log(f"  {done:,} entries")
    _flush(entry_rows, member_rows)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            table = Entry._meta.db_table
            sql = f"SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT MAX(id) FROM {table}))"  # noqa: S608
            cursor.execute(sql, [table])
    entry_seconds = time.perf_counter() - start
    demo.optimise_query_planner()
    in_year = Entry.objects.filter(competition__year=year)
    return {
        "enterprises": Organisation.objects.filter(kind="enterprise").count(),
        "workers": Worker.objects.count(),
        "entries_in_year": in_year.count(),
        "approved_entries_in_year": in_year.filter(status="approved").count(),
        "entries_of_other_benchmarks": already,
        "entries_inserted": done,
        "entry_insert_seconds": round(entry_seconds, 1),
    }


def _flush(entry_rows: list, member_rows: list) -> None:
    with transaction.atomic():
        insert(
            Entry,
            [
                "id", "competition_id", "enterprise_id", "zone_id", "level_id", "status",
                "created_at", "updated_at",
            ],
            entry_rows,
        )  # fmt: skip
        insert(EntryMember, ["entry_id", "competition_id", "worker_id", "active"], member_rows)
    entry_rows.clear()
    member_rows.clear()


def percentile(times: list[float], share: float) -> float:
    times = sorted(times)
    return round(times[max(0, int(share * len(times)) - 1)], 1)


def direct_workers(year) -> int:
    return (
        EntryMember.objects.filter(active=True, entry__status="approved", competition__year=year)
        .values("worker_id")
        .distinct()
        .count()
    )


def measure() -> dict:
    year = ProgrammeYear.objects.order_by("-year").first()
    start = time.perf_counter()
    counts = participation.rebuild(year)
    rebuild_seconds = time.perf_counter() - start
    log(f"  rebuild: {rebuild_seconds:.1f} s, {counts}")
    with connection.cursor() as cursor:  # the planner's statistics of the new rows
        for model in (Cell, WorkerYear, EnterpriseYear, EntryFact):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    rng = random.Random(300)
    series = list(Series.objects.values_list("pk", flat=True))
    brands = list(Brand.objects.values_list("pk", flat=True))
    industries = list(Industry.objects.values_list("pk", flat=True))
    zones = list(Zone.objects.values_list("pk", flat=True))

    def maybe(values):
        return rng.choice(values) if rng.random() < 0.5 else None

    combos = [
        Filters(
            year=year,
            series=maybe(series),
            brand=maybe(brands),
            industry=maybe(industries),
            zone=maybe(zones),
        )
        for _ in range(FIGURE_CALLS)
    ]
    figures(Filters(year=year))  # warm-up
    times = []
    for filters in combos:
        start = time.perf_counter()
        figures(filters)
        times.append((time.perf_counter() - start) * 1000)
    log(f"  figures: p50 {percentile(times, 0.5)} ms, p95 {percentile(times, 0.95)} ms")
    unfiltered = figures(Filters(year=year))
    # the same figure counted straight from the entries, for contrast
    start = time.perf_counter()
    workers_now = direct_workers(year)
    direct_seconds = time.perf_counter() - start
    assert workers_now == unfiltered["workers"]["total"], (workers_now, unfiltered)
    # approvals, each keeping the summary in step in its own transaction; the summary's
    # share is timed inside (registration calls participation.entries_changed)
    waiting = list(
        Entry.objects.filter(status="submitted", competition__code__startswith=OWN)
        .order_by("?")
        .values_list("pk", flat=True)[:APPROVALS]
    )
    hook = participation.entries_changed
    inside: list[float] = []

    def timed_hook(*args, **kwargs):
        start = time.perf_counter()
        hook(*args, **kwargs)
        inside.append((time.perf_counter() - start) * 1000)

    approvals = []
    participation.entries_changed = timed_hook
    try:
        for pk in waiting:
            entry = Entry.objects.get(pk=pk)
            start = time.perf_counter()
            registration.approve(actor=None, entry=entry)
            approvals.append((time.perf_counter() - start) * 1000)
    finally:
        participation.entries_changed = hook
    log(
        f"  approvals: p50 {percentile(approvals, 0.5)} ms, p95 {percentile(approvals, 0.95)} ms "
        f"(summary {percentile(inside, 0.5)} / {percentile(inside, 0.95)} ms)"
    )
    after = figures(Filters(year=year))
    assert after["entries"]["total"] == unfiltered["entries"]["total"] + len(waiting)
    assert after["workers"]["total"] == direct_workers(year)
    return {
        "rebuild_seconds": round(rebuild_seconds, 1),
        "facts": counts,
        "cells": Cell.objects.filter(year=year).count(),
        "figures_calls": len(times),
        "figures_p50_ms": percentile(times, 0.5),
        "figures_p95_ms": percentile(times, 0.95),
        "figures_max_ms": round(max(times), 1),
        "figures_target_p95_ms": TARGET_P95_MS,
        "direct_distinct_workers_seconds": round(direct_seconds, 2),
        "approvals": len(approvals),
        "approve_p50_ms": percentile(approvals, 0.5),
        "approve_p95_ms": percentile(approvals, 0.95),
        "approve_summary_p50_ms": percentile(inside, 0.5),
        "approve_summary_p95_ms": percentile(inside, 0.95),
        "workers_taking_part": unfiltered["workers"]["total"],
        "enterprises_taking_part": unfiltered["enterprises"]["total"],
        "approved_entries": unfiltered["entries"]["total"],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=10_000, help="on an empty database")
    parser.add_argument("--workers", type=int, default=1_000_000, help="on an empty database")
    parser.add_argument("--entries", type=int, default=2_000_000, help="entries in the year")
    parser.add_argument("--reuse", action="store_true", help="the entries are loaded already")
    parser.add_argument("--no-write", action="store_true", help="print only; keep results.json")
    args = parser.parse_args()
    vendor = connection.vendor
    log(
        f"== {vendor}: dashboard figures"
        + ("" if args.reuse else f" over {args.entries:,} entries in the year")
    )
    started = time.perf_counter()
    figures_ = {} if args.reuse else load(args.enterprises, args.workers, args.entries)
    if figures_:
        log(f"  loaded: {figures_}")
    figures_ |= measure()
    figures_["run_seconds"] = round(time.perf_counter() - started, 1)
    if args.no_write:
        print(json.dumps(figures_, indent=2, ensure_ascii=False))
        return
    results = json.loads(bench.RESULTS.read_text()) if bench.RESULTS.exists() else {}
    if vendor not in results:
        sys.exit(f"no {vendor} figures in {bench.RESULTS}: run benchmarks/bench.py first")
    previous = results[vendor].get("dashboard") or {}
    if args.reuse:  # the load's figures are those of the run that loaded
        figures_ = {k: v for k, v in previous.items() if k not in figures_} | figures_
    results[vendor]["dashboard"] = figures_
    bench.RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    bench.render(results)


if __name__ == "__main__":
    main()

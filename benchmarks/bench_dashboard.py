"""Benchmark of the dashboard's participation figures at Pudong scale (issue 8).

Usage: python benchmarks/bench_dashboard.py [--enterprises 10000] [--workers 1000000]
       [--entries 2000000] [--reuse]
The database comes from DATABASE_URL (SQLite under JINGSAI_DATA_DIR when unset). Without
``--reuse`` it must be empty: enterprises and workers are made as in bench.py, then 100
competitions of 2026 across the series and brands and ``--entries`` one-worker entries
(about two per worker; 90% approved, 5% awaiting review, 5% withdrawn, registered over ten
months) go in through the bare driver. The summary is then rebuilt (timed), 50 approvals
are timed through ``registration.approve`` (which keeps the summary in step), and
``figures()`` is timed for 50 random filter combinations. Prints the figures as JSON.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jingsai.settings_test")

import django

django.setup()

from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from jingsai.catalogue.models import Brand, Industry, ProgrammeYear, Series, Zone
from jingsai.competitions.domain import registration
from jingsai.competitions.domain.services import create_competition
from jingsai.competitions.models import Competition, Entry, EntryMember
from jingsai.dashboards.domain.figures import Filters, figures
from jingsai.dashboards.domain.participation import rebuild
from jingsai.dashboards.models import Cell
from jingsai.organisations.models import Organisation
from jingsai.people.models import Worker
from jingsai.presets import demo, pudong

TARGET_P95_MS = 300.0
COMPETITIONS = 100


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


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
    else:  # an interrupted load: the workers stay, the entries are made again
        with connection.cursor() as cursor:
            for model in (EntryMember, Entry):
                cursor.execute(f"DELETE FROM {model._meta.db_table}")  # noqa: S608
    year = ProgrammeYear.objects.get(year=2026)
    union = Organisation.objects.filter(kind=Organisation.Kind.UNION).first()
    series = list(Series.objects.all())
    brands = [None, *Brand.objects.all()]
    competitions = [
        (c.pk, c.levels.order_by("order").values_list("pk").first()[0])
        for c in Competition.objects.filter(year=year).order_by("pk")
    ]
    for i in range(len(competitions), COMPETITIONS):
        competition = create_competition(
            actor=None,
            year=year,
            title=f"竞赛 {i + 1}",
            series=rng.choice(series),
            brand=rng.choice(brands),
            organiser=union,
        )
        competitions.append(
            (competition.pk, competition.levels.order_by("order").values_list("pk").first()[0])
        )
    Competition.objects.update(status=Competition.Status.OPEN)
    start = time.perf_counter()
    people = list(Worker.objects.order_by().values_list("pk", "employer_id", "zone_id"))
    rng.shuffle(people)
    first = (Entry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    entry_rows, member_rows = [], []
    begin = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    sqlite = connection.vendor == "sqlite"

    def stamp(moment):  # as Django stores it
        return moment.replace(tzinfo=None).isoformat(" ") if sqlite else moment

    now = stamp(timezone.now())
    done = 0
    chunk = 200_000
    for worker, employer, zone in people:  # one pass: each (competition, worker) once
        if done >= entries:
            break
        k = rng.choice((1, 2, 2, 3, 3))  # 2.2 on average
        for competition, level in rng.sample(competitions, k):
            if done >= entries:
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
        if done >= entries:
            break
    _flush(entry_rows, member_rows)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            table = Entry._meta.db_table
            sql = f"SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT MAX(id) FROM {table}))"  # noqa: S608
            cursor.execute(sql, [table])
    entry_seconds = time.perf_counter() - start
    demo.optimise_query_planner()
    return {
        "enterprises": Organisation.objects.filter(kind="enterprise").count(),
        "workers": Worker.objects.count(),
        "entries": Entry.objects.count(),
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


def measure() -> dict:
    year = ProgrammeYear.objects.get(year=2026)
    start = time.perf_counter()
    counts = rebuild(year)
    rebuild_seconds = time.perf_counter() - start
    log(f"  rebuild: {rebuild_seconds:.1f} s, {counts}")
    demo.optimise_query_planner()
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
        for _ in range(50)
    ]
    figures(Filters(year=year))  # warm-up
    times = []
    for filters in combos:
        start = time.perf_counter()
        figures(filters)
        times.append((time.perf_counter() - start) * 1000)
    unfiltered = figures(Filters(year=year))
    # the same figure counted straight from the entries, for contrast
    start = time.perf_counter()
    direct_workers = (
        EntryMember.objects.filter(active=True, entry__status="approved", competition__year=year)
        .values("worker_id")
        .distinct()
        .count()
    )
    direct_seconds = time.perf_counter() - start
    assert direct_workers == unfiltered["workers"]["total"], (
        direct_workers,
        unfiltered["workers"]["total"],
    )
    # approvals, each keeping the summary in step in its own transaction
    waiting = list(Entry.objects.filter(status="submitted").order_by("?")[:50])
    approvals = []
    for entry in waiting:
        start = time.perf_counter()
        registration.approve(actor=None, entry=entry)
        approvals.append((time.perf_counter() - start) * 1000)
    after = figures(Filters(year=year))["entries"]["total"]
    assert after == unfiltered["entries"]["total"] + len(waiting)
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
        "approve_with_summary_p50_ms": percentile(approvals, 0.5),
        "approve_with_summary_p95_ms": percentile(approvals, 0.95),
        "workers_taking_part": unfiltered["workers"]["total"],
        "enterprises_taking_part": unfiltered["enterprises"]["total"],
        "approved_entries": unfiltered["entries"]["total"],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=1_000_000)
    parser.add_argument("--entries", type=int, default=2_000_000)
    parser.add_argument("--reuse", action="store_true", help="the database is already loaded")
    args = parser.parse_args()
    log(f"== {connection.vendor}: dashboard figures")
    result = {"vendor": connection.vendor}
    if not args.reuse:
        result["load"] = load(args.enterprises, args.workers, args.entries)
        log(f"  loaded: {result['load']}")
    result["dashboard"] = measure()
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()

"""Judging at Pudong scale (issue 4): 100,000 entries × 5 judges × 10 criteria.

Usage: python benchmarks/bench_judging.py [--entries 100000] [--no-write]
Runs against the database benchmarks/bench.py has just filled (its enterprises
and the Pudong preset). It loads one competition in judging with two stages
(理论 30 %: four criteria, mean; 实操 70 %: six criteria, trimmed mean with a
spread limit), five judges assigned to every entry, and 5,000,000 submitted
marks, written through the bare driver (COPY on PostgreSQL) since loading is
not what is measured. Then it times, best of three:

- ``compute``: all totals, ranks, awards and flags through
  :func:`jingsai.judging.domain.compute.compute` (exact arithmetic);
- ``sql``: one hand-written SQL ranking query over the same marks (mean per
  criterion in floating point, weighted stage totals, ``RANK()`` window) —
  the yardstick; the ratio ``compute / sql`` is reported;
- ``store``: computing and storing the 100,000 results as the results page does;
- the judge's submit endpoint: sheets of 10 marks posted through the web page
  as a judge would (login, CSRF, htmx), marks saved per second.

Figures are merged into benchmarks/results.json under results[vendor]["judging"].
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from decimal import Decimal

import bench  # benchmarks/bench.py: django.setup(), log, results files
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jingsai.catalogue.models import ProgrammeYear, Series
from jingsai.competitions.models import Competition, Entry
from jingsai.judging.domain import compute, panel, tallies
from jingsai.judging.models import (
    MARK_SCALE,
    Assignment,
    Criterion,
    Judging,
    Mark,
    PanelJudge,
    Sheet,
    Stage,
)
from jingsai.organisations.models import Organisation
from jingsai.people.models import Role, RoleGrant, User
from jingsai.portal.judge_views import FIELD_PREFIX

TARGET_SECONDS = {"sqlite": 5.0, "postgresql": 3.0}
TARGET_RATIO = 3.0
JUDGES = 5
THEORY = [("T1", 25), ("T2", 25), ("T3", 25), ("T4", 25)]
PRACTICAL = [("P1", 20), ("P2", 20), ("P3", 15), ("P4", 15), ("P5", 15), ("P6", 15)]
SUBMIT_SHEETS = 300
log = bench.log


def _copy_or_insert(table: str, columns: list[str], rows) -> None:
    """Rows through the bare driver: COPY on PostgreSQL, executemany on SQLite."""
    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    placeholders = ", ".join("?" * len(columns))
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"  # noqa: S608
    raw = connection.connection
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= 50_000:
            raw.executemany(sql, batch)
            batch.clear()
    if batch:
        raw.executemany(sql, batch)


def _next_id(model) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {model._meta.db_table}")  # noqa: S608
        return cursor.fetchone()[0] + 1


def _reset_sequences(*models) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )


def load(entries: int, rng: random.Random) -> Competition:
    union = Organisation.objects.filter(kind=Organisation.Kind.UNION).first()
    competition = Competition.objects.create(
        year=ProgrammeYear.objects.order_by("-year").first(),
        code=f"bench-judging-{int(time.time())}",
        title="基准：数控车工技能竞赛",
        series=Series.objects.order_by("order").first(),
        organiser=union,
        status=Competition.Status.JUDGING,
    )
    Judging.objects.create(
        competition=competition,
        awards="一等奖:10%,二等奖:20%,三等奖:30%",
        min_total=Decimal(60),
        tiebreak="practical,time",
    )
    theory = Stage.objects.create(
        competition=competition, code="theory", name="理论", weight=30, order=1
    )
    practical = Stage.objects.create(
        competition=competition, code="practical", name="实操", weight=70, order=2
    )
    criteria = []
    for stage, items, method in ((theory, THEORY, "mean"), (practical, PRACTICAL, "trimmed")):
        for order, (code, maximum) in enumerate(items, start=1):
            criteria.append(
                Criterion.objects.create(
                    competition=competition,
                    stage=stage,
                    code=code,
                    name=code,
                    max_mark=maximum,
                    kind="judgement",
                    aggregation=method,
                    spread_limit=Decimal(maximum) * Decimal("0.5"),
                    order=order,
                )
            )
    # the judges come from a training centre, so the conflict rule assigns them everywhere
    centre = Organisation.objects.create(
        name=f"基准实训中心{competition.pk}", kind=Organisation.Kind.TRAINING_BODY
    )
    judges = []
    for n in range(1, JUDGES + 1):
        user = User.objects.create_user(f"bench_judge_{competition.pk}_{n}", password=None)
        RoleGrant.objects.create(user=user, role=Role.JUDGE, organisation=centre)
        judges.append(
            panel.add_judge(
                actor=None,
                competition=competition,
                code=f"J{n}",
                name=f"裁判{n}",
                user=user,
                organisation=centre,
                is_chief=n == 1,
            )
        )
    enterprise_ids = list(
        Organisation.objects.filter(kind=Organisation.Kind.ENTERPRISE).values_list("pk", flat=True)
    )
    now = timezone.now()
    started = time.perf_counter()
    connection.ensure_connection()
    with transaction.atomic():
        first_entry = _next_id(Entry)
        _copy_or_insert(
            Entry._meta.db_table,
            ["id", "competition_id", "enterprise_id", "team_name", "project_name", "status",
             "number", "time_seconds", "return_field", "return_comment", "created_at",
             "updated_at"],
            (
                (first_entry + i, competition.pk, rng.choice(enterprise_ids), "", "", "approved",
                 f"A{i + 1:06d}", Decimal(rng.randint(1800, 3600)), "", "", now, now)
                for i in range(entries)
            ),
        )  # fmt: skip
        first_assignment = _next_id(Assignment)
        _copy_or_insert(
            Assignment._meta.db_table,
            ["id", "competition_id", "judge_id", "entry_id"],
            (
                (first_assignment + i * JUDGES + j, competition.pk, judge.pk, first_entry + i)
                for i in range(entries)
                for j, judge in enumerate(judges)
            ),
        )
        first_sheet = _next_id(Sheet)
        _copy_or_insert(
            Sheet._meta.db_table,
            ["id", "competition_id", "judge_id", "entry_id", "status", "source", "submitted_at",
             "return_reason", "version", "created_at", "updated_at"],
            (
                (first_sheet + i * JUDGES + j, competition.pk, judge.pk, first_entry + i,
                 "submitted", "judge", now, "", 2, now, now)
                for i in range(entries)
                for j, judge in enumerate(judges)
            ),
        )  # fmt: skip
        first_mark = _next_id(Mark)

        def marks():
            n = first_mark
            for i in range(entries):
                skill = rng.random()
                for j in range(JUDGES):
                    sheet = first_sheet + i * JUDGES + j
                    for c in criteria:
                        top = int(c.max_mark) * 2
                        half_points = min(top, max(0, int(top * skill) + rng.randint(-3, 3)))
                        units = half_points * MARK_SCALE // 2
                        yield (n, sheet, competition.pk, first_entry + i, c.pk, units, True)
                        n += 1

        _copy_or_insert(
            Mark._meta.db_table,
            ["id", "sheet_id", "competition_id", "entry_id", "criterion_id", "units", "counts"],
            marks(),
        )
        _reset_sequences(Entry, Assignment, Sheet, Mark)
        tally_started = time.perf_counter()
        tallies.refresh(competition.pk)
        log(f"  tallies built from the marks in {time.perf_counter() - tally_started:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    log(f"  loaded {entries:,} entries, {entries * JUDGES * len(criteria):,} marks "
        f"in {time.perf_counter() - started:.1f} s")  # fmt: skip
    return competition


def sql_ranking(competition: Competition) -> list:
    """The yardstick: one hand-written ranking query (floating-point means)."""
    mark = Mark._meta.db_table
    criterion = Criterion._meta.db_table
    stage = Stage._meta.db_table
    sql = f"""
        WITH per_criterion AS (
          SELECT m.entry_id, m.criterion_id, AVG(m.units * 1.0) AS mark
          FROM {mark} m
          WHERE m.competition_id = %s AND m.counts
          GROUP BY m.entry_id, m.criterion_id
        ), stage_max AS (
          SELECT stage_id, SUM(max_mark) AS maximum FROM {criterion}
          WHERE competition_id = %s GROUP BY stage_id
        ), totals AS (
          SELECT pc.entry_id,
                 SUM(pc.mark / {MARK_SCALE} / sm.maximum * s.weight) AS total
          FROM per_criterion pc
          JOIN {criterion} c ON c.id = pc.criterion_id
          JOIN {stage} s ON s.id = c.stage_id
          JOIN stage_max sm ON sm.stage_id = c.stage_id
          GROUP BY pc.entry_id
        )
        SELECT entry_id, total, RANK() OVER (ORDER BY total DESC) AS rank
        FROM totals ORDER BY rank
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [competition.pk, competition.pk])
        return cursor.fetchall()


def best_of(n: int, fn):
    best, result = None, None
    for _ in range(n):
        started = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    return best, result


def submit_rate(competition: Competition, rng: random.Random) -> dict:
    """Marks saved per second through the judge's submit page (fresh entries, real requests)."""
    judge = PanelJudge.objects.get(competition=competition, code="J1")
    criteria = list(
        Criterion.objects.filter(competition=competition).order_by("stage__order", "order")
    )
    # fresh entries assigned to J1 only, so the sheets start empty
    enterprise = Organisation.objects.filter(kind=Organisation.Kind.ENTERPRISE).first()
    entries = Entry.objects.bulk_create(
        [
            Entry(competition=competition, enterprise=enterprise, status="approved",
                  number=f"S{i:05d}")
            for i in range(SUBMIT_SHEETS)
        ]
    )  # fmt: skip
    Assignment.objects.bulk_create(
        [Assignment(competition=competition, judge=judge, entry=e) for e in entries]
    )
    client = Client()
    client.force_login(judge.user)
    started = time.perf_counter()
    for entry in entries:
        url = reverse("portal:judge_sheet_submit", args=[competition.pk, entry.pk])
        data = {FIELD_PREFIX + c.code: str(rng.randint(0, int(c.max_mark))) for c in criteria}
        data["confirm"] = "1"
        response = client.post(url, data)
        if response.status_code not in (200, 302):
            raise SystemExit(f"submit answered {response.status_code} for {url}")
    elapsed = time.perf_counter() - started
    saved = Mark.objects.filter(entry__in=entries, counts=True).count()
    if saved != SUBMIT_SHEETS * len(criteria):
        raise SystemExit(f"expected {SUBMIT_SHEETS * len(criteria)} marks saved, found {saved}")
    return {
        "sheets": SUBMIT_SHEETS,
        "marks": saved,
        "seconds": round(elapsed, 2),
        "marks_per_second": round(saved / elapsed),
        "sheets_per_second": round(SUBMIT_SHEETS / elapsed, 1),
    }


def measure(entries: int, *, submit: bool = True) -> dict:
    rng = random.Random(20261126)
    competition = load(entries, rng)
    log("  compute (exact) ...")
    compute_seconds, rows = best_of(3, lambda: compute.compute(competition))
    log(f"  compute: {compute_seconds:.2f} s for {len(rows):,} entries")
    sql_seconds, sql_rows = best_of(3, lambda: sql_ranking(competition))
    log(f"  hand-written SQL ranking: {sql_seconds:.2f} s ({len(sql_rows):,} rows)")
    started = time.perf_counter()
    compute.store(actor=None, competition=competition)
    store_seconds = time.perf_counter() - started
    log(f"  compute and store: {store_seconds:.2f} s")
    submitted = submit_rate(competition, rng) if submit else None
    if submitted:
        log(f"  submit endpoint: {submitted['marks_per_second']:,} marks/s")
    awarded = sum(1 for r in rows if r.award)
    return {
        "entries": entries,
        "judges": JUDGES,
        "criteria": len(THEORY) + len(PRACTICAL),
        "marks": entries * JUDGES * (len(THEORY) + len(PRACTICAL)),
        "compute_seconds": round(compute_seconds, 2),
        "compute_seconds_target": TARGET_SECONDS[connection.vendor],
        "sql_ranking_seconds": round(sql_seconds, 2),
        "ratio_to_sql": round(compute_seconds / sql_seconds, 2),
        "ratio_target": TARGET_RATIO,
        "compute_and_store_seconds": round(store_seconds, 2),
        "awarded": awarded,
        "flagged": sum(1 for r in rows if r.flags),
        "submit": submitted,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--no-write", action="store_true", help="print only; keep results.json")
    parser.add_argument("--no-submit", action="store_true", help="skip the submit endpoint")
    args = parser.parse_args()
    vendor = connection.vendor
    log(f"== {vendor}: judging {args.entries:,} entries × {JUDGES} judges × 10 criteria")
    figures = measure(args.entries, submit=not args.no_submit)
    if args.no_write:
        print(json.dumps(figures, indent=2))
        return
    results = json.loads(bench.RESULTS.read_text()) if bench.RESULTS.exists() else {}
    if vendor not in results:
        sys.exit(f"no {vendor} figures in {bench.RESULTS}: run benchmarks/bench.py first")
    results[vendor]["judging"] = figures
    bench.RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    bench.render(results)


if __name__ == "__main__":
    main()

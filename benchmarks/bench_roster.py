"""Roster import at Pudong scale (issue 3): one enterprise's 100,000-row roster.

Usage: python benchmarks/bench_roster.py [--rows 100000] [--no-write]
Runs against the database that benchmarks/bench.py has just filled (same
DATABASE_URL / JINGSAI_DATA_DIR; scripts/bench.sh runs both). It creates one
open competition for individual workers, writes an .xlsx roster for one
enterprise — its existing workers (same name and ID number as stored, so the
known-worker path runs) and the rest new workers with valid, unused ID numbers —
and times ``import_roster`` end to end (read, validate, write). In the same run
the same rows go through the bare driver into empty copies of the three tables
(workers, entries, entry members) as the baseline. Figures are merged into
benchmarks/results.json under results[vendor]["roster_import"], and
benchmarks/results.md is rewritten.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import pathlib
import random
import resource
import sqlite3
import sys
import tempfile
import time

import bench  # benchmarks/bench.py: django.setup(), log, results files
import xlsxwriter
from django.db import connection
from django.utils import timezone

from jingsai.catalogue.models import ProgrammeYear, Series
from jingsai.common.pinyin import pinyin_initials
from jingsai.competitions.domain.roster import import_roster
from jingsai.competitions.domain.services import create_competition
from jingsai.competitions.models import Competition, Entry, EntryMember
from jingsai.organisations.models import Organisation
from jingsai.people.domain.bulk import WORKER_COLUMNS
from jingsai.people.models import Worker
from jingsai.presets import demo

TARGET_ROWS_PER_SECOND = 20_000
TARGET_RATIO = 0.3
TARGET_PEAK_MB = 600
KNOWN_ROWS = 100
LEVEL_TEXTS = [("高级技师", 2), ("技师", 6), ("高级工", 15), ("中级工", 20), ("初级工", 12)]
LEVEL_TEXTS += [("3", 10), ("4", 10), ("三级", 5), ("", 20)]
HEADER = ["姓名", "身份证号码", "手机号码", "工种", "技能等级"]
log = bench.log


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def resident_mb() -> dict[str, int]:
    """The process's memory now, anonymous and file-backed (SQLite maps the database file)."""
    wanted = {"VmRSS": "total", "RssAnon": "anonymous", "RssFile": "file"}
    out = {}
    try:
        with open("/proc/self/status") as status:
            for line in status:
                key, _, value = line.partition(":")
                if key in wanted:
                    out[wanted[key]] = int(value.split()[0]) // 1024
    except OSError:
        pass
    return out


def open_competition() -> Competition:
    now = timezone.now()
    competition = create_competition(
        actor=None,
        year=ProgrammeYear.objects.order_by("-year").first(),
        title="职工技能竞赛（名单导入基准）",
        series=Series.objects.get(code="hard-core-industries"),
        organiser=Organisation.objects.filter(kind=Organisation.Kind.UNION, parent=None).first(),
        participants=Competition.Participants.INDIVIDUALS,
        registration_opens=now - dt.timedelta(days=1),
        registration_closes=now + dt.timedelta(days=30),
    )
    Competition.objects.filter(pk=competition.pk).update(status=Competition.Status.OPEN)
    competition.refresh_from_db()
    return competition


def roster_rows(rng: random.Random, enterprise: Organisation, rows: int) -> tuple[list, list]:
    """(known, new): known as (pk, name, id, phone, trade, level text), new the same without pk."""
    known = [
        (pk, name, number, phone, trade, "" if level is None else str(level))
        for pk, name, number, phone, trade, level in Worker.objects.filter(employer=enterprise)
        .order_by("id")
        .values_list("pk", "name", "id_number", "phone", "trade", "skill_level")[:KNOWN_ROWS]
    ]
    n = rows - len(known)
    names = demo.NameMaker(rng).batch(n)
    numbers = demo.id_numbers(rng, n, demo._existing_ids)  # new, valid, not yet in the database
    trades = demo.TRADES.get(enterprise.industry.code if enterprise.industry else "", ["电工"])
    levels, weights = zip(*LEVEL_TEXTS, strict=True)
    new = [
        (
            name,
            number,
            f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}" if rng.random() < 0.8 else "",
            rng.choice(trades),
            level,
        )
        for name, number, level in zip(
            names, numbers, rng.choices(levels, weights=weights, k=n), strict=True
        )
    ]
    return known, new


def write_xlsx(path: pathlib.Path, known: list, new: list) -> None:
    workbook = xlsxwriter.Workbook(
        str(path),
        {"constant_memory": True, "strings_to_numbers": False, "strings_to_urls": False},
    )
    sheet = workbook.add_worksheet("报名名单")
    for col, header in enumerate(HEADER):
        sheet.write_string(0, col, header)
    line = 1
    # the enterprise's own workers first, then the new ones (rows must go in order)
    for row in [k[1:] for k in known] + new:
        for col, value in enumerate(row):
            if value:
                sheet.write_string(line, col, value)  # ID numbers as text
        line += 1
    workbook.close()


def level_value(text: str) -> int | None:
    words = {"高级技师": 1, "技师": 2, "高级工": 3, "中级工": 4, "初级工": 5, "三级": 3}
    return int(text) if text.isdigit() else words.get(text)


class RawBaseline:
    """The same rows into empty copies of the three tables, through the bare driver."""

    TABLES = ("people_worker", "competitions_entry", "competitions_entrymember")

    def __init__(self):
        self.sqlite = connection.vendor == "sqlite"
        if self.sqlite:
            self.dir = tempfile.TemporaryDirectory()
            self.db = sqlite3.connect(pathlib.Path(self.dir.name) / "raw.sqlite3")
            self.db.executescript(
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA cache_size=-64000; PRAGMA mmap_size=268435456;"
            )
            marks = ", ".join("?" * len(self.TABLES))
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT sql FROM sqlite_master WHERE tbl_name IN ({marks}) "  # noqa: S608
                    "AND sql IS NOT NULL ORDER BY type DESC",  # tables before indexes
                    self.TABLES,
                )
                for (sql,) in cursor.fetchall():
                    self.db.execute(sql)
            self.db.commit()
            self.names = dict(zip(self.TABLES, self.TABLES, strict=True))
            self.mark = "?"
        else:
            import psycopg

            settings = connection.settings_dict
            self.db = psycopg.connect(
                host=settings["HOST"] or "127.0.0.1",
                port=settings["PORT"] or 5432,
                user=settings["USER"],
                dbname=settings["NAME"],
                password=settings["PASSWORD"] or None,
            )
            self.names = {table: f"raw_{table}" for table in self.TABLES}
            with self.db.cursor() as cursor:
                for table, copy in self.names.items():
                    cursor.execute(f"DROP TABLE IF EXISTS {copy}")
                    cursor.execute(f"CREATE TABLE {copy} (LIKE {table} INCLUDING ALL)")
            self.db.commit()
            self.mark = "%s"

    def sql(self, table: str, columns: list[str]) -> str:
        return (
            f"INSERT INTO {self.names[table]} ({', '.join(columns)}) "  # noqa: S608
            f"VALUES ({', '.join([self.mark] * len(columns))})"
        )

    def run(self, competition: Competition, enterprise: Organisation, known, new) -> float:
        stamp = timezone.now()
        if self.sqlite:
            stamp = stamp.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")
        workers = [
            (
                name,
                pinyin_initials.__wrapped__(name),  # not through the cache the import will use
                number,
                dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14])),
                "M" if int(number[16]) % 2 else "F",
                enterprise.pk,
                enterprise.zone_id,
                enterprise.industry_id,
                trade,
                level_value(level),
                phone,
                stamp,
                stamp,
            )
            for name, number, phone, trade, level in new
        ]
        entry = {
            "competition_id": competition.pk,
            "enterprise_id": enterprise.pk,
            "team_name": "",
            "project_name": "",
            "zone_id": enterprise.zone_id,
            "level_id": competition.levels.order_by("order").first().pk,
            "status": Entry.Status.SUBMITTED.value,
            "number": None,
            "time_seconds": None,
            "return_field": "",
            "return_comment": "",
            "submitted_by_id": None,
            "created_at": stamp,
            "updated_at": stamp,
        }
        assert set(entry) == {f.column for f in Entry._meta.concrete_fields if not f.primary_key}
        rows = len(known) + len(new)
        entries = [tuple(entry.values())] * rows
        # Known workers keep their own ids; the copy's new workers are numbered 1…n
        # (an empty table), so the known ones are given ids after those.
        worker_ids = [len(new) + 1 + i for i in range(len(known))] + list(range(1, len(new) + 1))
        member_columns = ["entry_id", "competition_id", "worker_id", "is_captain", "active"]
        assert set(member_columns) == {
            f.column for f in EntryMember._meta.concrete_fields if not f.primary_key
        }
        members = [
            (entry_id, competition.pk, worker_id, False, True)
            for entry_id, worker_id in enumerate(worker_ids, start=1)
        ]
        statements = [
            (self.sql("people_worker", [*WORKER_COLUMNS, "created_at", "updated_at"]), workers),
            (self.sql("competitions_entry", list(entry)), entries),
            (self.sql("competitions_entrymember", member_columns), members),
        ]
        start = time.perf_counter()
        if self.sqlite:
            for sql, params in statements:
                self.db.executemany(sql, params)
        else:
            with self.db.cursor() as cursor:
                for sql, params in statements:
                    cursor.executemany(sql, params)
        self.db.commit()
        return time.perf_counter() - start

    def close(self) -> None:
        if not self.sqlite:
            with self.db.cursor() as cursor:
                for copy in self.names.values():
                    cursor.execute(f"DROP TABLE IF EXISTS {copy}")
            self.db.commit()
        self.db.close()


def measure(rows: int) -> dict:
    rng = random.Random(3)
    competition = open_competition()
    enterprises = list(
        Organisation.objects.filter(kind=Organisation.Kind.ENTERPRISE)
        .select_related("industry")
        .order_by("id")[:50]
    )
    enterprise = rng.choice(enterprises)
    start = time.perf_counter()
    known, new = roster_rows(rng, enterprise, rows)
    directory = tempfile.TemporaryDirectory()
    path = pathlib.Path(directory.name) / "roster.xlsx"
    write_xlsx(path, known, new)
    generate_seconds = time.perf_counter() - start
    log(
        f"  roster: {rows:,} rows ({len(known)} known workers of {enterprise.name}), "
        f"{path.stat().st_size / 1048576:.1f} MB, generated in {generate_seconds:.1f} s"
    )

    new_count = len(new)
    workers_before = Worker.objects.count()
    gc.collect()
    rss_before = peak_rss_mb()
    cpu_start = time.process_time()
    start = time.perf_counter()
    result = import_roster(
        actor=None, competition=competition, source=path, enterprises=[enterprise]
    )
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu_start  # this process only: on a shared machine
    rss_after = peak_rss_mb()
    resident = resident_mb()
    directory.cleanup()
    assert result.ok, result.errors.errors[:5]
    assert (result.rows, result.entries, result.new_workers) == (rows, rows, new_count), result
    assert Entry.objects.filter(competition=competition).count() == rows
    assert EntryMember.objects.filter(competition=competition, active=True).count() == rows
    assert Worker.objects.count() == workers_before + new_count
    log(
        f"  import: {seconds:.2f} s ({cpu_seconds:.2f} s CPU), {rows / seconds:,.0f} rows/s; "
        f"peak RSS {rss_before:.0f} MB before, {rss_after:.0f} MB after (now {resident})"
    )

    # The baseline runs after the import, so that its own memory is not in the figures above.
    raw = RawBaseline()
    raw_seconds = raw.run(competition, enterprise, known, new)
    raw.close()
    log(
        f"  raw {raw_baseline_name()}: {raw_seconds:.2f} s, {rows / raw_seconds:,.0f} rows/s; "
        f"ratio {raw_seconds / seconds:.3f}"
    )
    return {
        "rows": rows,
        "known_workers": rows - new_count,
        "new_workers": new_count,
        "workers_in_database": workers_before,
        "generate_seconds": round(generate_seconds, 2),
        "import_seconds": round(seconds, 2),
        "import_cpu_seconds": round(cpu_seconds, 2),
        "import_rows_per_second": round(rows / seconds),
        "import_rows_per_second_target": TARGET_ROWS_PER_SECOND,
        "raw_baseline": raw_baseline_name(),
        "raw_seconds": round(raw_seconds, 2),
        "raw_rows_per_second": round(rows / raw_seconds),
        "rate_ratio": round(raw_seconds / seconds, 3),
        "rate_ratio_target": TARGET_RATIO,
        "peak_rss_mb_before_import": round(rss_before),
        "peak_rss_mb_after_import": round(rss_after),
        "peak_rss_mb_target": TARGET_PEAK_MB,
        "rss_mb_after_import": resident,
    }


def raw_baseline_name() -> str:
    return "sqlite3.executemany" if connection.vendor == "sqlite" else "psycopg executemany"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--no-write", action="store_true", help="print only; keep results.json")
    args = parser.parse_args()
    vendor = connection.vendor
    log(f"== {vendor}: roster import of {args.rows:,} rows")
    figures = measure(args.rows)
    if args.no_write:
        print(json.dumps(figures, indent=2))
        return
    results = json.loads(bench.RESULTS.read_text()) if bench.RESULTS.exists() else {}
    if vendor not in results:
        sys.exit(f"no {vendor} figures in {bench.RESULTS}: run benchmarks/bench.py first")
    results[vendor]["roster_import"] = figures
    bench.RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    bench.render(results)


if __name__ == "__main__":
    main()

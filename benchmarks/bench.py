"""Benchmarks at Pudong scale (issue 2): demo-data insertion and worker list pages.

Usage: python benchmarks/bench.py [--enterprises 10000] [--workers 1000000]
The database comes from DATABASE_URL (SQLite under JINGSAI_DATA_DIR when unset);
it must be empty (scripts/bench.sh makes fresh ones). Figures are merged into
benchmarks/results.json under the database vendor, and benchmarks/results.md is
rewritten from it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import pathlib
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jingsai.settings_test")

import django

django.setup()

from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from jingsai.catalogue.models import Industry, Zone
from jingsai.organisations.models import Organisation
from jingsai.people.domain.bulk import WORKER_COLUMNS, insert_worker_rows
from jingsai.people.models import Worker
from jingsai.presets import demo, pudong

HERE = pathlib.Path(__file__).resolve().parent
RESULTS = HERE / "results.json"
TARGET_RATIO = 0.5
TARGET_P95_MS = 150.0
CHUNK = 20_000


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class RawBaseline:
    """The same rows into an empty copy of the worker table, through the bare driver."""

    def __init__(self):
        self.elapsed = 0.0
        self.rows = 0
        if connection.vendor == "sqlite":
            self.dir = tempfile.TemporaryDirectory()
            self.db = sqlite3.connect(pathlib.Path(self.dir.name) / "raw.sqlite3")
            # the same pragmas as the platform's own connections (settings.py)
            self.db.executescript(
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA cache_size=-64000; PRAGMA mmap_size=268435456;"
            )
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT sql FROM sqlite_master WHERE tbl_name = 'people_worker' AND sql IS NOT NULL"
                )
                for (sql,) in cursor.fetchall():
                    self.db.execute(sql)
            self.db.commit()
            columns = [*WORKER_COLUMNS, "created_at", "updated_at"]
            self.sql = (
                f"INSERT INTO people_worker ({', '.join(columns)}) "  # noqa: S608
                f"VALUES ({', '.join('?' * len(columns))})"
            )
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
            with self.db.cursor() as cursor:
                cursor.execute("DROP TABLE IF EXISTS raw_worker")
                cursor.execute("CREATE TABLE raw_worker (LIKE people_worker INCLUDING ALL)")
            self.db.commit()
            columns = [*WORKER_COLUMNS, "created_at", "updated_at"]
            self.sql = (
                f"INSERT INTO raw_worker ({', '.join(columns)}) "  # noqa: S608
                f"VALUES ({', '.join(['%s'] * len(columns))})"
            )

    def insert(self, rows: list[tuple]) -> None:
        stamp = timezone.now()
        value = (
            stamp.replace(tzinfo=None).isoformat(" ") if connection.vendor == "sqlite" else stamp
        )
        params = [(*row, value, value) for row in rows]
        start = time.perf_counter()
        if connection.vendor == "sqlite":
            self.db.executemany(self.sql, params)
            self.db.commit()
        else:
            with self.db.cursor() as cursor:
                cursor.executemany(self.sql, params)
            self.db.commit()
        self.elapsed += time.perf_counter() - start
        self.rows += len(rows)

    def close(self) -> None:
        if connection.vendor != "sqlite":
            with self.db.cursor() as cursor:
                cursor.execute("DROP TABLE IF EXISTS raw_worker")
            self.db.commit()
        self.db.close()


def load(enterprises: int, workers: int) -> dict:
    call_command("migrate", verbosity=0)
    pudong.apply(year=2026)
    rng = random.Random(2026)
    demo.ensure_other_organisations()
    start = time.perf_counter()
    demo.create_enterprises(rng, enterprises)
    enterprise_seconds = time.perf_counter() - start
    employers = demo.employer_choices()
    raw = RawBaseline()
    ours = 0.0
    generated = 0.0
    done = 0
    while done < workers:
        size = min(CHUNK, workers - done)
        start = time.perf_counter()
        rows = list(demo.worker_rows(rng, size, employers))
        generated += time.perf_counter() - start
        # alternate the order so neither side always runs on a warmer cache
        if (done // CHUNK) % 2:
            raw.insert(rows)
        start = time.perf_counter()
        insert_worker_rows(rows)
        ours += time.perf_counter() - start
        if not (done // CHUNK) % 2:
            raw.insert(rows)
        done += size
        if done % 200_000 == 0 or done == workers:
            log(
                f"  {done:,} workers: ours {done / ours:,.0f} rows/s, raw {done / raw.elapsed:,.0f} rows/s"
            )
    raw.close()
    demo.ensure_demo_accounts()
    demo.optimise_query_planner()
    return {
        "enterprises": Organisation.objects.filter(kind="enterprise").count(),
        "workers": Worker.objects.count(),
        "enterprise_insert_seconds": round(enterprise_seconds, 2),
        "worker_generate_seconds": round(generated, 2),
        "worker_insert_seconds": round(ours, 2),
        "worker_insert_rows_per_second": round(workers / ours),
        "raw_baseline": "sqlite3.executemany"
        if connection.vendor == "sqlite"
        else "psycopg executemany",
        "raw_insert_seconds": round(raw.elapsed, 2),
        "raw_insert_rows_per_second": round(workers / raw.elapsed),
        "insert_rate_ratio": round(raw.elapsed / ours, 3),
        "insert_rate_ratio_target": TARGET_RATIO,
    }


def time_requests(client: Client, url: str, n: int = 50) -> dict:
    response = client.get(url)  # warm-up
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    times.sort()
    return {
        "url": url,
        "requests": n,
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[int(0.95 * n) - 1], 1),
        "max_ms": round(times[-1], 1),
        "target_p95_ms": TARGET_P95_MS,
    }


def pages() -> dict:
    client = Client()
    client.force_login(
        demo.User.objects.get(username="admin")  # the programme admin sees all workers
    )
    zone = Zone.objects.get(code="zhangjiang")
    industry = Industry.objects.get(code="chips")
    return {
        "first_page": time_requests(client, "/office/workers/"),
        "filtered_page": time_requests(client, f"/office/workers/?zone={zone.pk}&skill_level=3"),
        "filtered_page_industry_level1": time_requests(
            client, f"/office/workers/?industry={industry.pk}&skill_level=1"
        ),
        "name_search": time_requests(client, "/office/workers/?q=张伟"),
        "name_search_common_surname": time_requests(client, "/office/workers/?q=王"),
        "initials_search": time_requests(client, "/office/workers/?q=wjh"),
        "deep_page_200": time_requests(client, "/office/workers/?page=200"),
    }


def write(vendor: str, figures: dict) -> None:
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results[vendor] = figures
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    render(results)


def render(results: dict) -> None:
    """benchmarks/results.md from the figures (roster import from bench_roster.py, if run)."""
    lines = ["# Benchmark results", "", "Written by `scripts/bench.sh`; figures per database.", ""]
    for name, data in results.items():
        load_ = data["load"]
        lines += [
            f"## {name} — {data['measured_at']} on {data['machine']}",
            "",
            f"{load_['enterprises']:,} enterprises, {load_['workers']:,} workers.",
            "",
            "| figure | value | target |",
            "|---|---|---|",
            f"| worker insertion, ours | {load_['worker_insert_rows_per_second']:,} rows/s | |",
            f"| worker insertion, {load_['raw_baseline']} | {load_['raw_insert_rows_per_second']:,} rows/s | |",
            f"| insertion rate ratio (ours / raw) | {load_['insert_rate_ratio']} | ≥ {TARGET_RATIO} |",
        ]
        for key, page in data["pages"].items():
            lines.append(
                f"| {key} `{page['url']}` p95 (median) over {page['requests']} | "
                f"{page['p95_ms']} ms ({page['median_ms']} ms) | ≤ {TARGET_P95_MS:.0f} ms |"
            )
        roster = data.get("roster_import")
        if roster:
            lines += [
                f"| roster import of {roster['rows']:,} rows ({roster['new_workers']:,} new "
                f"workers), ours | {roster['import_rows_per_second']:,} rows/s "
                f"({roster['import_seconds']} s) | ≥ {roster['import_rows_per_second_target']:,} rows/s |",
                f"| roster rows, {roster['raw_baseline']} | {roster['raw_rows_per_second']:,} rows/s "
                f"({roster['raw_seconds']} s) | |",
                f"| roster rate ratio (ours / raw) | {roster['rate_ratio']} | "
                f"≥ {roster['rate_ratio_target']} |",
                f"| roster import, peak RSS of the process before → after | "
                f"{roster['peak_rss_mb_before_import']} → {roster['peak_rss_mb_after_import']} MB | "
                f"< {roster['peak_rss_mb_target']} MB |",
            ]
        lines += judging_lines(data.get("judging"))
        lines += labour_lines(data.get("labour"))
        lines += certificate_lines(data.get("certificates"))
        lines += dashboard_lines(data.get("dashboard"))
        lines += sections_lines(data.get("sections"))
        lines.append("")
    (HERE / "results.md").write_text("\n".join(lines))


def judging_lines(judging: dict | None) -> list[str]:
    """The judging figures (from bench_judging.py), as table rows."""
    if not judging:
        return []
    lines = [
        f"| results of {judging['entries']:,} entries × {judging['judges']} judges × "
        f"{judging['criteria']} criteria ({judging['marks']:,} marks): totals, ranks, awards | "
        f"{judging['compute_seconds']} s | ≤ {judging['compute_seconds_target']} s |",
        f"| one hand-written SQL ranking query over the same marks | "
        f"{judging['sql_ranking_seconds']} s | |",
        f"| results ÷ SQL query | {judging['ratio_to_sql']} | ≤ {judging['ratio_target']} |",
        f"| results computed and stored (the results page's button) | "
        f"{judging['compute_and_store_seconds']} s | |",
    ]
    submit = judging.get("submit")
    if submit:
        lines.append(
            f"| marks saved through the judge's submit page ({submit['sheets']} sheets) | "
            f"{submit['marks_per_second']:,} marks/s ({submit['sheets_per_second']} sheets/s) | |"
        )
    return lines


def labour_lines(labour: dict | None) -> list[str]:
    """The labour-league figures (from bench_labour.py), as table rows (medians)."""
    if not labour:
        return []
    scale = (
        f"{labour['participants']:,} participants × {labour['periods']} periods × "
        f"{labour['indicators']} indicators × 3 checks ({labour['marks']:,} marks)"
    )
    return [
        f"| labour league of {scale}: loaded through the bare driver | "
        f"{labour['load_seconds']} s | |",
        f"| labour: kind tallies built from the marks | {labour['tallies_seconds']} s | |",
        f"| labour: all period rankings, red flags and cumulative standings | "
        f"{labour['results_seconds']} s | ≤ {labour['results_seconds_target']} s |",
        f"| labour: results stored | {labour['store_seconds']} s | |",
        f"| labour: one hand-written SQL query (period scores and ranks from the marks) | "
        f"{labour['sql_seconds']} s | |",
        f"| labour: rankings ÷ SQL query (tallies + rankings ÷ SQL query) | "
        f"{labour['ratio_to_sql']} ({labour['ratio_with_tallies_to_sql']}) | |",
    ]


def certificate_lines(figures: dict | None) -> list[str]:
    """The certificate figures as rows of benchmarks/results.md's table."""
    if not figures:
        return []
    return [
        f"| certificate PDF, one by one ({figures['count']:,}): p95 (median) | "
        f"{figures['render_p95_ms']} ms ({figures['render_p50_ms']} ms) | "
        f"≤ {figures['render_target_ms']:.0f} ms |",
        f"| certificates as one {figures['batch_pages']:,}-page PDF | "
        f"{figures['batch_seconds']} s ({figures['batch_ms_per_page']} ms/page, "
        f"{figures['batch_mb']} MB) | |",
    ]


def dashboard_lines(figures: dict | None) -> list[str]:
    """The dashboard figures (from bench_dashboard.py), as table rows."""
    if not figures:
        return []
    lines = []
    if "entries_in_year" in figures:
        lines.append(
            f"| dashboard: {figures['entries_in_year']:,} entries in the year "
            f"({figures['approved_entries_in_year']:,} approved), "
            f"{figures['entries_inserted']:,} of them loaded through the bare driver | "
            f"{figures['entry_insert_seconds']} s | ≥ 2,000,000 entries |"
        )
    facts = figures["facts"]
    lines += [
        f"| dashboard: participation summary rebuilt from scratch ({facts['workers']:,} "
        f"workers, {facts['enterprises']:,} enterprises, {facts['entries']:,} approved "
        f"entries → {figures['cells']:,} cells) | {figures['rebuild_seconds']} s | |",
        f"| dashboard: participation figures, {figures['figures_calls']} random filter "
        f"combinations: p95 (median) | {figures['figures_p95_ms']} ms "
        f"({figures['figures_p50_ms']} ms) | ≤ {figures['figures_target_p95_ms']:.0f} ms |",
        f"| dashboard: the same workers taking part counted straight from the entries | "
        f"{figures['direct_distinct_workers_seconds']} s | |",
        f"| dashboard: an entry's approval keeping the summary in step, over "
        f"{figures['approvals']}: p95 (median); the summary's share | "
        f"{figures['approve_p95_ms']} ms ({figures['approve_p50_ms']} ms); "
        f"{figures['approve_summary_p95_ms']} ms ({figures['approve_summary_p50_ms']} ms) | |",
    ]
    return lines


SCOPES = {
    "everything": "the whole programme",
    "co-organiser (5 competitions)": "a co-organiser's 5 competitions",
    "officer (the busiest enterprise)": "an officer's enterprise (the busiest)",
}


def sections_lines(figures: dict | None) -> list[str]:
    """The whole dashboard and its sections per scope (from bench_sections.py), as rows."""
    if not figures:
        return []
    rows = figures["source_rows"]
    target = figures["target_p95_ms"]
    lines = [
        f"| dashboard sections: data added by bench_sections.py | {rows['results']:,} results, "
        f"{rows['certificates']:,} certificates, {rows['skill_records']:,} skill-level records, "
        f"{rows['attendances']:,} attendances, {rows['period_scores']:,} period scores, "
        f"{rows['innovation_results']:,} innovation results, {rows['nominations']:,} "
        "nominations | |",
    ]
    facts = figures.get("facts") or {}
    if "worker_facts_rebuild_s" in facts:
        lines.append(
            f"| dashboard: certificate, upgrade and attendance facts rebuilt from scratch "
            f"({facts['certificate_facts']:,} + {facts['upgrade_facts']:,} + "
            f"{facts['attendance_facts']:,}) | {facts['worker_facts_rebuild_s']} s | |"
        )
    for scope, timings in figures["timings"].items():
        label = SCOPES.get(scope, scope)
        whole = timings.get("whole dashboard (registry.sections, with participation)")
        if whole:
            lines.append(
                f"| dashboard: **whole dashboard's data**, {label}, {figures.get('runs', 50)} "
                f"random filter combinations: p95 (median) | {whole['p95_ms']} ms "
                f"({whole['p50_ms']} ms) | ≤ {target:.0f} ms |"
            )
        parts = ", ".join(
            f"{name} {t['p95_ms']} ({t['p50_ms']})"
            for name, t in timings.items()
            if "max_ms" not in t
        )
        lines.append(f"| dashboard: by section, {label}: p95 (median) ms | {parts} | |")
    hooks = figures.get("hooks") or {}
    if "certificate_hook_ms" in hooks:
        lines += [
            f"| dashboard: medal table kept in step when a competition of "
            f"{hooks['results_of_the_competition']:,} results is re-opened / published | "
            f"{hooks['medal_refresh_on_reopen_ms']} / {hooks['medal_refresh_on_publish_ms']} ms | |",
            f"| dashboard: facts kept in step (median): a certificate issued or revoked; a "
            f"session's attendance ({hooks['attendance_hook_workers']} workers); a worker's "
            f"employer changed (his facts; his participation with the per-competition facts); "
            f"an enterprise's {hooks['enterprise_workers']} workers moved; its per-competition "
            f"facts | {hooks['certificate_hook_ms']}; {hooks['attendance_hook_ms']}; "
            f"{hooks['worker_facts_hook_ms']}; {hooks['worker_participation_refresh_ms']}; "
            f"{hooks['enterprise_workers_facts_hook_ms']}; "
            f"{hooks['competition_facts_enterprise_refresh_ms']} ms | |",
        ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=1_000_000)
    parser.add_argument("--pages-only", action="store_true", help="reuse the loaded database")
    args = parser.parse_args()
    vendor = connection.vendor
    log(f"== {vendor}: {args.enterprises:,} enterprises, {args.workers:,} workers")
    previous = json.loads(RESULTS.read_text()).get(vendor, {}) if RESULTS.exists() else {}
    figures = {
        "measured_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        "load": previous.get("load") if args.pages_only else load(args.enterprises, args.workers),
    }
    if args.pages_only:
        # measured by bench_roster.py, bench_judging.py, bench_labour.py, bench_certificates.py,
        # bench_dashboard.py, bench_sections.py
        for key in ("roster_import", "judging", "labour", "certificates", "dashboard", "sections"):
            if previous.get(key):
                figures[key] = previous[key]
    figures["pages"] = pages()
    for key, page in figures["pages"].items():
        log(f"  {key}: p95 {page['p95_ms']} ms, median {page['median_ms']} ms")
    write(vendor, figures)


if __name__ == "__main__":
    main()

"""After the load test: every mark a judge submitted is stored exactly once; the figures.

Usage: python benchmarks/load/verify.py --plan PLAN.json --submitted SUBMITTED.json
       --stats PREFIX_stats.csv [--label TEXT]
Compares what the judges' browsers saw confirmed (locustfile.py) with the database:

- every sheet confirmed is submitted and locked, holds one mark per criterion, each
  the value typed, counting, and nothing else;
- every other submitted sheet of the load's competitions is one whose confirmation was
  sent but cut off when the test stopped (the browser never heard the answer), and
  holds exactly the marks typed too; no (sheet, criterion) holds two marks, and the
  audit trail has one "sheet:submit" record per submitted sheet (a double tap adds
  none);

then writes benchmarks/load/results.json and results.md (``--out``) with locust's figures
(requests per second, p50/p95/p99 per kind of request and in all, errors).
Exits non-zero when a check fails or a target is missed.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import sys
import timeit
from decimal import Decimal
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jingsai.settings")

import django

django.setup()

from django.db.models import Count

from jingsai.common.models import AuditEntry
from jingsai.judging.models import MARK_SCALE, Mark, Sheet

HERE = Path(__file__).resolve().parent
TARGET_P99_MS = 300


def check_marks(plan: dict, seen: dict) -> dict:
    competitions = {j["competition"] for j in plan["judges"]}
    expected = {(s["user"], s["entry"]): s["marks"] for s in seen["sheets"]}
    sent = {(s["user"], s["entry"]): s["marks"] for s in seen.get("attempted", [])}
    problems: list[str] = []
    sheets = Sheet.objects.filter(competition_id__in=competitions).select_related("judge__user")
    stored: dict[tuple[str, int], Sheet] = {}
    for sheet in sheets.filter(status=Sheet.Status.SUBMITTED):
        stored[(sheet.judge.user.username, sheet.entry_id)] = sheet
    marks: dict[int, dict[str, tuple[int, bool]]] = {}
    for sheet_id, code, units, counts in Mark.objects.filter(
        competition_id__in=competitions
    ).values_list("sheet_id", "criterion__code", "units", "counts"):
        marks.setdefault(sheet_id, {})
        if code in marks[sheet_id]:
            problems.append(f"sheet {sheet_id}: two marks for {code}")
        marks[sheet_id][code] = (units, counts)
    duplicates = (
        Mark.objects.filter(competition_id__in=competitions)
        .values("sheet_id", "criterion_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    for key in expected:
        if key not in stored:
            problems.append(f"{key}: confirmed in the browser, not submitted in the database")
    cut_off = sorted(set(stored) - set(expected))
    for key in sorted(stored):
        typed = expected.get(key) or sent.get(key)
        if typed is None:
            problems.append(f"{key}: submitted in the database, never sent by a browser")
            continue
        held = marks.get(stored[key].pk, {})
        want = {code: (int(Decimal(v) * MARK_SCALE), True) for code, v in typed.items()}
        if held != want:
            problems.append(f"{key}: stored {held}, typed {want}")
    submit_records = AuditEntry.objects.filter(
        action="sheet:submit",
        object_type="judging.sheet",
        object_id__in=[str(s.pk) for s in stored.values()],
    )
    per_sheet = submit_records.values("object_id").annotate(n=Count("id"))
    twice = [row["object_id"] for row in per_sheet if row["n"] != 1]
    if twice:
        problems.append(f"sheets with more than one submit record: {twice[:10]}")
    if submit_records.count() != len(stored):
        problems.append(f"{submit_records.count()} submit records for {len(stored)} sheets")
    return {
        "sheets_confirmed": len(expected),
        "sheets_submitted_in_database": len(stored),
        "sheets_cut_off_at_the_end": len(cut_off),
        "marks_expected": sum(len(m) for m in expected.values()),
        "marks_stored_on_submitted_sheets": sum(len(marks.get(s.pk, {})) for s in stored.values()),
        "duplicate_marks": duplicates,
        "double_taps": seen.get("double_taps", 0),
        "submit_audit_records": submit_records.count(),
        "problems": problems[:50],
        "problem_count": len(problems),
    }


def read_stats(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def figures_of(row: dict) -> dict:
    def ms(key):
        value = row.get(key, "")
        return float(value) if value not in ("", "N/A") else None

    return {
        "requests": int(row["Request Count"]),
        "failures": int(row["Failure Count"]),
        "rps": round(float(row["Requests/s"]), 1),
        "p50_ms": ms("50%"),
        "p95_ms": ms("95%"),
        "p99_ms": ms("99%"),
        "max_ms": ms("Max Response Time"),
    }


def write(results: dict, stem: str = "results") -> None:
    (HERE / f"{stem}.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    total, checks = results["all"], results["marks"]
    lines = [
        "# Load test results",
        "",
        f"Written by `scripts/load.sh` — {results['when']} on {results['machine']}.",
        "",
        results["setup"],
        "",
        "| figure | value | target |",
        "|---|---|---|",
        f"| requests per second (all) | {total['rps']} | |",
        f"| requests in all | {total['requests']:,} | |",
        f"| errors | {total['failures']} | 0 |",
        f"| p50 / p95 / p99 (all) | {total['p50_ms']:.0f} / {total['p95_ms']:.0f} / "
        f"{total['p99_ms']:.0f} ms | p99 ≤ {TARGET_P99_MS} ms |",
        f"| sheets confirmed to the judges' browsers | {checks['sheets_confirmed']:,} | |",
        f"| sheets submitted in the database (of which confirmations cut off by the end of the "
        f"test) | {checks['sheets_submitted_in_database']:,} "
        f"({checks['sheets_cut_off_at_the_end']}) | all with the marks typed |",
        f"| marks typed on confirmed sheets / stored on submitted sheets | "
        f"{checks['marks_expected']:,} / {checks['marks_stored_on_submitted_sheets']:,} | |",
        f"| duplicate marks | {checks['duplicate_marks']} | 0 |",
        f"| double taps on submit / submit records in the audit trail | "
        f"{checks['double_taps']} / {checks['submit_audit_records']:,} | one record per sheet |",
        f"| problems found by the check | {checks['problem_count']} | 0 |",
        "",
        "| request | count | errors | rps | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, f in results["by_request"].items():
        lines.append(
            f"| {name} | {f['requests']:,} | {f['failures']} | {f['rps']} | {f['p50_ms']:.0f} | "
            f"{f['p95_ms']:.0f} | {f['p99_ms']:.0f} | {f['max_ms']:.0f} |"
        )
    if checks["problems"]:
        lines += ["", "Problems (first 50):", ""] + [f"- {p}" for p in checks["problems"]]
    (HERE / f"{stem}.md").write_text("\n".join(lines) + "\n")


def cpu_reference() -> float:
    """Nanoseconds per ``sum(range(10))``, best of five: how fast this machine is now."""
    runs = timeit.repeat("sum(range(10))", number=200_000, repeat=5)
    return min(runs) / 200_000 * 1e9


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan", type=Path, required=True)
    parser.add_argument("--submitted", type=Path, required=True)
    parser.add_argument("--stats", type=Path, required=True)
    parser.add_argument("--setup", default="")
    parser.add_argument("--out", default="results", help="name of the results files")
    args = parser.parse_args()
    plan = json.loads(args.plan.read_text(encoding="utf-8"))
    seen = json.loads(args.submitted.read_text(encoding="utf-8"))
    checks = check_marks(plan, seen)
    rows = read_stats(args.stats)
    by_request = {r["Name"]: figures_of(r) for r in rows if r["Name"] != "Aggregated"}
    total = figures_of(next(r for r in rows if r["Name"] == "Aggregated"))
    results = {
        "when": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": (
            f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; "
            f"speed reference {cpu_reference():.0f} ns per `sum(range(10))` (machines of this "
            "kind vary: compare runs by it)"
        ),
        "setup": args.setup,
        "all": total,
        "by_request": dict(sorted(by_request.items())),
        "marks": checks,
    }
    write(results, args.out)
    print(
        json.dumps(
            {"all": total, "marks": {k: v for k, v in checks.items() if k != "problems"}},
            ensure_ascii=False,
            indent=1,
        )
    )
    for problem in checks["problems"][:20]:
        print("  problem:", problem)
    failed = checks["problem_count"] or total["failures"] or total["p99_ms"] > TARGET_P99_MS
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

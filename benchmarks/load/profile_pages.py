"""What one request of each kind the load test makes costs on an idle server: wall time
(median of ``--times``), database queries, and optionally a cProfile of one kind.

Run by ``scripts/load.sh`` once the load test is over and checked (same database,
plan and settings; figures in ``benchmarks/load/data/profile.txt``); by hand, with the
environment load.sh exports and ``ALLOWED_HOSTS=testserver``::

    python benchmarks/load/profile_pages.py [--profile "judge: draft saved (htmx)"]

Requests go through Django's test client in this process (no server, no network), so the
figures are the application's and the database's share of a request.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import random
import statistics
import time
from pathlib import Path

import django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--times", type=int, default=40)
    parser.add_argument("--profile", default="")
    parser.add_argument("--queries", default="", help="print the SQL of this kind")
    parser.add_argument("--dump", default="", help="write the profile to this file")
    args = parser.parse_args()
    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    plan = json.loads(Path(os.environ["LOAD_PLAN"]).read_text(encoding="utf-8"))
    judge = plan["judges"][-1]
    client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(get_user_model().objects.get(username=judge["user"]))
    anonymous = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_ACCEPT_LANGUAGE="zh-hans")
    entry = judge["entries"][-1]
    base = f"/home/judging/{judge['competition']}/entries/{entry}/"

    marks = {f"mark-{code}": str(maximum // 2) for code, maximum in judge["criteria"]}

    def draft():  # one mark changed, as a judge typing
        code, maximum = random.choice(judge["criteria"])
        marks[f"mark-{code}"] = str(random.randint(0, maximum))
        return client.post(base + "draft/", marks, HTTP_HX_REQUEST="true")

    def public(kind):
        urls = [u for u in plan["public_urls"] if kind in u] or plan["public_urls"]
        return lambda: anonymous.get(random.choice(urls))

    kinds = {
        "judge: my sheets": lambda: client.get("/home/judging/"),
        "judge: open a sheet": lambda: client.get(base),
        "judge: draft saved (htmx)": draft,
        "public: certificate verified": public("/verify/"),
        "public: competition": public("/competitions/"),
        "public: home": lambda: anonymous.get("/"),
    }
    queries: list[str] = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    print(f"{'request':32} {'status':>6} {'median ms':>10} {'cpu ms':>7} {'min':>7} {'queries':>8}")
    for name, call in kinds.items():
        call()  # warm
        times, cpu = [], []
        with connection.execute_wrapper(count):
            for _ in range(args.times):
                queries.clear()
                start, start_cpu = time.perf_counter(), time.process_time()
                response = call()
                times.append((time.perf_counter() - start) * 1000)
                cpu.append((time.process_time() - start_cpu) * 1000)
        print(
            f"{name:32} {response.status_code:>6} {statistics.median(times):>10.1f} "
            f"{statistics.median(cpu):>7.1f} {min(cpu):>7.1f} {len(queries):>8}"
        )
        if name == args.queries:
            for sql in queries:
                print("   ", sql[:220])
        if name == args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.times):
                call()
            profiler.disable()
            if args.dump:
                profiler.dump_stats(args.dump)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)


if __name__ == "__main__":
    main()

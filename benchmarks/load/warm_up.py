"""Warm the load test's server before the clock starts: each kind of page the test asks
for, ``--times`` times over a few concurrent connections, so that every worker process has
loaded its templates and opened its database connection (a server in service is warm).

Usage: python benchmarks/load/warm_up.py --host http://127.0.0.1:8100 --times 27
Reads the plan (``LOAD_PLAN``); the first judge's session opens his list and a sheet.
"""

from __future__ import annotations

import argparse
import json
import os
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


def fetch(host: str, path: str, cookie: str = "") -> int:
    headers = {"X-Forwarded-Proto": "https"}
    if cookie:
        headers["Cookie"] = cookie
    request = urllib.request.Request(host + path, headers=headers)  # noqa: S310 (our server)
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        response.read()
        return response.status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", required=True)
    parser.add_argument("--times", type=int, default=27)
    args = parser.parse_args()
    plan = json.loads(Path(os.environ["LOAD_PLAN"]).read_text(encoding="utf-8"))
    judge = plan["judges"][0]
    cookie = f"sessionid={judge['session']}"
    sheet = f"/home/judging/{judge['competition']}/entries/{judge['entries'][-1]}/"
    pages = [(p, "") for p in plan["public_urls"][:: max(1, len(plan["public_urls"]) // 8)]]
    pages += [("/home/judging/", cookie), (sheet, cookie)]
    jobs = [page for page in pages for _ in range(args.times)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(lambda page: fetch(args.host, *page), jobs))
    print(f"  {len(codes)} requests, answers {sorted(set(codes))}")


if __name__ == "__main__":
    main()

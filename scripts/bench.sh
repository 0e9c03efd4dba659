#!/usr/bin/env bash
# Benchmarks at Pudong scale on SQLite, then on PostgreSQL when one answers at 127.0.0.1:5432.
# ENTERPRISES and WORKERS change the scale (default 10,000 and 1,000,000); after each
# load, bench_roster.py imports a ROSTER_ROWS-row roster (default 100,000) into that database and
# bench_judging.py computes the results of JUDGED_ENTRIES entries (default 100,000; 5,000,000 marks);
# bench_labour.py computes a labour league of LABOUR_PARTICIPANTS sites (default 5,000; 12 periods,
# 10 indicators, 3 checks each: 1,800,000 marks); bench_dashboard.py (last: it adds entries) fills the
# year to DASHBOARD_ENTRIES entries (default 2,000,000), rebuilds the participation summary and times
# the dashboard's figures and the approvals that keep them in step; bench_sections.py then adds
# results, certificates, skill levels, labour flags, training, innovation and the 830 round and
# times the whole dashboard's data per section for three scopes (SECTIONS_RUNS filter
# combinations each, default 50) and the hooks that keep its summaries in step.
source "$(dirname "$0")/_env.sh"
"$UV" sync --frozen --python "$PYTHON" >/dev/null
ENTERPRISES="${ENTERPRISES:-10000}"
WORKERS="${WORKERS:-1000000}"
ROSTER_ROWS="${ROSTER_ROWS:-100000}"
JUDGED_ENTRIES="${JUDGED_ENTRIES:-100000}"
LABOUR_PARTICIPANTS="${LABOUR_PARTICIPANTS:-5000}"
DASHBOARD_ENTRIES="${DASHBOARD_ENTRIES:-2000000}"
SECTIONS_RUNS="${SECTIONS_RUNS:-50}"
export DJANGO_SETTINGS_MODULE=jingsai.settings_test ALLOWED_HOSTS=testserver

rm -rf benchmarks/data/sqlite && mkdir -p benchmarks/data/sqlite
env -u DATABASE_URL JINGSAI_DATA_DIR="$PWD/benchmarks/data/sqlite" \
  .venv/bin/python benchmarks/bench.py --enterprises "$ENTERPRISES" --workers "$WORKERS" "$@"
env -u DATABASE_URL JINGSAI_DATA_DIR="$PWD/benchmarks/data/sqlite" \
  .venv/bin/python benchmarks/bench_roster.py --rows "$ROSTER_ROWS"
env -u DATABASE_URL JINGSAI_DATA_DIR="$PWD/benchmarks/data/sqlite" \
  .venv/bin/python benchmarks/bench_judging.py --entries "$JUDGED_ENTRIES"
env -u DATABASE_URL JINGSAI_DATA_DIR="$PWD/benchmarks/data/sqlite" \
  .venv/bin/python benchmarks/bench_labour.py --participants "$LABOUR_PARTICIPANTS"
env -u DATABASE_URL JINGSAI_DATA_DIR="$PWD/benchmarks/data/sqlite" \
  .venv/bin/python benchmarks/bench_certificates.py --count "${CERTIFICATES:-1000}"
env -u DATABASE_URL JINGSAI_DATA_DIR="$PWD/benchmarks/data/sqlite" \
  .venv/bin/python benchmarks/bench_dashboard.py --entries "$DASHBOARD_ENTRIES"
env -u DATABASE_URL JINGSAI_DATA_DIR="$PWD/benchmarks/data/sqlite" \
  .venv/bin/python benchmarks/bench_sections.py --runs "$SECTIONS_RUNS"

if .venv/bin/python -c 'import socket; socket.create_connection(("127.0.0.1", 5432), 2)' 2>/dev/null; then
  psql -h 127.0.0.1 -U postgres -q -c 'DROP DATABASE IF EXISTS jingsai_bench' -c 'CREATE DATABASE jingsai_bench' postgres
  DATABASE_URL="postgres://postgres@127.0.0.1:5432/jingsai_bench" JINGSAI_DATA_DIR="$PWD/benchmarks/data/pg" \
    .venv/bin/python benchmarks/bench.py --enterprises "$ENTERPRISES" --workers "$WORKERS" "$@"
  DATABASE_URL="postgres://postgres@127.0.0.1:5432/jingsai_bench" JINGSAI_DATA_DIR="$PWD/benchmarks/data/pg" \
    .venv/bin/python benchmarks/bench_roster.py --rows "$ROSTER_ROWS"
  DATABASE_URL="postgres://postgres@127.0.0.1:5432/jingsai_bench" JINGSAI_DATA_DIR="$PWD/benchmarks/data/pg" \
    .venv/bin/python benchmarks/bench_judging.py --entries "$JUDGED_ENTRIES"
  DATABASE_URL="postgres://postgres@127.0.0.1:5432/jingsai_bench" JINGSAI_DATA_DIR="$PWD/benchmarks/data/pg" \
    .venv/bin/python benchmarks/bench_labour.py --participants "$LABOUR_PARTICIPANTS"
  DATABASE_URL="postgres://postgres@127.0.0.1:5432/jingsai_bench" JINGSAI_DATA_DIR="$PWD/benchmarks/data/pg" \
    .venv/bin/python benchmarks/bench_dashboard.py --entries "$DASHBOARD_ENTRIES"
  DATABASE_URL="postgres://postgres@127.0.0.1:5432/jingsai_bench" JINGSAI_DATA_DIR="$PWD/benchmarks/data/pg" \
    .venv/bin/python benchmarks/bench_sections.py --runs "$SECTIONS_RUNS"
fi
echo "figures: benchmarks/results.json, benchmarks/results.md"

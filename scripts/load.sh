#!/usr/bin/env bash
# Load test (issue 9): 500 judges marking on their phones and 200 public readers for 3 minutes
# against gunicorn (the production server) on 127.0.0.1 with
# PostgreSQL; then every submitted mark is checked to be stored exactly once.
# Needs PostgreSQL at 127.0.0.1:5432 (user postgres). Scale: LOAD_JUDGES (500), LOAD_READERS (200),
# LOAD_SECONDS (180), WORKERS (5 sync workers of gunicorn, 2 × cores + 1: each request on its own
# connection, as behind nginx, so the accept queue spreads them; WORKER_CLASS=gthread THREADS=4
# for threads). On 2 cores, 5 workers gave the best tail: p99 1.6 s against 1.8 s with 3
# and 3.3 s with 9 (more processes time-slicing the same CPU, each request takes longer).
# The server is warmed up (each page once per worker) before the clock starts.
# Figures: benchmarks/load/results.md.
source "$(dirname "$0")/_env.sh"
set -euo pipefail
"$UV" sync --frozen --python "$PYTHON" >/dev/null

JUDGES="${LOAD_JUDGES:-500}"
READERS="${LOAD_READERS:-200}"
SECONDS_="${LOAD_SECONDS:-180}"
WORKERS="${WORKERS:-5}"
THREADS="${THREADS:-1}"
WORKER_CLASS="${WORKER_CLASS:-sync}"
PORT="${LOAD_PORT:-8100}"
DB="${LOAD_DB:-jingsai_load}"
WORK="$PWD/benchmarks/load/data"

if ! .venv/bin/python -c 'import socket; socket.create_connection(("127.0.0.1", 5432), 2)' 2>/dev/null; then
  echo "load test: no PostgreSQL at 127.0.0.1:5432" >&2
  exit 2
fi
rm -rf "$WORK" && mkdir -p "$WORK"
psql -h 127.0.0.1 -U postgres -q -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB" postgres

# production settings, as behind the reverse proxy (deploy/nginx.conf) that terminates TLS
unset DEBUG DJANGO_SETTINGS_MODULE
export DJANGO_SETTINGS_MODULE=jingsai.settings
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
export JINGSAI_DATA_DIR="$WORK"
export SECRET_KEY="load-test-$(date +%s%N)"
export ALLOWED_HOSTS=127.0.0.1 HTTPS=1 BEHIND_PROXY=1
export LOAD_PLAN="$WORK/plan.json" LOAD_SUBMITTED="$WORK/submitted.json"
export LOAD_JUDGES="$JUDGES" LOAD_READERS="$READERS"
JINGSAI=.venv/bin/jingsai

echo "==> database $DB: migrate, Pudong preset, demo data"
"$JINGSAI" migrate --no-input -v0
"$JINGSAI" preset pudong >/dev/null
"$JINGSAI" demo-data --enterprises "${DEMO_ENTERPRISES:-300}" --workers "${DEMO_WORKERS:-20000}" --accounts --quiet >/dev/null
"$JINGSAI" collectstatic --no-input -v0
echo "==> $JUDGES judges with sheets to mark"
.venv/bin/python benchmarks/load/prepare.py --judges "$JUDGES" --out "$LOAD_PLAN"

echo "==> gunicorn: $WORKERS $WORKER_CLASS workers × $THREADS threads on 127.0.0.1:$PORT"
.venv/bin/gunicorn jingsai.wsgi --bind "127.0.0.1:$PORT" --workers "$WORKERS" --threads "$THREADS" \
  --worker-class "$WORKER_CLASS" --preload --timeout 120 --error-logfile "$WORK/gunicorn.log" \
  --log-level warning &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 60); do
  curl -s -o /dev/null -H 'X-Forwarded-Proto: https' "http://127.0.0.1:$PORT/" && break
  sleep 1
done

echo "==> warming up: every page kind, a few times per worker"
.venv/bin/python benchmarks/load/warm_up.py --host "http://127.0.0.1:$PORT" --times "$((WORKERS * 3))"

echo "==> locust: $JUDGES judges and $READERS readers for $SECONDS_ s"
.venv/bin/locust -f benchmarks/load/locustfile.py --headless --host "http://127.0.0.1:$PORT" \
  -u "$((JUDGES + READERS))" -r 100 -t "${SECONDS_}s" --stop-timeout 15 \
  --csv "$WORK/locust" --only-summary --loglevel WARNING 2>&1 | tail -40 || true
kill $SERVER; wait $SERVER 2>/dev/null || true

echo "==> every submitted mark stored exactly once?"
verdict=0
.venv/bin/python benchmarks/load/verify.py --plan "$LOAD_PLAN" --submitted "$LOAD_SUBMITTED" \
  --stats "$WORK/locust_stats.csv" \
  --setup "$JUDGES judges and $READERS public readers for $SECONDS_ s; gunicorn $WORKERS $WORKER_CLASS workers × $THREADS threads (warmed up) on 127.0.0.1, PostgreSQL on 127.0.0.1, production settings behind a TLS proxy (X-Forwarded-Proto); locust on the same machine." || verdict=$?

echo "==> what one request of each kind costs on the idle server (in-process)"
ALLOWED_HOSTS=testserver .venv/bin/python benchmarks/load/profile_pages.py --times 30 \
  | tee "$WORK/profile.txt"
exit "$verdict"

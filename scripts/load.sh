#!/usr/bin/env bash
# Load test (issue 9): 500 judges marking on their phones and 200 public readers for 3 minutes
# against gunicorn (the production server) on 127.0.0.1 with
# PostgreSQL; then every submitted mark is checked to be stored exactly once.
# Needs PostgreSQL at 127.0.0.1:5432 (user postgres). Scale: LOAD_JUDGES (500), LOAD_READERS (200),
# LOAD_SECONDS (180), WORKERS (5 sync workers of gunicorn, 2 × cores + 1: each request on its own
# connection, as behind nginx, so the accept queue spreads them; WORKER_CLASS=gthread THREADS=4
# for threads). On 2 cores, 5 workers gave the best tail: on a slow machine p99 1.6 s
# against 1.8 s with 3 and 3.3 s with 9 (more processes time-slicing the same CPU, each
# request takes longer); on a quicker one p99 100-180 ms (200 ms through nginx).
# The server is warmed up (each page once per worker) before the clock starts.
# LOAD_PROXY=nginx puts nginx in front (port LOAD_PORT + 1), with the upstream and proxy
# settings of deploy/nginx.conf (plain HTTP here; it tells the application the request was
# HTTPS, as the TLS proxy does).
# Figures: benchmarks/load/results.md (results-nginx.md through nginx).
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
PROXY="${LOAD_PROXY:-}"
DB="${LOAD_DB:-jingsai_load}"
WORK="$PWD/benchmarks/load/data"

if ! .venv/bin/python -c 'import socket; socket.create_connection(("127.0.0.1", 5432), 2)' 2>/dev/null; then
  echo "load test: no PostgreSQL at 127.0.0.1:5432" >&2
  exit 2
fi
if [ "$PROXY" = nginx ]; then
  NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
  [ -x "$NGINX" ] || { echo "load test: LOAD_PROXY=nginx needs nginx (apt-get install nginx-light)" >&2; exit 2; }
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
HOST="http://127.0.0.1:$PORT"
VIA="requests straight to gunicorn"
RESULTS=results
if [ "$PROXY" = nginx ]; then
  HOST="http://127.0.0.1:$((PORT + 1))"
  RESULTS=results-nginx
  VIA="requests through nginx (deploy/nginx.conf's upstream and proxy settings, one worker process) in front of gunicorn"
  mkdir -p "$WORK/nginx"
  {
    echo "user $(id -un); worker_processes 1; pid $WORK/nginx/nginx.pid;"
    echo "error_log $WORK/nginx/error.log warn; events { worker_connections 2048; }"
    echo "http { access_log off;"
    for temp in client_body proxy fastcgi uwsgi scgi; do echo "${temp}_temp_path $WORK/nginx/$temp;"; done
    sed -n '/^upstream jingsai {/,/^}/p' deploy/nginx.conf | grep -v '^ *server ' \
      | sed "s|^upstream jingsai {|upstream jingsai { server 127.0.0.1:$PORT;|"
    echo "server { listen 127.0.0.1:$((PORT + 1));"
    # the port is not the standard one here: pass it on in Host, and say "https" as TLS would
    sed -n '/^    location \/ {/,/^    }/p' deploy/nginx.conf | sed 's/\$scheme/https/; s/\$host;/$http_host;/'
    echo "} }"
  } > "$WORK/nginx/nginx.conf"
  "$NGINX" -q -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" -g 'daemon on;'
  trap 'kill $SERVER 2>/dev/null || true; kill "$(cat "$WORK/nginx/nginx.pid")" 2>/dev/null || true' EXIT
fi
for _ in $(seq 60); do
  curl -sf -o /dev/null -H 'X-Forwarded-Proto: https' "$HOST/" && break
  sleep 1
done

echo "==> warming up: every page kind, a few times per worker"
.venv/bin/python benchmarks/load/warm_up.py --host "$HOST" --times "$((WORKERS * 3))"

echo "==> locust: $JUDGES judges and $READERS readers for $SECONDS_ s"
.venv/bin/locust -f benchmarks/load/locustfile.py --headless --host "$HOST" \
  -u "$((JUDGES + READERS))" -r 100 -t "${SECONDS_}s" --stop-timeout 15 \
  --csv "$WORK/locust" --only-summary --loglevel WARNING 2>&1 | tail -40 || true
kill $SERVER; wait $SERVER 2>/dev/null || true

echo "==> every submitted mark stored exactly once?"
verdict=0
.venv/bin/python benchmarks/load/verify.py --plan "$LOAD_PLAN" --submitted "$LOAD_SUBMITTED" \
  --stats "$WORK/locust_stats.csv" --out "$RESULTS" \
  --setup "$JUDGES judges and $READERS public readers for $SECONDS_ s; gunicorn $WORKERS $WORKER_CLASS workers × $THREADS threads (warmed up) on 127.0.0.1, $VIA, PostgreSQL on 127.0.0.1, production settings behind a TLS proxy (X-Forwarded-Proto); locust on the same machine." || verdict=$?

echo "==> what one request of each kind costs on the idle server (in-process)"
ALLOWED_HOSTS=testserver .venv/bin/python benchmarks/load/profile_pages.py --times 30 \
  | tee "$WORK/profile.txt"
exit "$verdict"

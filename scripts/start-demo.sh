#!/usr/bin/env bash
# The README's first command: set up and start Jingsai with the Pudong preset and demo data on SQLite.
source "$(dirname "$0")/_env.sh"

export DEBUG=1
# two-factor sign-in (programme admins, chief judges) is on by default; the demo's shared
# logins go without it
export JINGSAI_TWO_FACTOR="${JINGSAI_TWO_FACTOR:-0}"
export JINGSAI_DATA_DIR="${JINGSAI_DATA_DIR:-$PWD/var}"
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
unset DATABASE_URL

echo "==> Installing the locked dependencies (uv sync --frozen)"
"$UV" sync --frozen --no-dev --python "$PYTHON"
JINGSAI=.venv/bin/jingsai

echo "==> Creating the SQLite database in $JINGSAI_DATA_DIR"
"$JINGSAI" migrate --no-input -v0
echo "==> Loading the Pudong preset"
"$JINGSAI" preset pudong
echo "==> Adding demo data and demo accounts"
"$JINGSAI" demo-data --if-empty --enterprises "${DEMO_ENTERPRISES:-300}" --workers "${DEMO_WORKERS:-20000}"

cat <<INFO

  Jingsai is starting at  http://$HOST:$PORT/
  Demo logins (password for all: jingsai-demo-2026):
    admin        programme admin (浦东新区总工会)
    leader       leadership (read-only)
    coorganiser  co-organiser staff
    officer      enterprise officer (one demo enterprise)
    judge        judge
    expert       830 expert reviewer (浦东工匠, marks still to give)
    worker       worker
  Two-factor sign-in, required of programme admins and chief judges in production,
  is off in the demo (JINGSAI_TWO_FACTOR=1 turns it on).
  Stop with Ctrl-C. Data is kept in $JINGSAI_DATA_DIR.

INFO
exec "$JINGSAI" runserver --noreload "$HOST:$PORT"

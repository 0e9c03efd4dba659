#!/usr/bin/env bash
# The README's second command: lint, migration check and the whole test suite.
# DATABASE_URL selects the database (SQLite by default; CI also runs PostgreSQL).
# -rs names the reason of every skip (the browser journeys without Chromium).
source "$(dirname "$0")/_env.sh"

"$UV" sync --frozen --python "$PYTHON" >/dev/null
.venv/bin/ruff check src tests benchmarks
.venv/bin/ruff format --check src tests benchmarks
DJANGO_SETTINGS_MODULE=jingsai.settings_test .venv/bin/jingsai makemigrations --check --dry-run >/dev/null
.venv/bin/pytest -rs "$@"

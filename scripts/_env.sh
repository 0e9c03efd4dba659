# Shared by the scripts: find Python ≥ 3.12 and uv, without root and without downloads.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export UV_PYTHON_DOWNLOADS=never
export UV_PROJECT_ENVIRONMENT="${UV_PROJECT_ENVIRONMENT:-.venv}"

find_python() {
  local candidate
  for candidate in python3.13 python3.12 python3.14 python3 python; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then
      "$candidate" -c 'import sys; print(sys.executable)'
      return 0
    fi
  done
  echo "Jingsai needs Python 3.12 or newer on PATH." >&2
  return 1
}

find_uv() {
  if command -v uv >/dev/null 2>&1 && uv --version >/dev/null 2>&1; then
    command -v uv
    return 0
  fi
  if [ ! -x .tools/venv/bin/uv ]; then
    local host
    host="$(find_python)"
    "$host" -m venv .tools/venv >&2
    .tools/venv/bin/python -m pip install --quiet --disable-pip-version-check "uv==0.13.9" >&2
  fi
  echo "$PWD/.tools/venv/bin/uv"
}

PYTHON="$(find_python)"
UV="$(find_uv)"

#!/usr/bin/env bash
# The whole test suite: lint, migrations check, then pytest on SQLite and on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

bash tests/system_packages.sh
bash tests/services.sh

export CI="${CI:-false}"
export DJANGO_SETTINGS_MODULE=shadowvault.settings
# One Redis database per pass (the passes run side by side, below).
export REDIS_TEST_URL="${REDIS_TEST_URL:-redis://127.0.0.1:6379/15}"
REDIS_TEST_URL_POSTGRES="${REDIS_TEST_URL_POSTGRES:-redis://127.0.0.1:6379/14}"
PG_URL="${POSTGRES_TEST_URL:-postgres://postgres@127.0.0.1:5432/shadowvault}"

echo "== lint: ruff"
$PY -m ruff check .
$PY -m ruff format --check .
echo "== types: mypy (pyproject.toml [tool.mypy]); the Django plugin loads settings: throwaway secrets"
SECRET_KEY=mypy-loads-settings-only-not-a-secret LINK_SECRET=mypy-loads-settings-only-not-a-secret \
  $PY -m mypy

echo "== lint and unit tests: JavaScript (eslint, node --test)"
# npm ci again when node_modules is missing or older than the lock file (npm records what it
# installed in node_modules/.package-lock.json). `make run` needs none of this: no Node.js.
if [ ! node_modules/.package-lock.json -nt package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npx --no-install eslint static/js tests/js eslint.config.mjs
node --test tests/js/*.test.mjs

run_suite() {  # $1: label, $2: DATABASE_URL
  local data_dir
  data_dir="$(mktemp -d /tmp/shadowvault-test.XXXXXX)"
  echo "== suite on $1 ($2)"
  DATA_DIR="$data_dir" DATABASE_URL="$2" $PY manage.py makemigrations --check --dry-run
  DATA_DIR="$data_dir" DATABASE_URL="$2" $PY -m pytest --create-db "${@:3}"
  rm -rf "$data_dir"
}

create_postgres_database() {  # the suite's database server must have the named database
  $PY - "$1" <<'PYTHON'
import sys
from urllib.parse import urlsplit

import psycopg

url = urlsplit(sys.argv[1])
name = url.path.lstrip("/")
with psycopg.connect(url._replace(path="/postgres").geturl(), autocommit=True) as conn:
    if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
        conn.execute(f'CREATE DATABASE "{name}"')
        print(f"created PostgreSQL database {name}")
PYTHON
}

# The two passes run side by side, each with its own data folder and Redis database: most
# of a pass is waiting (live installs starting, nginx, Celery workers, Chromium, ffmpeg), so
# two of them on 2 cores take little longer than one: a fresh clone's `.ci/run` took 41 min
# in all (SQLite 39 min, PostgreSQL 36 min, Chromium tests on both), where one after the other
# took 77 of CI's 90 without the Chromium tests on PostgreSQL. Each line of output names its
# pass; each pass ends with its own summary.
# Benches run on scratch installs of their own (an SQLite file): the same run again on the
# PostgreSQL pass would measure nothing new, so `own_install` tests run on the first pass only.
create_postgres_database "$PG_URL"
labelled_pass() {  # $1: label, $2: its Redis URL, then run_suite's arguments
  local label="$1"
  REDIS_TEST_URL="$2" PYTHONUNBUFFERED=1 run_suite "${@:3}" 2>&1 | sed -u "s/^/[$label] /"
}
labelled_pass sqlite "$REDIS_TEST_URL" SQLite "sqlite:////tmp/shadowvault-suite.sqlite3" "$@" &
sqlite_pass=$!
labelled_pass postgres "$REDIS_TEST_URL_POSTGRES" PostgreSQL "$PG_URL" -m "not own_install" "$@" &
postgres_pass=$!
status=0
wait "$sqlite_pass" || { status=1; echo "== the SQLite pass failed"; }
wait "$postgres_pass" || { status=1; echo "== the PostgreSQL pass failed"; }
[ "$status" = 0 ] && echo "== both passes passed"
exit "$status"

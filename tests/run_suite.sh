#!/usr/bin/env bash
# The whole test suite: lint, migrations check, then pytest on SQLite and on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

bash tests/system_packages.sh
bash tests/services.sh

export CI="${CI:-false}"
export DJANGO_SETTINGS_MODULE=shadowvault.settings
export REDIS_TEST_URL="${REDIS_TEST_URL:-redis://127.0.0.1:6379/15}"
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

run_suite SQLite "sqlite:////tmp/shadowvault-suite.sqlite3" "$@"
create_postgres_database "$PG_URL"
# Benches run on scratch installs of their own (an SQLite file): the same run again on this
# pass would measure nothing new, so `own_install` tests run on the first pass only. So do the
# Chromium tests for now: what they drive is the browser's side (the player, the reader, the
# console's scripts), the pages' queries run on PostgreSQL in every other test, and CI's
# 90 minutes no longer hold both passes of them (the suite is to be made cheaper first).
run_suite PostgreSQL "$PG_URL" -m "not own_install and not browser" "$@"

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

run_suite() {  # $1: label, $2: DATABASE_URL
  local data_dir
  data_dir="$(mktemp -d /tmp/shadowvault-test.XXXXXX)"
  echo "== suite on $1 ($2)"
  DATA_DIR="$data_dir" DATABASE_URL="$2" $PY manage.py makemigrations --check --dry-run
  DATA_DIR="$data_dir" DATABASE_URL="$2" $PY -m pytest --create-db "${@:3}"
  rm -rf "$data_dir"
}

run_suite SQLite "sqlite:////tmp/shadowvault-suite.sqlite3" "$@"
run_suite PostgreSQL "$PG_URL" "$@"

# ShadowVault: `make run` serves the product on one machine; `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test lint format help

help:  ## List the targets.
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) \
		| sed -e 's/$$(HOST)/$(HOST)/g' -e 's/$$(PORT)/$(PORT)/g' \
		| awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(VENV)/.runtime: requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

run: $(VENV)/.runtime  ## Migrate, prepare the demo site, serve on http://$(HOST):$(PORT) (Ctrl-C stops).
	$(PY) manage.py migrate --noinput
	$(PY) manage.py bootstrap --url http://$(HOST):$(PORT)
	$(PY) manage.py runall --host $(HOST) --port $(PORT)

test: $(VENV)/.dev  ## Lint, then the whole suite on SQLite and on PostgreSQL.
	bash tests/run_suite.sh

# The migrations check uses a throwaway data folder and SQLite file: no database server needed.
lint: $(VENV)/.dev  ## ruff and the migrations check only.
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	@scratch=$$(mktemp -d) && trap 'rm -rf "$$scratch"' EXIT && \
		DATA_DIR=$$scratch DATABASE_URL=sqlite:///$$scratch/check.sqlite3 \
		$(PY) manage.py makemigrations --check --dry-run

format: $(VENV)/.dev  ## Rewrite the code in ruff's format.
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

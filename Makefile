# Pathways: `make demo` and `make test` are all a newcomer needs.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PG_ADMIN ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres

.PHONY: demo test install assets browser lint typecheck test-sqlite test-postgres bench clean

demo: install assets  ## Set up the embedded database with a synthetic world and serve on 127.0.0.1:8000
	$(BIN)/pathways demo

test: install assets browser lint typecheck test-sqlite test-postgres  ## Lint, type-check, and the suite on SQLite and PostgreSQL

install: $(VENV)/.installed

$(VENV)/.installed: requirements.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; set PYTHON=/path/to/python3.11" >&2; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install -q --disable-pip-version-check --no-deps -e .
	@touch $@

assets: node_modules/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

browser:  ## Debian's Chromium for the browser tests (Playwright cannot download one here)
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "error: install Debian's chromium package for the browser tests" >&2; exit 2; fi; }

lint: install
	$(BIN)/ruff check pathways tests bench migrations

typecheck: install
	$(BIN)/mypy

test-sqlite: install
	$(BIN)/pytest

test-postgres: install
	@$(BIN)/python -c "import sqlalchemy as s; s.create_engine('$(PG_ADMIN)').connect().close()" 2>/dev/null || \
	  { echo "error: PostgreSQL is not reachable at 127.0.0.1:5432; start it (see README)" >&2; exit 2; }
	PATHWAYS_TEST_DATABASE=postgresql $(BIN)/pytest -m "not e2e"

bench: install  ## Every benchmark; each writes bench/results/<name>.json
	@for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) node_modules var .pytest_cache .mypy_cache .ruff_cache

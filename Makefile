# Two commands: `make run` and `make test`. Everything else is here for them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint install clean soak bench bench-pg

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## Serve the app on instance/chaeson.db with demo data at http://127.0.0.1:5000
run: $(STAMP)
	$(BIN)/chaeson db upgrade
	$(BIN)/chaeson demo --if-empty
	$(BIN)/chaeson serve --host 127.0.0.1 --port 5000

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

## Lint, import contracts, `alembic check`, then the whole suite
test: lint
	CHAESON_DATABASE_URL=sqlite:///$(CURDIR)/.venv/alembic-check.db $(BIN)/chaeson db upgrade
	CHAESON_DATABASE_URL=sqlite:///$(CURDIR)/.venv/alembic-check.db $(BIN)/chaeson db check
	rm -f $(CURDIR)/.venv/alembic-check.db*
	$(BIN)/python -m pytest -n auto

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis

## Load test (loopback only, bounded): 20 clients post deposits and repayments over HTTP for
## 60 s against `chaeson serve`; fails on any 5xx, a request unanswered for 30 s, a lost or doubled
## posting, or `chaeson check`; prints p50/p95/max latency per kind and requests/s. `.ci/run`
## runs it after `make test` (about 1.5 minutes).
## CHAESON_SOAK_DATABASE_URL=postgresql+psycopg://… runs it on PostgreSQL.
soak: $(STAMP)
	$(BIN)/python -m web.ops.soak --clients 20 --seconds 60

## Benchmarks (not part of `make test`): scale data, page p50/p95, statements, postings/s.
## SQLite at 5,000 members × 10 years; results in bench/results/ (JSON + SUMMARY.md).
BENCH_SQLITE ?= $(CURDIR)/bench/bench-5000x10.db
bench: $(STAMP)
	$(BIN)/python bench/run.py --database-url sqlite:///$(BENCH_SQLITE) --members 5000 --years 10

## PostgreSQL at 50,000 members × 10 years, in a database of its own (created if missing) on
## CHAESON_BENCH_PG_URL's server, or on CHAESON_TEST_POSTGRES_URL's as `chaeson_bench`.
bench-pg: $(STAMP)
	$(BIN)/python bench/pg.py --members 50000 --years 10

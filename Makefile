# Two commands: `make run` and `make test`. Everything else is here for them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint install clean

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
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis

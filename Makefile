# Conciergerie — the two commands of the quick start are `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1:8000
# pytest-xdist: one pytest process per core, each with its own test database and live server.
# Its default distribution (load) hands out the tests in pytest-django's order, the browser tests
# last in each process. Not worksteal: a stolen test may run after them, when Playwright's event
# loop makes Django use another connection that nothing closes (PostgreSQL then refuses to drop
# the test database). `make test PYTEST_XDIST=-n0` runs the suite in a single process (for --pdb,
# -s, or a timing).
PYTEST_XDIST ?= -n auto

.PHONY: run test fix install install-dev migrate demo worker bench clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py charger_demo --si-vide

## Quick start 1: set up and serve on the embedded default (SQLite, eager Celery) with demo data.
run: demo
	@echo "→ http://$(HOST)/  (comptes : admin, coordinatrice, partenaire, financeur, programme ; mot de passe « demo »)"
	$(PY) manage.py runserver $(HOST)

## Quick start 2: lint (Python, and templates with djlint), migrations check, then the whole test
## suite (browser tests included) on every core. .pre-commit-config.yaml runs the same lint.
test: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint templates --lint
	$(PY) manage.py makemigrations --check --dry-run
	@bash scripts/ensure-chromium.sh
	$(BIN)/pytest $(PYTEST_XDIST) $(PYTEST_ARGS)

## What ruff can repair by itself, then its formatting (templates are linted, never reformatted).
fix: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

worker: install
	$(BIN)/celery -A conciergerie worker --loglevel=INFO

## Figures at the national programme's size on PostgreSQL, load test included (docs/performance.md).
bench: install-dev
	bash bench/run.sh $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache

# Conciergerie — the two commands of the quick start are `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1:8000
# The settings fail closed (DEBUG off when unset, and then a real SECRET_KEY is mandatory): the
# commands below run the embedded default, a developer's machine, so they turn DEBUG on unless
# the caller's environment says otherwise. pytest sets it too (pyproject.toml, [tool.pytest_env]).
DEBUG ?= 1
export DEBUG

SAUVEGARDES ?= var/sauvegardes

# pytest-xdist: one pytest process per core, each with its own test database and live server.
# Its default distribution (load) hands out the tests in pytest-django's order, the browser tests
# last in each process. Not worksteal: a stolen test may run after them, when Playwright's event
# loop makes Django use another connection that nothing closes (PostgreSQL then refuses to drop
# the test database). `make test PYTEST_XDIST=-n0` runs the suite in a single process (for --pdb,
# -s, or a timing).
PYTEST_XDIST ?= -n auto

.PHONY: run test fix install install-dev lock migrate demo worker bench sauvegarde clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# The lock files pin every package, indirect ones included, with its hashes: pip refuses any
# other file (--require-hashes).
$(VENV)/.installed: requirements.txt | $(BIN)/activate
	$(BIN)/pip install --quiet --require-hashes -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## The lock files: requirements.in and requirements-dev.in (the packages we ask for) compiled by
## pip-tools, in a venv of its own, into requirements.txt and requirements-dev.txt (every package,
## indirect ones included, pinned with its hashes; the dev file at the versions of the runtime one).
## Pins already in the lock files are kept: `make lock LOCK_ARGS=--upgrade` (or
## `LOCK_ARGS="--upgrade-package django"`) moves them. Run it after changing a .in file.
LOCK_VENV ?= .venv-lock
PIP_COMPILE = $(LOCK_VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links $(LOCK_ARGS)
lock:
	test -x $(LOCK_VENV)/bin/pip-compile || { $(PYTHON) -m venv $(LOCK_VENV) && $(LOCK_VENV)/bin/pip install --quiet pip-tools==7.6.2; }
	$(PIP_COMPILE) --output-file=requirements.txt requirements.in
	$(PIP_COMPILE) --output-file=requirements-dev.txt requirements-dev.in

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py charger_demo --si-vide

## Quick start 1: set up and serve on the embedded default (SQLite, eager Celery) with demo data.
run: demo
	@echo "→ http://$(HOST)/  (comptes : admin, coordinatrice, partenaire, financeur, programme ; mot de passe « demo » ; code d'admin : DEBUG=1 $(PY) manage.py code_totp_demo admin)"
	$(PY) manage.py runserver $(HOST)

## Quick start 2: lint (Python, and templates with djlint), the dependency chain, migrations check,
## then the whole test suite (browser tests included) on every core. .pre-commit-config.yaml runs
## the same lint.
test: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint templates --lint
	$(BIN)/lint-imports --no-cache
	$(PY) manage.py makemigrations --check --dry-run
	@bash scripts/ensure-chromium.sh
	$(BIN)/pytest $(PYTEST_XDIST) $(PYTEST_ARGS)

## What ruff can repair by itself, then its formatting (templates are linted, never reformatted).
fix: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

worker: install
	$(BIN)/celery -A conciergerie worker --loglevel=INFO

## A backup of the database and the files into $(SAUVEGARDES) (docs/exploitation.md), the 14 newest kept.
sauvegarde: install
	$(PY) manage.py sauvegarder --dossier $(SAUVEGARDES) --garder 14

## Figures at the national programme's size on PostgreSQL, load test included (docs/performance.md).
bench: install-dev
	bash bench/run.sh $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(LOCK_VENV) var .pytest_cache

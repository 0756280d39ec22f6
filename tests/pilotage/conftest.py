"""Fixtures of the pilotage tests (the demo's rows, shared by a module's tests), and the
selection of the worker tests.

Tests marked ``worker`` need a real Celery worker on a real Redis and a database that the worker
process can reach (PostgreSQL: pytest-django's SQLite test database lives in memory). Without
REDIS_URL, or on SQLite, they are *deselected* (reported as such by pytest, not skipped): the
normal ``make test`` runs them not at all, and CI's worker run (``-m worker`` with REDIS_URL and
a PostgreSQL DATABASE_URL) would collect no test and fail (exit 5) if they were deselected there.

Where they run, each pytest-xdist process has its own test database: its tasks go to a Celery
queue of its own, which only the workers it starts consume (one Redis for all).
"""

import os

import pytest
from django.core.management import call_command
from django.test import override_settings

from conciergerie.celery import app
from tests.deselection import deselectionner, sur_postgresql
from tests.partage import lignes_partagees


def charger_la_demo():
    with override_settings(DEBUG=True):
        call_command("charger_demo")


@pytest.fixture(scope="module")
def demo_du_module(django_db_setup, django_db_blocker):
    """The demo (``charger_demo``), loaded once for the tests of a module (``lignes_partagees``)."""
    yield from lignes_partagees(django_db_blocker, charger_la_demo)


def worker_possible() -> tuple[bool, str]:
    if not os.environ.get("REDIS_URL"):
        return False, "REDIS_URL absent"
    if not sur_postgresql():
        return False, "la base n'est pas PostgreSQL (DATABASE_URL)"
    return True, ""


def pytest_collection_modifyitems(config, items):
    possible, raison = worker_possible()
    if possible:
        # before any task is sent; the workers get it (tests/pilotage/test_rapport_worker.py)
        app.conf.task_default_queue = f"conciergerie-tests-{os.environ.get('PYTEST_XDIST_WORKER', 'seul')}"
        return
    deselectionner(config, items, "worker", raison)

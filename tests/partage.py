"""Rows created once for the tests of a module, as Django's ``TestCase.setUpTestData``.

A module-scoped fixture creates them (``lignes_partagees``) in a transaction that each test's own
(pytest-django's ``db``, then a savepoint) nests in and rolls back to; that transaction is rolled
back once the module's last test is done. For tests that read the rows, or change them in the
database only: a test that changed their Python objects would change them for the next tests::

    @pytest.fixture(scope="module")
    def monde_du_module(django_db_setup, django_db_blocker):
        yield from lignes_partagees(django_db_blocker, creer_monde)

Every test of the module sees the rows, those that do not ask for them too: a test that needs an
empty database, or a transactional one (``transaction=True``), goes in another module.
"""

import sys

from django.db import transaction
from django.test import override_settings

# a fast hasher: the suite creates many users (tests/conftest.py sets it for every test)
HACHEURS_RAPIDES = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def dans_la_base(django_db_blocker, creer):
    """``creer()`` with the database open, outside of a test (a module-scoped fixture): more rows
    in the transaction of ``lignes_partagees``."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=HACHEURS_RAPIDES):
        return creer()


def lignes_partagees(django_db_blocker, creer):
    """Generator for a module-scoped fixture: yields what ``creer()`` returns, its rows committed
    for no one and rolled back after the module's tests."""
    with django_db_blocker.unblock():
        atomique = transaction.atomic()
        atomique.__enter__()
    try:
        valeur = dans_la_base(django_db_blocker, creer)
    except BaseException:
        with django_db_blocker.unblock():
            atomique.__exit__(*sys.exc_info())
        raise
    try:
        yield valeur
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomique.__exit__(None, None, None)

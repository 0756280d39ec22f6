import zlib

import factory.random
import pytest

from tests import factories as f
from tests.connexion import connecter
from tests.deselection import deselectionner, sur_postgresql
from tests.partage import HACHEURS_RAPIDES, lignes_partagees


def pytest_report_header(config):
    """Under pytest-xdist (`make test`) the xdist processes collect and deselect the worker tests
    (tests/pilotage/conftest.py) and their lines are not shown, nor counted in the summary: say it."""
    if config.pluginmanager.has_plugin("dsession"):
        from tests.pilotage.conftest import worker_possible

        possible, raison = worker_possible()
        if not possible:
            return f"tests « worker » désélectionnés par chaque processus xdist : {raison}"
    return None


def _graine(nom):
    return zlib.crc32(nom.encode())


@pytest.fixture(autouse=True, scope="module")
def _noms_du_module(request):
    """The names Faker gives to what a module-scoped fixture creates: fixed by the module's name."""
    factory.random.reseed_random(_graine(request.module.__name__))


@pytest.fixture(autouse=True)
def _noms_du_test(request):
    """Faker's names (``ApprenantFactory`` …) fixed by the test's id: a test that meets a namesake
    (a random « Marcel Tessier » beside the « Samuel Tessier » it writes) meets it on every run and
    on every machine, whatever the order or the xdist process, instead of once in a few hundred."""
    factory.random.reseed_random(_graine(request.node.nodeid))


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = HACHEURS_RAPIDES
    # whitenoise looks static files up per request instead of scanning a STATIC_ROOT that
    # collectstatic never filled here (it would warn at each new client)
    settings.WHITENOISE_AUTOREFRESH = True
    # jobs run inside the request (Celery's eager mode), not after it in a thread of the process
    # (conciergerie/execution_locale.py): tests/pilotage/test_jobs_en_fond.py turns it on
    settings.JOBS_EN_FOND = False
    # figures are computed again after a write by the readers, not in the background
    # (tests/pilotage/test_precalcul.py turns it on)
    settings.PRECALCUL_CHIFFRES = False


@pytest.fixture
def login():
    """``login(user)``: a client logged in as ``user``; if the user must use a second factor
    (an administrator, staff), its session passed it (tests/connexion.py: a real confirmed
    device in the session, as the code page leaves it)."""
    return connecter


@pytest.fixture
def monde(db):
    """Two projects, their members, learners and steps (``creer_monde``)."""
    return creer_monde()


@pytest.fixture(scope="module")
def monde_du_module(django_db_setup, django_db_blocker):
    """``monde``, created once for the tests of a module (tests/partage.py): a module that uses it
    defines ``monde(monde_du_module, db)``, which returns it."""
    yield from lignes_partagees(django_db_blocker, creer_monde)


def creer_monde():
    """Two projects; in A one member per role, a learner followed by the partner's OF and one
    that is not; in B a learner of its own."""
    projet_a = f.ProjetFactory(nom="Projet A")
    projet_b = f.ProjetFactory(nom="Projet B")
    adhesions = {
        "administrateur": f.AdhesionFactory(projet=projet_a, administrateur=True, user__username="adm"),
        "coordinateur": f.AdhesionFactory(projet=projet_a, coordinateur=True, user__username="coord"),
        "partenaire": f.AdhesionFactory(projet=projet_a, partenaire=True, user__username="part"),
        "financeur": f.AdhesionFactory(projet=projet_a, financeur=True, user__username="fin"),
    }
    of_partenaire = adhesions["partenaire"].organisation
    suivi = f.EtapeFactory(parcours__apprenant__projet=projet_a, organisation=of_partenaire)
    autre = f.EtapeFactory(parcours__apprenant__projet=projet_a)
    etranger = f.EtapeFactory(parcours__apprenant__projet=projet_b)
    return {
        "A": projet_a,
        "B": projet_b,
        "adhesions": adhesions,
        "users": {role: a.user for role, a in adhesions.items()},
        "etape_suivie": suivi,
        "etape_autre": autre,
        "etape_etrangere": etranger,
        "apprenant_suivi": suivi.parcours.apprenant,
        "apprenant_autre": autre.parcours.apprenant,
        "apprenant_etranger": etranger.parcours.apprenant,
        "outsider": f.UserFactory(username="dehors"),
    }


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgresql`` (pg_dump/pg_restore, server-side behaviour) run on CI's
    PostgreSQL pass; on SQLite they are *deselected*, reported as such (not skipped), like the
    worker tests (tests/pilotage/conftest.py)."""
    if not sur_postgresql():
        deselectionner(config, items, "postgresql", "la base n'est pas PostgreSQL (DATABASE_URL)")

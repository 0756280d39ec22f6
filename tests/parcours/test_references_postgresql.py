"""Two coordinators create a learner without a reference at the same moment, each in its own
thread, PostgreSQL connection and transaction: the counter row's lock makes the second wait for
the first's commit, and they get two numbers. PostgreSQL only (CI's second pass): SQLite
serialises every write transaction, so this interleaving cannot occur there."""

import threading
import time

import pytest
from django.db import connection

from parcours import services
from parcours.models import Apprenant, CompteurReference
from tests import factories as f

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("compteur_existant", [False, True], ids=["premier-numero", "compteur-existant"])
def test_two_learners_created_at_once_get_two_references(monkeypatch, compteur_existant):
    """The first numbers of a project (the counter's row created by both at once: the unique
    projet makes the second insert wait, then read the row) and later ones (the row's lock)."""
    a = f.AdhesionFactory(coordinateur=True, projet__nom="Formation du Nord")
    projet = a.projet
    b = f.AdhesionFactory(projet=projet, coordinateur=True)
    if compteur_existant:
        services.prendre_references(projet=projet, nombre=2)
    original = Apprenant.full_clean

    def lent(self, *args, **kwargs):
        time.sleep(0.5)  # the number is taken, the lock held: the other request arrives meanwhile
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Apprenant, "full_clean", lent)
    depart = threading.Barrier(2)
    erreurs = []

    def creer(user, nom):
        try:
            depart.wait(timeout=10)
            services.enregistrer_apprenant(apprenant=f.ApprenantFactory.build(reference="", nom=nom), projet=projet, by=user)
        except BaseException as error:  # noqa: BLE001 — reported to the test below
            erreurs.append(error)
        finally:
            connection.close()

    fils = [threading.Thread(target=creer, args=(user, nom)) for user, nom in ((a.user, "Un"), (b.user, "Deux"))]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join(timeout=60)
    assert not erreurs, erreurs
    assert sorted(Apprenant.objects.filter(projet=projet).values_list("reference", flat=True)) == attendues(compteur_existant)
    assert CompteurReference.objects.get(projet=projet).dernier == (4 if compteur_existant else 2)


def attendues(compteur_existant):
    return ["FN-0003", "FN-0004"] if compteur_existant else ["FN-0001", "FN-0002"]

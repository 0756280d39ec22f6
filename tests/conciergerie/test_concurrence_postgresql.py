"""The same guards under real concurrency: two requests in two threads, each with its own
PostgreSQL connection and transaction, overlapping for real (a barrier or a pause inside the
service holds the first while the second arrives). PostgreSQL only (CI's second pass): SQLite
serialises every write transaction (``BEGIN IMMEDIATE``), so these interleavings cannot occur there.
"""

import threading
import time
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse

from conciergerie import concurrence
from finances import services as services_finances
from finances.models import Depense
from parcours import services as services_parcours
from parcours.models import Apprenant
from tests import factories as f
from tests.formulaires import envoi

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _cache_vide():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def equipe(login):
    a = f.AdhesionFactory(coordinateur=True, user__username="camille")
    projet = a.projet
    b = f.AdhesionFactory(projet=projet, coordinateur=True, user__username="dominique")
    return {"projet": projet, "A": login(a.user), "B": login(b.user)}


def en_meme_temps(*envois):
    """Run each ``(client, url, data)`` POST in its own thread, released together; the responses."""
    depart = threading.Barrier(len(envois))
    reponses = [None] * len(envois)
    erreurs = []

    def poster(i, client, url, donnees):
        try:
            depart.wait(timeout=10)
            reponses[i] = client.post(url, donnees)
        except BaseException as error:  # noqa: BLE001 — reported to the test below
            erreurs.append(error)
        finally:
            connection.close()

    fils = [threading.Thread(target=poster, args=(i, *e)) for i, e in enumerate(envois)]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join(timeout=60)
    assert not erreurs, erreurs
    return reponses


def _non_champ(response):
    return [str(e) for e in response.context["form"].non_field_errors()]


def test_two_saves_of_the_same_learner_at_once_one_is_refused(equipe, monkeypatch):
    """Both pages read the same version; both POSTs arrive together. The row lock makes the
    second check wait for the first's commit: it sees the new version and refuses."""
    projet = equipe["projet"]
    apprenant = f.ApprenantFactory(projet=projet, commune="Lyon", nom="Marchand")
    url = reverse("apprenant_update", args=[projet.pk, apprenant.pk])
    page_a, page_b = envoi(equipe["A"].get(url)), envoi(equipe["B"].get(url))
    original = services_parcours.enregistrer_apprenant

    def lent(**kwargs):
        time.sleep(0.5)  # holds the row's lock while the other request arrives
        return original(**kwargs)

    monkeypatch.setattr(services_parcours, "enregistrer_apprenant", lent)
    reponses = en_meme_temps((equipe["A"], url, {**page_a, "commune": "Bron"}), (equipe["B"], url, {**page_b, "nom": "Dupuis"}))

    codes = sorted(r.status_code for r in reponses)
    assert codes == [200, 302]
    refusee = next(r for r in reponses if r.status_code == 200)
    assert concurrence.CONFLIT in _non_champ(refusee)
    apprenant.refresh_from_db()
    assert (apprenant.commune, apprenant.nom) in {("Bron", "Marchand"), ("Lyon", "Dupuis")}


def test_a_double_click_on_an_expense_makes_one_expense(equipe, monkeypatch):
    projet = equipe["projet"]
    ligne = f.LigneBudgetFactory(financement__projet=projet)
    url = reverse("depense_create", args=[projet.pk, ligne.financement.pk])
    donnees = {**envoi(equipe["A"].get(url)), "ligne": ligne.pk, "date": "2025-03-04", "libelle": "Traiteur", "montant": "123,45"}
    original = services_finances.enregistrer_depense

    def lent(**kwargs):
        time.sleep(0.5)
        return original(**kwargs)

    monkeypatch.setattr(services_finances, "enregistrer_depense", lent)
    premiere, seconde = en_meme_temps((equipe["A"], url, donnees), (equipe["A"], url, donnees))

    assert list(Depense.objects.values_list("montant", flat=True)) == [Decimal("123.45")]
    assert premiere.status_code == seconde.status_code == 302 and premiere.url == seconde.url


def test_two_learners_with_the_same_reference_at_once(equipe, monkeypatch):
    """Two people create ICI-001 together: both pass every check (form and service) before
    either inserts; the second insert waits for the first's commit and breaks the unique
    constraint. No 500: the form's French message next to the reference."""
    projet = equipe["projet"]
    url = reverse("apprenant_create", args=[projet.pk])
    fiche = {"reference": "ICI-001", "prenom": "Léa", "nom": "Marchand", "situation_entree": "neet"}
    ensemble = threading.Barrier(2)

    def _save_ensemble(instance, by):
        instance._history_user = by
        instance.full_clean()
        ensemble.wait(timeout=10)  # both have checked: now both insert
        instance.save()
        return instance

    monkeypatch.setattr(services_parcours, "_save", _save_ensemble)
    reponses = en_meme_temps(
        (equipe["A"], url, {**envoi(equipe["A"].get(url)), **fiche}), (equipe["B"], url, {**envoi(equipe["B"].get(url)), **fiche})
    )

    assert sorted(r.status_code for r in reponses) == [200, 302]
    refusee = next(r for r in reponses if r.status_code == 200)
    assert [str(e) for e in refusee.context["form"].errors["reference"]] == ["Cette référence est déjà utilisée dans ce projet."]
    assert Apprenant.objects.filter(projet=projet, reference="ICI-001").count() == 1

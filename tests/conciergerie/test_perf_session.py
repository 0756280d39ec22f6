"""The session remembers the last project opened without being saved on every page
(``conciergerie.mixins.memoriser_projet``): saved when the project changes, and once a day."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conciergerie import mixins
from tests import factories as f


def _sauvegardes(client, url) -> int:
    """Writes to the session table while ``client`` opens ``url``."""
    with CaptureQueriesContext(connection) as requetes:
        assert client.get(url).status_code == 200
    return sum(
        1 for q in requetes.captured_queries if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT")) and "django_session" in q["sql"]
    )


@pytest.fixture
def deux_projets(db, login):
    coord = f.UserFactory()
    a, b = f.ProjetFactory(nom="Projet A"), f.ProjetFactory(nom="Projet B")
    for projet in (a, b):
        f.AdhesionFactory(user=coord, projet=projet, coordinateur=True)
    return {"client": login(coord), "a": a, "b": b}


def test_la_session_n_est_ecrite_que_quand_le_projet_change(deux_projets):
    client, a, b = deux_projets["client"], deux_projets["a"], deux_projets["b"]
    liste_a, liste_b = reverse("apprenant_list", args=[a.pk]), reverse("apprenant_list", args=[b.pk])
    assert _sauvegardes(client, liste_a) == 1
    assert client.session["projet_id"] == a.pk
    assert _sauvegardes(client, liste_a) == 0
    assert _sauvegardes(client, reverse("tableau_de_bord", args=[a.pk])) == 0
    assert _sauvegardes(client, liste_b) == 1
    assert client.session["projet_id"] == b.pk
    assert _sauvegardes(client, liste_b) == 0
    # the home page still goes back to the last project opened
    assert client.get(reverse("accueil")).url == reverse("projet_accueil", args=[b.pk])


def test_la_session_est_prolongee_une_fois_par_jour(deux_projets, monkeypatch):
    client, a = deux_projets["client"], deux_projets["a"]
    url = reverse("apprenant_list", args=[a.pk])
    monkeypatch.setattr(mixins.timezone, "localdate", lambda: date(2025, 3, 3))
    assert _sauvegardes(client, url) == 1
    assert _sauvegardes(client, url) == 0
    monkeypatch.setattr(mixins.timezone, "localdate", lambda: date(2025, 3, 4))
    assert _sauvegardes(client, url) == 1  # the expiry slides forward, as when every page wrote it
    assert _sauvegardes(client, url) == 0
    assert client.session["projet_id"] == a.pk

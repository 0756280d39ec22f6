"""The session remembers the last project opened without being saved on every page
(``conciergerie.mixins.memoriser_projet``): saved when the project changes, and when the time of
the last activity is a few minutes old (``conciergerie.limites_session``)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conciergerie import limites_session
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


def test_l_activite_est_notee_au_plus_toutes_les_cinq_minutes(deux_projets, monkeypatch):
    client, a = deux_projets["client"], deux_projets["a"]
    url = reverse("apprenant_list", args=[a.pk])
    # a clock that stands still: a slow machine must not turn 299 s into 300
    fige = limites_session.maintenant()
    monkeypatch.setattr(limites_session, "maintenant", lambda: fige)
    # the login (the fixture) may have stored the second before ``fige``: start from the clock
    session = client.session
    session[limites_session.ACTIVITE_LE] = fige
    session.save()
    assert limites_session.pas_activite() == 300  # idle limit of 2 h
    assert _sauvegardes(client, url) == 1  # the project
    assert _sauvegardes(client, url) == 0
    session = client.session
    session[limites_session.ACTIVITE_LE] -= 299
    session.save()
    assert _sauvegardes(client, url) == 0
    session[limites_session.ACTIVITE_LE] -= 1
    session.save()
    assert _sauvegardes(client, url) == 1  # the activity time, and the expiry slides forward
    assert _sauvegardes(client, url) == 0
    assert client.session["projet_id"] == a.pk

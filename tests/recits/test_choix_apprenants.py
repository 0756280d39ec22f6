"""The récit form's learner picker (issue 19): the search endpoint (scoped, accent-insensitive,
capped, one query), the widget's markup (a plain multiple select without JavaScript), and the
same posted value either way."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from recits.models import Recit
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def projet_recits(login):
    coord = f.AdhesionFactory(coordinateur=True)
    projet = coord.projet
    helene = f.ApprenantFactory(projet=projet, prenom="Hélène", nom="Lefèvre", reference="ICI-001", consentant=True)
    f.ApprenantFactory(projet=projet, prenom="Marc", nom="Durand", reference="ICI-002")
    f.ApprenantFactory(prenom="Hélène", nom="Lefèvre")  # another project
    return {"projet": projet, "client": login(coord.user), "helene": helene}


def _chercher(client, projet, q):
    return client.get(reverse("recit_apprenants", args=[projet.pk]), {"q": q}, headers={"HX-Request": "true"})


def test_search_finds_learners_of_the_project_without_accents(projet_recits):
    reponse = _chercher(projet_recits["client"], projet_recits["projet"], "lefevre")
    html = reponse.content.decode()
    assert reponse.status_code == 200
    assert html.count("data-choisir=") == 1
    assert f'data-choisir="{projet_recits["helene"].pk}"' in html
    assert "Hélène Lefèvre" in html and "consent" in html.lower()
    assert "Durand" not in html


def test_search_too_short_and_nothing_found(projet_recits):
    assert "Saisissez au moins 2 caractères." in _chercher(projet_recits["client"], projet_recits["projet"], "l").content.decode()
    assert "Aucun apprenant ne correspond." in _chercher(projet_recits["client"], projet_recits["projet"], "zzz").content.decode()


def test_search_capped_and_constant_queries(projet_recits):
    client, projet = projet_recits["client"], projet_recits["projet"]

    def compter():
        with CaptureQueriesContext(connection) as capture:
            html = _chercher(client, projet, "martin").content.decode()
        return len(capture.captured_queries), html

    f.ApprenantFactory(projet=projet, nom="Martin")
    compter()
    avant, _ = compter()
    for i in range(25):
        f.ApprenantFactory(projet=projet, nom=f"Martin{i}")
    apres, html = compter()
    assert apres == avant
    assert html.count("data-choisir=") == 20 and "précisez la recherche" in html


def test_form_renders_a_plain_multiple_select_and_the_search_field(projet_recits):
    html = projet_recits["client"].get(reverse("recit_create", args=[projet_recits["projet"].pk])).content.decode()
    assert '<select name="apprenants"' in html and "multiple" in html
    assert 'type="checkbox" name="apprenants"' not in html
    assert "data-choix-apprenants" in html
    assert f'hx-get="{reverse("recit_apprenants", args=[projet_recits["projet"].pk])}"' in html
    assert 'form="id_apprenants_hors_formulaire"' in html  # the search field is not posted with the form


def test_posted_learners_are_saved(projet_recits):
    projet = projet_recits["projet"]
    reponse = projet_recits["client"].post(
        reverse("recit_create", args=[projet.pk]),
        {
            "titre": "Premier jour",
            "type": "temoignage",
            "date": "2025-04-10",
            "texte": "Un beau moment.",
            "apprenants": [projet_recits["helene"].pk],
            **_jeton(projet_recits["client"], projet),
        },
    )
    assert reponse.status_code == 302, reponse.content.decode()[:2000]
    assert list(Recit.objects.get(titre="Premier jour").apprenants.all()) == [projet_recits["helene"]]


def _jeton(client, projet) -> dict:
    """The creation form's hidden fields (the one-time token), as the page gives them."""
    import re

    html = client.get(reverse("recit_create", args=[projet.pk])).content.decode()
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))

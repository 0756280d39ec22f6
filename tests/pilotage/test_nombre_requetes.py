"""Query budgets of the main pages on generated data (``generer_donnees``) at two sizes.

The same requests are made on a small dataset (2 projects, 120 learners) and on a larger one
(5 projects, 600 learners): each page must run exactly the same number of SQL queries at both
sizes (no query per row, per learner or per project), and stay under a ceiling.
"""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conciergerie.models import Projet
from parcours.models import Apprenant
from tests.demo.test_generateur import generer

PETIT = ["--projets", "2", "--apprenants", "120", "--graine", "3", "--au", "2025-06-30"]
GRAND = ["--projets", "5", "--apprenants", "600", "--graine", "3", "--au", "2025-06-30", "--vider"]
PERIODE = "debut=2022-01-01&fin=2025-06-30"

# page -> ceiling (the same order as the existing budgets of tests/parcours and tests/recits)
PLAFONDS = {
    "liste des apprenants": 13,
    "liste filtrée et triée": 13,
    "liste, page 2": 13,
    "fiche d'un apprenant": 19,
    # + the breakdowns and targets of issue 17 (statuses and sex, obstacles, prescribers ×3,
    # sessions, eligibility ×2, the targets and three queries per period of targets): 31
    # measured on the generated data (a target per project and per funding, one period); + the
    # competence figures of issue 18 (evaluations, levels, AFEST steps, the blocs of a progression)
    # and the badges issued: 36
    "tableau de bord (coordinateur)": 36,
    # + for a funder, the dashboards over the targets' period, masked, which the targets' figures
    # agree with (pilotage.repartitions._etat_masque): the dashboard's eleven grouped queries
    "tableau de bord (financeur)": 47,
    # + the targets of the projects (issue 17: one query, three per period of targets; for a
    # funder, + eleven per period of targets, as above)
    "synthèse nationale": 35,
    "synthèse d'une Région": 35,
}


def _apprenant_le_plus_rempli(projet) -> Apprenant:
    """The learner of ``projet`` with the most paths, obstacles and récits (every prefetch runs)."""
    return (
        Apprenant.objects.filter(projet=projet)
        .annotate(np=Count("parcours", distinct=True), nf=Count("freins", distinct=True), nr=Count("recits", distinct=True))
        .order_by("-nr", "-np", "-nf", "pk")
        .first()
    )


def _requetes() -> dict[str, tuple[str, str]]:
    """page -> (username, url) on the current dataset."""
    projet = Projet.objects.order_by("nom").first()
    region = get_user_model().objects.filter(username__startswith="region-").annotate(n=Count("adhesions")).order_by("-n").first()
    liste = reverse("apprenant_list", args=[projet.pk])
    tableau = reverse("tableau_de_bord", args=[projet.pk])
    apprenant = _apprenant_le_plus_rempli(projet)
    return {
        "liste des apprenants": ("coord-001", liste),
        "liste filtrée et triée": ("coord-001", f"{liste}?type_etape=pre_qualification&qpv=oui&tri=-entree"),
        "liste, page 2": ("coord-001", f"{liste}?page=2"),
        "fiche d'un apprenant": ("coord-001", reverse("apprenant_detail", args=[projet.pk, apprenant.pk])),
        "tableau de bord (coordinateur)": ("coord-001", f"{tableau}?{PERIODE}"),
        "tableau de bord (financeur)": ("financeur-001", f"{tableau}?{PERIODE}"),
        "synthèse nationale": ("national", f"{reverse('synthese')}?{PERIODE}"),
        "synthèse d'une Région": (region.username, f"{reverse('synthese')}?{PERIODE}"),
    }


def _client(username) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _compter(clients, username, url) -> int:
    client = clients.setdefault(username, _client(username))
    assert client.get(url).status_code == 200  # warm-up: the session is written once
    with CaptureQueriesContext(connection) as requetes:
        assert client.get(url).status_code == 200
    return len(requetes.captured_queries)


def test_main_pages_run_the_same_queries_at_two_sizes(db, django_assert_num_queries):
    generer(*PETIT)
    clients: dict = {}
    petits = {page: _compter(clients, *requete) for page, requete in _requetes().items()}
    for page, nombre in petits.items():
        assert nombre <= PLAFONDS[page], f"{page} : {nombre} requêtes (plafond {PLAFONDS[page]})"

    generer(*GRAND)
    assert Apprenant.objects.count() == 600 and Projet.objects.count() == 5
    clients = {}
    for page, (username, url) in _requetes().items():
        client = clients.setdefault(username, _client(username))
        assert client.get(url).status_code == 200
        with django_assert_num_queries(petits[page]):
            reponse = client.get(url)
        assert reponse.status_code == 200, page


@pytest.mark.parametrize("taille", [PETIT, GRAND[:-1]])
def test_the_learner_page_shows_every_row_of_the_fullest_learner(db, taille):
    """The page measured above is a full one: paths, steps, obstacles and a récit."""
    generer(*taille)
    projet = Projet.objects.order_by("nom").first()
    apprenant = _apprenant_le_plus_rempli(projet)
    assert apprenant.np >= 1 and apprenant.nf >= 1 and apprenant.nr >= 1
    html = _client("coord-001").get(reverse("apprenant_detail", args=[projet.pk, apprenant.pk])).content.decode()
    assert apprenant.reference in html or apprenant.nom in html
    for etape in apprenant.parcours.first().etapes.all():
        assert reverse("etape_update", args=[projet.pk, etape.pk]) in html

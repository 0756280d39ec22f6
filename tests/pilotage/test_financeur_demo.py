"""The demo (``charger_demo``) as its funder reads it: aggregates only, no learner anywhere, no
« < 5 » for 5 people or more, the legend where « s » is used (tests/pilotage/aucune_ligne.py)."""

import pytest
from django.contrib.auth import get_user_model

from conciergerie.models import Projet
from pilotage.indicateurs import Periode
from recits.models import Copil

from .aucune_ligne import apprenants_de, pdf_du_comite, verifier_financeur, verifier_sans_personne


@pytest.fixture
def demo(demo_du_module, db, settings):
    settings.DEBUG = True


def test_the_demo_funders_pages_and_files_hold_no_learner(demo, login):
    financeur = get_user_model().objects.get(username="financeur")
    projets = list(Projet.objects.filter(adhesions__user=financeur))
    assert projets
    apprenants = apprenants_de(Projet.objects.all())
    assert len(apprenants) > 10
    debut = min(p.date_debut for p in projets)
    fin = max(c.periode_fin for c in Copil.objects.filter(projet__in=projets))
    verifier_financeur(login(financeur), financeur, projets, apprenants, Periode(debut, fin))


def test_the_demo_copil_report_for_the_committee_holds_no_learner(demo):
    copils = list(Copil.objects.select_related("projet"))
    assert copils
    apprenants = apprenants_de(Projet.objects.all())
    for copil in copils:
        verifier_sans_personne(pdf_du_comite(copil), apprenants)

"""Issue 18 in a real browser: a coordinator evaluates a learner on an AFEST step, traces the
AFEST's analysis, and reads the radar chart on the learner's page."""

import re

import pytest
from playwright.sync_api import expect

from competences.models import ComposanteAfest, NiveauEvaluation
from parcours.models import TypeEtape
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def afest():
    adhesion = f.AdhesionFactory(coordinateur=True, user__username="camille", projet__nom="Icifornie")
    projet = adhesion.projet
    etape = f.EtapeFactory(
        parcours__apprenant__projet=projet,
        parcours__apprenant__prenom="Hélène",
        parcours__apprenant__nom="Castagnet",
        type=TypeEtape.AFEST,
        intitule="Couture d'ameublement",
    )
    referentiel = f.ReferentielFactory(projet=projet, nom="Couture d'ameublement et tapisserie")
    bloc = f.BlocFactory(referentiel=referentiel, code="B1", libelle="Garnir")
    for i, libelle in enumerate(["Sangler", "Garnir en crin", "Coudre"], start=1):
        f.CompetenceFactory(bloc=bloc, code=f"C{i}", libelle=libelle, ordre=i)
    return etape


def test_coordinator_evaluates_traces_the_afest_and_reads_the_radar(connecter, afest):
    page = connecter("camille")
    page.set_default_timeout(10_000)
    page.get_by_role("link", name="Apprenants").click()
    page.get_by_role("link", name="Castagnet").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hélène Castagnet")

    page.get_by_role("link", name=re.compile("Évaluer les compétences")).click()
    page.get_by_role("link", name=re.compile("Couture d'ameublement et tapisserie")).click()
    page.get_by_label("Moment").select_option(label="Positionnement d'entrée")
    page.get_by_label("Évalué par").select_option(label="Tuteur")
    page.get_by_label("C1 — Sangler").select_option(label="1 — Non acquis")
    page.get_by_label("C2 — Garnir en crin").select_option(label="2 — En cours d'acquisition")
    page.get_by_role("button", name="Enregistrer").click()

    # on an AFEST step the evaluation is one of its four components: the others are missing
    expect(page.get_by_role("heading", level=1)).to_have_text("Traçabilité AFEST")
    expect(page.locator("#afest-manquantes")).to_contain_text(
        "Analyse de la situation de travail, Mise en situation de travail, Phase réflexive"
    )
    assert list(NiveauEvaluation.objects.order_by("competence__code").values_list("competence__code", "niveau")) == [("C1", 1), ("C2", 2)]

    page.get_by_role("link", name="Ajouter : Analyse de la situation de travail").click()
    page.get_by_label("Contenu").fill("La bergère Louis XV d'un client, du dégarnissage à la couverture.")
    page.get_by_label("Tuteur ou formateur").fill("Mme Dupouy, tapissière")
    page.get_by_label("C1 — Sangler").check()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("#afest-manquantes")).to_contain_text("Mise en situation de travail, Phase réflexive.")
    assert ComposanteAfest.objects.filter(type="analyse").get().competences.get().code == "C1"

    page.get_by_role("link", name="← Hélène Castagnet").click()
    radar = page.locator("svg.radar")
    expect(radar).to_be_visible()
    expect(radar.locator('circle[data-competence="C2"]')).to_have_attribute("data-niveau", "2")

"""A generated project of 24 learners (``generer_donnees``, the issue's size) as a funder reads
it: aggregates only, no learner anywhere, no « < 5 » for 5 people or more, the legend where
« s » is used (tests/pilotage/aucune_ligne.py)."""

from datetime import date as D
from io import StringIO

import pytest
from django.core.management import call_command

from conciergerie.models import Projet
from pilotage.indicateurs import Periode
from recits.models import Copil
from tests import factories as f
from tests.partage import lignes_partagees

from .aucune_ligne import apprenants_de, pdf_du_comite, verifier_financeur, verifier_sans_personne

AU = D(2025, 6, 30)


def generer():
    call_command("generer_donnees", "--projets", "1", "--apprenants", "24", "--graine", "11", "--au", AU.isoformat(), stdout=StringIO())
    projet = Projet.objects.get()
    financeur = f.AdhesionFactory(projet=projet, financeur=True, user__username="financeur-genere").user
    copil = Copil.objects.filter(projet=projet).first() or f.CopilFactory(projet=projet, periode_debut=projet.date_debut, periode_fin=AU)
    return {"projet": projet, "financeur": financeur, "copil": copil}


@pytest.fixture(scope="module")
def genere_du_module(django_db_setup, django_db_blocker):
    yield from lignes_partagees(django_db_blocker, generer)


@pytest.fixture
def genere(genere_du_module, db):
    return genere_du_module


def test_a_generated_projects_funder_pages_and_files_hold_no_learner(genere, login):
    projet = genere["projet"]
    apprenants = apprenants_de([projet])
    assert len(apprenants) == 24
    verifier_financeur(login(genere["financeur"]), genere["financeur"], [projet], apprenants, Periode(projet.date_debut, AU))


def test_a_generated_projects_copil_report_for_the_committee_holds_no_learner(genere):
    verifier_sans_personne(pdf_du_comite(genere["copil"]), apprenants_de([genere["projet"]]))


def test_the_search_finds_a_learner_in_the_coordinators_rendering(genere):
    """The control: the same search finds the references in the coordinators' rendering."""
    from django.template.loader import render_to_string

    from pilotage import pdf, rapports
    from pilotage.models import Destinataire

    from .aucune_ligne import texte_pdf

    copil = genere["copil"]
    html = render_to_string("pilotage/rapport_pdf.html", rapports.contexte_rapport(copil=copil, destinataire=Destinataire.COORDINATION))
    texte = texte_pdf(pdf.rendre_pdf(html))
    assert "Parcours marquants" in texte
    with pytest.raises(AssertionError, match="dans un document de financeur"):
        verifier_sans_personne(texte, apprenants_de([genere["projet"]]))

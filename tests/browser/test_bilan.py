"""An administrator generates the project's Excel bilan, waits until it is ready, downloads it."""

import io
import re
from datetime import date as D

import openpyxl
import pytest
from playwright.sync_api import expect

from pilotage import bilans
from pilotage.models import BilanExcel
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FEUILLES = [
    "Synthèse",
    "Apprenants",
    "Parcours et étapes",
    "Sorties et suivis à 6 mois",
    "Partenaires",
    "Financements et budget",
    "Dépenses",
    "Bénévolat",
    "Sessions et partage de valeur",
    "Séances et présences",
    "Compétences",
    "Répartitions",
    "Objectifs",
]


def test_un_administrateur_telecharge_le_bilan(connecter):
    adhesion = f.AdhesionFactory(administrateur=True, user__username="dominique", projet__nom="Icifornie", projet__date_debut=D(2024, 9, 1))
    for i in range(3):
        etape = f.EtapeFactory(parcours__apprenant__projet=adhesion.projet, parcours__apprenant__reference=f"ICI-{i}")
        f.SortieFactory(parcours=etape.parcours)
    f.DepenseFactory(ligne__financement=f.FinancementFactory(projet=adhesion.projet))
    page = connecter("dominique")

    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Bilans").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bilans Excel — Icifornie")
    expect(page.get_by_text("Aucun bilan n'a encore été généré pour ce projet.")).to_be_visible()
    page.get_by_label(re.compile(r"^Du\b")).fill("2025-01-01")
    page.get_by_label(re.compile(r"^au\b")).fill("2025-12-31")
    page.get_by_role("button", name="Générer le bilan").click()

    bilan = page.locator("#bilans .bilan").first
    expect(bilan.get_by_role("status")).to_contain_text("Prêt")
    expect(bilan).to_contain_text("Période du 1er janvier 2025 au 31 décembre 2025 · apprenants pseudonymisés")
    with page.expect_download() as telechargement:
        bilan.get_by_role("link", name="Télécharger le fichier Excel").click()
    fichier = telechargement.value
    assert fichier.suggested_filename.startswith("bilan-icifornie-20250101-20251231-")
    classeur = openpyxl.load_workbook(io.BytesIO(fichier.path().read_bytes()))  # the saved file has no extension
    assert classeur.sheetnames == FEUILLES
    references = [ligne[0] for ligne in classeur["Apprenants"].iter_rows(min_row=2, values_only=True)]
    assert references == ["ICI-0", "ICI-1", "ICI-2"]
    assert BilanExcel.objects.get().demande_par == adhesion.user


def test_la_page_suit_un_bilan_en_attente_jusqu_a_pret(connecter):
    """With a real worker the job is still waiting when the page shows: htmx polls its status
    every 2 s and swaps in "Prêt" and the download link once the worker (here the test) is done."""
    adhesion = f.AdhesionFactory(coordinateur=True, user__username="camille", projet__nom="Icifornie")
    bilan = f.BilanExcelFactory(projet=adhesion.projet, demande_par=adhesion.user)
    page = connecter("camille")
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Bilans").click()
    statut = page.locator(f"#bilan-{bilan.pk}")
    expect(statut.get_by_role("status")).to_contain_text("En attente")
    expect(statut.get_by_role("link", name="Télécharger le fichier Excel")).to_have_count(0)

    bilans.generer_bilan(bilan_id=bilan.pk)  # what the worker does

    expect(statut.get_by_role("status")).to_contain_text("Prêt", timeout=10_000)
    with page.expect_download() as telechargement:
        statut.get_by_role("link", name="Télécharger le fichier Excel").click()
    assert openpyxl.load_workbook(io.BytesIO(telechargement.value.path().read_bytes())).sheetnames == FEUILLES

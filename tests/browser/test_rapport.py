"""A coordinator generates the COPIL report in a real browser, waits for it and downloads the PDF."""

import io
from datetime import date as D
from pathlib import Path

import pypdf
import pytest
from playwright.sync_api import expect

from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_generates_and_downloads_the_copil_report(connecter):
    adhesion = f.AdhesionFactory(coordinateur=True, user__username="gilles", projet__nom="Icifornie")
    projet = adhesion.projet
    for i in range(6):
        f.ApprenantFactory(projet=projet, nom=f"Confidentiel{i}")
    f.RecitFactory(projet=projet, copil=True, titre="Louise, notre bêta-testeuse", date=D(2025, 3, 10))
    f.CopilFactory(projet=projet, date=D(2025, 7, 22), lieu="Mugron", periode_debut=D(2024, 9, 1), periode_fin=D(2025, 6, 30))

    page = connecter("gilles")
    page.set_default_timeout(20_000)
    page.get_by_role("link", name="COPIL", exact=True).click()
    page.get_by_role("link", name="COPIL du 22/07/2025").click()
    page.get_by_role("button", name="Générer le rapport").click()

    statut = page.locator(".rapport").first
    expect(statut).to_contain_text("Prêt")
    with page.expect_download() as attente:
        statut.get_by_role("link", name="Télécharger le PDF").click()
    telechargement = attente.value
    assert telechargement.suggested_filename.endswith(".pdf")
    contenu = Path(telechargement.path()).read_bytes()
    assert contenu.startswith(b"%PDF-")
    texte = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(contenu)).pages)
    assert "Icifornie" in texte and "Louise, notre bêta-testeuse" in texte
    assert "Confidentiel" not in texte

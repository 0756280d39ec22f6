"""A coordinator generates the COPIL report in a real browser, waits for it and downloads the PDF."""

import io
from datetime import date as D
from pathlib import Path

import pypdf
import pytest
from playwright.sync_api import expect

from conciergerie.formats import date_heure
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
    page.get_by_role("link", name="COPIL du 22 juil. 2025").click()
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


def test_generer_is_disabled_while_a_report_is_in_flight_and_comes_back_when_it_ends(connecter):
    """The page renders the button disabled with why; the status polled by htmx brings it back
    (out of band) once the report is ready, without reloading the page nor any htmx error."""
    from django.utils import timezone

    from pilotage.models import RapportCopil, StatutJob

    adhesion = f.AdhesionFactory(coordinateur=True, user__username="gilles", projet__nom="Icifornie")
    copil = f.CopilFactory(projet=adhesion.projet, date=D(2025, 7, 22), periode_debut=D(2024, 9, 1), periode_fin=D(2025, 6, 30))
    maintenant = timezone.now()
    rapport = f.RapportCopilFactory(copil=copil, statut=StatutJob.EN_COURS, progression=40, debut=maintenant, battement=maintenant)

    page = connecter("gilles")
    page.set_default_timeout(20_000)
    erreurs = []
    page.on("console", lambda message: message.type == "error" and erreurs.append(message.text))
    page.get_by_role("link", name="COPIL", exact=True).click()
    page.get_by_role("link", name="COPIL du 22 juil. 2025").click()
    bouton = page.get_by_role("button", name="Générer le rapport")
    expect(bouton).to_be_disabled()
    expect(bouton).to_have_accessible_description(
        "Un rapport de ce COPIL, demandé le " + date_heure(rapport.cree_le) + ", est en préparation : "
        "vous pourrez en demander un autre quand il sera prêt."
    )
    page.evaluate("window.__marqueur = 1")

    RapportCopil.objects.filter(pk=rapport.pk).update(statut=StatutJob.PRET, progression=100, fin=timezone.now())  # the worker ends
    expect(page.locator(".rapport").first).to_contain_text("Prêt")
    expect(bouton).to_be_enabled()
    assert page.evaluate("window.__marqueur") == 1, "mis à jour sans recharger la page"
    assert erreurs == []

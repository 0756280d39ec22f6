"""An administrator exports everything held on a learner, then anonymises them, from the UI."""

import io
import json
import zipfile

import pytest
from playwright.sync_api import expect

from conciergerie.models import ActionAcces, JournalAcces
from parcours.models import Apprenant
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_un_administrateur_exporte_puis_anonymise_un_apprenant(connecter):
    adhesion = f.AdhesionFactory(administrateur=True, user__username="dominique", projet__nom="Icifornie")
    apprenant = f.ApprenantFactory(projet=adhesion.projet, prenom="Zéphyrine", nom="Quenouille", reference="ICI-7")
    f.EtapeFactory(parcours__apprenant=apprenant)
    page = connecter("dominique")

    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Apprenants").click()
    page.get_by_role("link", name="Quenouille Zéphyrine").click()
    with page.expect_download() as telechargement:
        page.get_by_role("link", name="Exporter toutes ses données (ZIP : JSON et HTML)").click()
    with zipfile.ZipFile(io.BytesIO(telechargement.value.path().read_bytes())) as archive:
        donnees = json.loads(archive.read("donnees.json"))
    assert donnees["tables"]["parcours.apprenant"]["lignes"][0]["nom"] == "Quenouille"

    page.get_by_role("link", name="Anonymiser cet apprenant").click()
    expect(page.get_by_role("heading", name="Ce qui restera")).to_be_visible()
    page.get_by_label("Je confirme l'anonymisation définitive").check()
    page.get_by_role("button", name="Anonymiser définitivement").click()

    expect(page.get_by_text("L'apprenant est anonymisé.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Anonyme {apprenant.pk}")
    assert Apprenant.objects.get(pk=apprenant.pk).reference == f"ANONYME-{apprenant.pk}"

    page.get_by_role("link", name="Qui a consulté ce dossier").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Journal des accès aux données personnelles")
    expect(page.get_by_role("cell", name="Export des données d'un apprenant téléchargé")).to_be_visible()
    assert JournalAcces.objects.filter(action=ActionAcces.FICHE_APPRENANT, objet_id=apprenant.pk).count() >= 2

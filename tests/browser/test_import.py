"""An administrator imports learners: a file with errors, then the fixed file, then confirms."""

import pytest
from playwright.sync_api import expect

from parcours.models import Apprenant
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ENTETES = "Référence;Prénom;Nom;Date de naissance;Situation à l'entrée;Prescripteur;QPV"


def _csv(*lignes) -> dict:
    texte = "\r\n".join([ENTETES, *lignes]) + "\r\n"
    return {"name": "apprenants.csv", "mimeType": "text/csv", "buffer": ("\ufeff" + texte).encode("utf-8")}


def test_un_administrateur_importe_des_apprenants(connecter):
    adhesion = f.AdhesionFactory(administrateur=True, user__username="dominique", projet__nom="Icifornie")
    f.OrganisationFactory(projet=adhesion.projet, nom="Mission Locale des Landes")
    page = connecter("dominique")

    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Imports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Imports")
    page.get_by_role("link", name="Importer : apprenants").click()

    # a file with errors: each is listed with its line and column, nothing can be confirmed
    page.get_by_label("Fichier à importer").set_input_files(
        _csv(
            "IMP-001;Léa;Marchand;12/04/1998;Demandeur d'emploi;Mission Locale des Landes;oui",
            "IMP-002;Hugo;;31/02/2001;chômeur;Pôle Nord;non",
        )
    )
    page.get_by_role("button", name="Vérifier le fichier").click()
    expect(page.get_by_role("alert")).to_contain_text("4 erreurs : rien ne sera importé.")
    erreurs = page.get_by_role("table", name="Erreurs")
    expect(erreurs.get_by_role("row")).to_have_count(5)
    ligne_3 = erreurs.get_by_role("row").filter(has_text="Date de naissance")
    expect(ligne_3).to_contain_text("3")
    expect(ligne_3).to_contain_text("Date invalide « 31/02/2001 »")
    expect(erreurs).to_contain_text("Valeur obligatoire manquante.")
    expect(erreurs).to_contain_text("Organisation inconnue dans ce projet : « Pôle Nord »")
    expect(page.get_by_role("button", name="Confirmer l'import", exact=False)).to_have_count(0)

    # the fixed file: the dry run shows what will be created, still nothing written
    page.get_by_label("Fichier à importer").set_input_files(
        _csv(
            "IMP-001;Léa;Marchand;12/04/1998;Demandeur d'emploi;Mission Locale des Landes;oui",
            "IMP-002;Hugo;Dupuy;28/02/2001;Bénéficiaire du RSA;;non",
        )
    )
    page.get_by_role("button", name="Vérifier le fichier").click()
    expect(page.get_by_role("heading", name="Vérification de « apprenants.csv »")).to_be_visible()
    expect(page.locator(".chiffres div", has_text="À créer").locator("dd")).to_have_text("2")
    expect(page.get_by_role("table", name="Lignes du fichier")).to_contain_text("Hugo Dupuy")
    assert not Apprenant.objects.exists()

    page.get_by_role("button", name="Confirmer l'import (2 lignes)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Apprenants")
    expect(page.get_by_text("Import terminé (apprenants) : 2 créé(s), 0 modifié(s), 0 inchangé(s).")).to_be_visible()
    expect(page.get_by_role("link", name="Marchand", exact=False).first).to_be_visible()
    expect(page.get_by_role("link", name="Dupuy", exact=False).first).to_be_visible()
    assert set(Apprenant.objects.values_list("reference", flat=True)) == {"IMP-001", "IMP-002"}

"""An administrator enters a whole cohort — 24 learners with their path, step and outcome — with
one file through the import page, and the dashboard counts them (issue 16)."""

import pytest
from playwright.sync_api import expect

from parcours.models import Sortie
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ENTETES = (
    "Référence;Prénom;Nom;Situation à l'entrée;Date d'entrée;Objectif du parcours;Début du parcours;Type d'étape;"
    "Organisation de l'étape;Début de l'étape;Fin de l'étape;Heures prévues;Heures réalisées;Statut de l'étape;"
    "Date de sortie;Résultat de sortie"
)


def cohorte(organisation: str = "École de la deuxième chance") -> dict:
    """24 young people, the same 6-month remobilisation at ``organisation``, out the same day."""
    lignes = [
        f"COH-{i:02d};Prénom{i};Nom{i};Jeune NEET (ni en emploi, ni en études, ni en formation);06/01/2025;Remobilisation;"
        f"06/01/2025;Remobilisation;{organisation};06/01/2025;04/07/2025;600;600;Terminée;04/07/2025;"
        + ("Formation qualifiante" if i % 2 else "Emploi de transition")
        for i in range(1, 25)
    ]
    texte = "\r\n".join([ENTETES, *lignes]) + "\r\n"
    return {"name": "cohorte.csv", "mimeType": "text/csv", "buffer": ("\ufeff" + texte).encode("utf-8")}


def test_une_cohorte_de_24_apprenants_en_un_fichier_et_le_tableau_de_bord_en_compte_24(connecter):
    adhesion = f.AdhesionFactory(administrateur=True, user__username="dominique", projet__nom="Icifornie")
    f.OrganisationFactory(projet=adhesion.projet, nom="École de la deuxième chance")
    page = connecter("dominique")

    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Imports").click()
    page.get_by_role("link", name="Importer : apprenants").click()
    page.get_by_label("Fichier à importer").set_input_files(cohorte())
    page.get_by_role("button", name="Vérifier le fichier").click()
    expect(page.locator(".chiffres div", has_text="À créer").locator("dd")).to_have_text("24")
    assert not Sortie.objects.exists()

    page.get_by_role("button", name="Confirmer l'import (24 lignes)").click()
    expect(page.get_by_text("Import terminé (apprenants) : 24 créé(s), 0 modifié(s), 0 inchangé(s).")).to_be_visible()

    page.get_by_role("link", name="Tableau de bord").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tableau de bord")
    expect(page.locator("[data-indicateur=accompagnes]")).to_have_text("24")
    expect(page.locator("[data-indicateur=sortis]")).to_have_text("24")

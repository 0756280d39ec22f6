"""The paths and steps lists (parcours/views_listes.py): filters, scoping, downloads read back
with the bilans' personal-data rules, constant queries."""

from datetime import date

import pytest

from conciergerie.models import JournalAcces
from parcours.models import StatutEtape, StatutParcours
from tests import factories as f
from tests.exports_outils import lire_csv, lire_xlsx, requetes, telecharger

pytestmark = pytest.mark.django_db


@pytest.fixture
def donnees(cabinet):
    projet, of = cabinet["projet"], cabinet["of"]
    helene = f.ApprenantFactory(projet=projet, nom="Dupré", prenom="Hélène", reference="REF-H")
    marc = f.ApprenantFactory(projet=projet, nom="Martin", prenom="Marc", reference="REF-M")
    p1 = f.ParcoursFactory(apprenant=helene, projet=projet, intitule="Soudeuse", date_debut=date(2025, 2, 1))
    p2 = f.ParcoursFactory(apprenant=marc, projet=projet, intitule="Cariste", date_debut=date(2024, 10, 1), cloture=True)
    e1 = f.EtapeFactory(parcours=p1, projet=projet, organisation=of, certifiante=True, date_debut=date(2025, 3, 1))
    e2 = f.EtapeFactory(parcours=p2, projet=projet, organisation=cabinet["tiers_lieu"], bloquee=True, date_debut=date(2024, 11, 1))
    # another project's rows: never shown
    autre = f.ApprenantFactory(nom="Dupré", prenom="Hélène", reference="REF-AILLEURS")
    ailleurs = f.ParcoursFactory(apprenant=autre, projet=autre.projet, intitule="Soudeuse")
    f.EtapeFactory(parcours=ailleurs, projet=autre.projet, certifiante=True)
    return {**cabinet, "p1": p1, "p2": p2, "e1": e1, "e2": e2}


def test_parcours_list_filters_without_accents_and_scoped(donnees):
    client, projet = donnees["client"], donnees["projet"]
    page = telecharger(client, "parcours_list", projet)
    assert page.status_code == 200
    assert {p.pk for p in page.context["parcours_liste"]} == {donnees["p1"].pk, donnees["p2"].pk}
    page = telecharger(client, "parcours_list", projet, q="helene")
    assert [p.pk for p in page.context["parcours_liste"]] == [donnees["p1"].pk]
    page = telecharger(client, "parcours_list", projet, statut=StatutParcours.CLOTURE)
    assert [p.pk for p in page.context["parcours_liste"]] == [donnees["p2"].pk]
    page = telecharger(client, "parcours_list", projet, debut_apres="2025-01-01")
    assert [p.pk for p in page.context["parcours_liste"]] == [donnees["p1"].pk]
    page = telecharger(client, "parcours_list", projet, organisation=donnees["tiers_lieu"].pk)
    assert [p.pk for p in page.context["parcours_liste"]] == [donnees["p2"].pk]
    assert "organisation=" in page.context["export_csv"]


def test_parcours_csv_same_rows_pseudonymised_for_coordinator(donnees):
    lignes = lire_csv(telecharger(donnees["client"], "parcours_list", donnees["projet"], q="soudeuse", format="csv"))
    assert lignes[0][0] == "Référence de l'apprenant" and "Nom" not in lignes[0]
    assert [ligne[0] for ligne in lignes[1:]] == ["REF-H"]
    assert "Dupré" not in str(lignes) and "01/02/2025" in lignes[1]
    assert not JournalAcces.objects.filter(projet=donnees["projet"]).exists()


def test_parcours_xlsx_for_admin_names_and_logged(donnees, login):
    admin = f.AdhesionFactory(projet=donnees["projet"], administrateur=True).user
    lignes = lire_xlsx(telecharger(login(admin), "parcours_list", donnees["projet"], format="xlsx"))
    assert sorted(ligne["Nom"] for ligne in lignes) == ["Dupré", "Martin"]
    soudeuse = next(ligne for ligne in lignes if ligne["Objectif"] == "Soudeuse")
    assert soudeuse["Début"].date() == date(2025, 2, 1) and soudeuse["Étapes"] == 1
    assert JournalAcces.objects.filter(projet=donnees["projet"]).count() == 1


def test_partner_sees_and_downloads_only_its_rows(donnees, login):
    client = login(donnees["partenaire"])
    page = telecharger(client, "parcours_list", donnees["projet"])
    assert [p.pk for p in page.context["parcours_liste"]] == [donnees["p1"].pk]
    lignes = lire_csv(telecharger(client, "etape_list", donnees["projet"], format="csv"))
    assert [ligne[0] for ligne in lignes[1:]] == ["REF-H"]
    assert "Motif (blocage ou abandon)" not in lignes[0]


def test_etape_list_filters_and_csv(donnees):
    client, projet = donnees["client"], donnees["projet"]
    page = telecharger(client, "etape_list", projet, statut=StatutEtape.BLOQUEE)
    assert [e.pk for e in page.context["etapes"]] == [donnees["e2"].pk]
    page = telecharger(client, "etape_list", projet, q="RNCP37873")
    assert [e.pk for e in page.context["etapes"]] == [donnees["e1"].pk]
    lignes = lire_csv(telecharger(client, "etape_list", projet, type="formation_certifiante", format="csv"))
    entete = lignes[0]
    assert len(lignes) == 2
    ligne = dict(zip(entete, lignes[1], strict=True))
    assert ligne["Référence de l'apprenant"] == "REF-H" and ligne["Organisation"] == "Greta" and ligne["Code RNCP/RS"] == "RNCP37873"
    assert "Motif (blocage ou abandon)" not in entete


def test_etape_xlsx_for_admin_holds_the_reason(donnees, login):
    admin = f.AdhesionFactory(projet=donnees["projet"], administrateur=True).user
    lignes = lire_xlsx(telecharger(login(admin), "etape_list", donnees["projet"], statut="bloquee", format="xlsx"))
    assert [ligne["Motif (blocage ou abandon)"] for ligne in lignes] == ["Numéro de sécurité sociale provisoire"]


@pytest.mark.parametrize("nom", ["parcours_list", "etape_list"])
def test_query_count_constant(donnees, nom):
    client, projet = donnees["client"], donnees["projet"]
    requetes(client, nom, projet)  # the first page of the session writes it
    avant_page, avant_csv = requetes(client, nom, projet), requetes(client, nom, projet, format="csv")
    for _ in range(4):
        e = f.EtapeFactory(projet=projet, parcours__projet=projet, parcours__apprenant__projet=projet, organisation=donnees["of"])
        assert e.parcours.projet_id == projet.pk
    assert requetes(client, nom, projet) == avant_page
    assert requetes(client, nom, projet, format="csv") == avant_csv


def test_refused_filter_shows_its_message_and_no_row(donnees):
    client, projet = donnees["client"], donnees["projet"]
    page = telecharger(client, "etape_list", projet, debut_apres="31/02/2025", statut="bloquee")
    assert page.context["paginator"].count == 0
    assert "Saisissez une date valide." in page.content.decode()
    assert lire_csv(telecharger(client, "etape_list", projet, debut_apres="31/02/2025", format="csv"))[1:] == []

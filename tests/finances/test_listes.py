"""The expenses and volunteer-time lists (finances/views_listes.py): filters, scoping (a funder:
its fundings' expenses, no named volunteer rows), downloads read back, constant queries."""

from datetime import date
from decimal import Decimal

import pytest

from conciergerie.models import JournalAcces
from tests import factories as f
from tests.exports_outils import lire_csv, lire_xlsx, requetes, telecharger

pytestmark = pytest.mark.django_db


@pytest.fixture
def finances(login):
    coord = f.AdhesionFactory(coordinateur=True)
    projet = coord.projet
    region = f.FinancementFactory(projet=projet, intitule="Région Occitanie")
    fondation = f.FinancementFactory(projet=projet, intitule="Fondation")
    financeur = f.AdhesionFactory(projet=projet, role="financeur", organisation=region.financeur).user
    ligne_r = f.LigneBudgetFactory(financement=region, libelle="Coordination")
    ligne_f = f.LigneBudgetFactory(financement=fondation, ingenierie=True)
    d1 = f.DepenseFactory(ligne=ligne_r, libelle="Salaire équipe", montant=Decimal("1234.56"), date=date(2025, 3, 1))
    d2 = f.DepenseFactory(ligne=ligne_f, libelle="Étude", montant=Decimal("800.00"), date=date(2025, 5, 1), avec_justificatif=True)
    f.DepenseFactory(libelle="Salaire équipe")  # another project
    t1 = f.TempsBenevoleFactory(projet=projet, personne="Hélène Roux", activite="Accueil", financement=region, heures=Decimal("2.50"))
    t2 = f.TempsBenevoleFactory(projet=projet, personne="Marc Petit", activite="Atelier CV", donne_en_plus=True)
    f.TempsBenevoleFactory(personne="Hélène Roux")  # another project
    return {
        "projet": projet,
        "client": login(coord.user),
        "financeur": financeur,
        "d1": d1,
        "d2": d2,
        "t1": t1,
        "t2": t2,
        "region": region,
    }


def test_depenses_filtered_and_csv_read_back(finances):
    client, projet = finances["client"], finances["projet"]
    page = telecharger(client, "depense_list", projet)
    assert {d.pk for d in page.context["depenses"]} == {finances["d1"].pk, finances["d2"].pk}
    page = telecharger(client, "depense_list", projet, q="salaire equipe")
    assert [d.pk for d in page.context["depenses"]] == [finances["d1"].pk]
    page = telecharger(client, "depense_list", projet, justificatif="oui")
    assert [d.pk for d in page.context["depenses"]] == [finances["d2"].pk]
    page = telecharger(client, "depense_list", projet, categorie="ingenierie", du="2025-04-01")
    assert [d.pk for d in page.context["depenses"]] == [finances["d2"].pk]
    lignes = lire_csv(telecharger(client, "depense_list", projet, q="salaire", format="csv"))
    ligne = dict(zip(lignes[0], lignes[1], strict=True))
    assert len(lignes) == 2
    assert ligne["Montant (€)"] == "1234,56" and ligne["Date"] == "01/03/2025" and ligne["Financement"] == "Région Occitanie"
    assert ligne["Justificatif"] == "non"


def test_funder_reads_its_fundings_expenses_only(finances, login):
    client = login(finances["financeur"])
    page = telecharger(client, "depense_list", finances["projet"])
    assert [d.pk for d in page.context["depenses"]] == [finances["d1"].pk]
    assert [str(c) for c in page.context["filter"].form.fields["financement"].queryset] == [str(finances["region"])]
    lignes = lire_xlsx(telecharger(client, "depense_list", finances["projet"], format="xlsx"))
    assert [ligne["Libellé"] for ligne in lignes] == ["Salaire équipe"]
    assert lignes[0]["Montant (€)"] == pytest.approx(1234.56)


def test_funder_gets_403_on_named_volunteer_rows(finances, login):
    client = login(finances["financeur"])
    for params in ({}, {"format": "csv"}, {"format": "xlsx"}):
        reponse = telecharger(client, "benevolat_list", finances["projet"], **params)
        assert reponse.status_code == 403
        assert "réservé à la conciergerie" in reponse.content.decode()


def test_benevolat_list_and_pseudonymised_export(finances):
    client, projet = finances["client"], finances["projet"]
    page = telecharger(client, "benevolat_list", projet, q="helene")
    assert [t.pk for t in page.context["temps"]] == [finances["t1"].pk]
    assert "Hélène Roux" in page.content.decode()  # the page shows the name to the coordinator
    page = telecharger(client, "benevolat_list", projet, valorise="non")
    assert [t.pk for t in page.context["temps"]] == [finances["t2"].pk]
    lignes = lire_csv(telecharger(client, "benevolat_list", projet, format="csv"))
    assert "Bénévole" not in lignes[0] and "Hélène" not in str(lignes)
    assert sorted(ligne[lignes[0].index("Activité")] for ligne in lignes[1:]) == ["Accueil", "Atelier CV"]
    accueil = next(dict(zip(lignes[0], ligne, strict=True)) for ligne in lignes[1:] if "Accueil" in ligne)
    assert accueil["Heures"] == "2,50" and accueil["Valorisation (€)"] == "37,50" and accueil["Valorisé"] == "oui"
    assert not JournalAcces.objects.filter(projet=projet).exists()


def test_benevolat_export_for_admin_names_and_logged(finances, login):
    admin = f.AdhesionFactory(projet=finances["projet"], administrateur=True).user
    lignes = lire_xlsx(telecharger(login(admin), "benevolat_list", finances["projet"], format="xlsx"))
    assert sorted(ligne["Bénévole"] for ligne in lignes) == ["Hélène Roux", "Marc Petit"]
    assert JournalAcces.objects.filter(projet=finances["projet"]).count() == 1


@pytest.mark.parametrize("nom", ["depense_list", "benevolat_list"])
def test_query_count_constant(finances, nom):
    client, projet = finances["client"], finances["projet"]
    requetes(client, nom, projet)
    avant_page, avant_csv = requetes(client, nom, projet), requetes(client, nom, projet, format="csv")
    for _ in range(4):
        f.DepenseFactory(ligne=finances["d1"].ligne)
        f.TempsBenevoleFactory(projet=projet, financement=finances["region"], organisation=f.OrganisationFactory(projet=projet))
    assert requetes(client, nom, projet) == avant_page
    assert requetes(client, nom, projet, format="csv") == avant_csv


def test_funder_cannot_filter_by_another_funders_funding(finances, login):
    """A funding the funder does not see is not a choice: refused with a French message, no row."""
    fondation = finances["d2"].ligne.financement
    page = telecharger(login(finances["financeur"]), "depense_list", finances["projet"], financement=fondation.pk)
    assert page.context["paginator"].count == 0
    assert "Sélectionnez un choix valide" in page.content.decode()
    lignes = lire_csv(telecharger(login(finances["financeur"]), "depense_list", finances["projet"], financement=fondation.pk, format="csv"))
    assert lignes[1:] == []

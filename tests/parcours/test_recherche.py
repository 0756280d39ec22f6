"""The global search (parcours/recherche.py): grouped, capped, accent-insensitive, scoped by
role, in a constant number of queries; the header's form."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parcours.recherche import LIMITE
from tests import factories as f

pytestmark = pytest.mark.django_db


def _chercher(client, projet, **params):
    return client.get(reverse("recherche", args=[projet.pk]), params)


def _groupes(reponse) -> dict:
    assert reponse.status_code == 200
    return {g.cle: g for g in reponse.context["groupes"]}


@pytest.fixture
def annuaire(cabinet):
    projet, of = cabinet["projet"], cabinet["of"]
    helene = f.ApprenantFactory(projet=projet, prenom="Hélène", nom="Lefèvre", reference="REF-1")
    f.EtapeFactory(parcours__apprenant=helene, parcours__projet=projet, projet=projet, organisation=of)
    f.ApprenantFactory(projet=projet, prenom="Helene", nom="Autre", reference="REF-2")  # no step at the OF
    f.ContactFactory(organisation=of, prenom="Hélène", nom="Garnier", fonction="Conseillère")
    f.OrganisationFactory(projet=projet, nom="Hélène Médiation", commune="Foix")
    f.SessionFormationFactory(projet=projet, organisation=of, intitule="Soudure Hélène")
    f.SessionFormationFactory(projet=projet, intitule="Hélène hors OF")
    # another project: never found
    ailleurs = f.ApprenantFactory(prenom="Hélène", nom="Lefèvre")
    f.ContactFactory(organisation__projet=ailleurs.projet, prenom="Hélène")
    f.OrganisationFactory(projet=ailleurs.projet, nom="Hélène Ailleurs")
    return cabinet


def test_coordinator_finds_every_kind_accents_and_case_ignored(annuaire):
    groupes = _groupes(_chercher(annuaire["client"], annuaire["projet"], q="HELENE"))
    assert list(groupes) == ["apprenants", "organisations", "contacts", "sessions"]
    assert sorted(r.libelle for r in groupes["apprenants"].resultats) == ["Helene Autre", "Hélène Lefèvre"]
    assert [r.libelle for r in groupes["organisations"].resultats] == ["Hélène Médiation"]
    assert [r.libelle for r in groupes["contacts"].resultats] == ["Hélène Garnier"]
    assert sorted(r.libelle for r in groupes["sessions"].resultats) == ["Hélène hors OF", "Soudure Hélène"]
    assert groupes["apprenants"].total == 2 and not groupes["apprenants"].voir_tout
    # several words: each must match (in any field)
    groupes = _groupes(_chercher(annuaire["client"], annuaire["projet"], q="lefevre helene"))
    assert [r.libelle for r in groupes["apprenants"].resultats] == ["Hélène Lefèvre"]
    assert groupes["organisations"].total == 0


def test_partner_finds_what_its_role_sees(annuaire, login):
    groupes = _groupes(_chercher(login(annuaire["partenaire"]), annuaire["projet"], q="helene"))
    assert [r.libelle for r in groupes["apprenants"].resultats] == ["Hélène Lefèvre"]
    assert [r.libelle for r in groupes["sessions"].resultats] == ["Soudure Hélène"]
    assert [r.libelle for r in groupes["contacts"].resultats] == ["Hélène Garnier"]


def test_funder_has_no_search_and_no_header_form(annuaire, login):
    financeur = f.AdhesionFactory(projet=annuaire["projet"], financeur=True).user
    client = login(financeur)
    assert _chercher(client, annuaire["projet"], q="helene").status_code == 403
    accueil = client.get(reverse("projet_accueil", args=[annuaire["projet"].pk])).content.decode()
    assert 'class="recherche-globale"' not in accueil


def test_header_form_on_project_pages(annuaire):
    page = annuaire["client"].get(reverse("projet_accueil", args=[annuaire["projet"].pk])).content.decode()
    assert 'role="search" aria-label="Recherche globale"' in page
    assert f'action="{reverse("recherche", args=[annuaire["projet"].pk])}"' in page
    assert '<label for="recherche-globale" class="sr-only">' in page


def test_groups_capped_with_a_link_to_the_filtered_list(cabinet):
    projet = cabinet["projet"]
    for i in range(LIMITE + 3):
        f.ApprenantFactory(projet=projet, nom=f"Martin{i:02d}", reference=f"R{i}")
        f.ContactFactory(organisation=cabinet["of"], nom=f"Martin{i:02d}")
    groupes = _groupes(_chercher(cabinet["client"], projet, q="martin"))
    assert len(groupes["apprenants"].resultats) == LIMITE and groupes["apprenants"].total == LIMITE + 3
    lien = groupes["apprenants"].voir_tout
    assert lien.startswith(reverse("apprenant_list", args=[projet.pk])) and "q=martin" in lien
    # the list it leads to holds the same learners
    liste = cabinet["client"].get(lien)
    assert liste.context["paginator"].count == LIMITE + 3
    # contacts have no list page: the search shows all of them, paginated
    lien = groupes["contacts"].voir_tout
    assert "type=contacts" in lien
    page = cabinet["client"].get(lien)
    assert page.context["paginator"].count == LIMITE + 3 and len(page.context["resultats"]) == LIMITE + 3


def test_sessions_link_filters_the_sessions_list(annuaire):
    liste = annuaire["client"].get(reverse("sessionformation_list", args=[annuaire["projet"].pk]), {"q": "soudure helene"})
    assert [s.intitule for s in liste.context["sessions"]] == ["Soudure Hélène"]


def test_short_query_asks_for_more(cabinet):
    reponse = _chercher(cabinet["client"], cabinet["projet"], q="a")
    assert reponse.status_code == 200 and "groupes" not in reponse.context
    assert "Saisissez au moins 2 caractères." in reponse.content.decode()


def test_htmx_returns_the_results_only(annuaire):
    reponse = annuaire["client"].get(reverse("recherche", args=[annuaire["projet"].pk]), {"q": "helene"}, headers={"HX-Request": "true"})
    contenu = reponse.content.decode()
    assert "Hélène Lefèvre" in contenu and "<html" not in contenu


def test_query_count_constant(cabinet):
    projet, client = cabinet["projet"], cabinet["client"]

    def compter():
        with CaptureQueriesContext(connection) as capture:
            assert _chercher(client, projet, q="martin").status_code == 200
        return len(capture.captured_queries)

    f.ApprenantFactory(projet=projet, nom="Martin")
    compter()  # the first page of the session writes it
    avant = compter()
    for i in range(LIMITE + 5):
        f.ApprenantFactory(projet=projet, nom=f"Martin {i}")
        f.ContactFactory(organisation=cabinet["of"], nom="Martin")
        f.SessionFormationFactory(projet=projet, intitule=f"Martin {i}")
        f.OrganisationFactory(projet=projet, nom=f"Martin {i}")
    assert compter() == avant

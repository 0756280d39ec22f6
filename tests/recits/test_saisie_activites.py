"""Activités: list (filters, query budget), page (volunteer time: named lines for the
conciergerie, totals only for the funder), create and edit, volunteer time logged against them."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from finances.models import TempsBenevole
from recits.models import Activite, TypeActivite
from tests import factories as f

pytestmark = pytest.mark.django_db


def _url(name, monde, *args):
    return reverse(name, args=[monde["A"].pk, *args])


def _coord(monde, login):
    return login(monde["users"]["coordinateur"])


def _donnees(**kw):
    data = {"type": "atelier", "intitule": "Atelier CV", "date": "2025-05-12", "lieu": "La Smalah", "nb_participants": "9"}
    data.update(kw)
    return data


def _activite_avec_benevoles(monde):
    activite = f.ActiviteFactory(projet=monde["A"], intitule="Forum de l'emploi", type=TypeActivite.EVENEMENT)
    activite.temps_benevoles.add(
        f.TempsBenevoleFactory(projet=monde["A"], personne="Josiane Dupré", heures=Decimal("3.00"), taux_horaire=Decimal("15.00")),
        f.TempsBenevoleFactory(projet=monde["A"], personne="Marcel Orteil", heures=Decimal("2.50"), taux_horaire=Decimal("15.00")),
        f.TempsBenevoleFactory(projet=monde["A"], personne="Paule Enplus", heures=Decimal("2.00"), donne_en_plus=True),
    )
    # a line of the project not logged against this activity
    f.TempsBenevoleFactory(projet=monde["A"], personne="Autre Activité", heures=Decimal("10.00"))
    return activite


# ---------------------------------------------------------------- list


def test_list_filters_by_type_and_period(monde, login):
    f.ActiviteFactory(projet=monde["A"], intitule="Atelier numérique", type=TypeActivite.ATELIER, date=date(2025, 3, 3))
    f.ActiviteFactory(projet=monde["A"], comite=True, intitule="CLE de printemps", date=date(2025, 4, 4))
    f.ActiviteFactory(projet=monde["A"], information_collective=True, intitule="Info co d'été", date=date(2025, 7, 1))
    f.ActiviteFactory(projet=monde["B"], intitule="Atelier étranger", type=TypeActivite.ATELIER, date=date(2025, 3, 3))
    client = _coord(monde, login)

    response = client.get(_url("activite_list", monde), {"type": "atelier"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "Atelier numérique" in content and "CLE de printemps" not in content and "Atelier étranger" not in content
    assert "1\u00a0activité<" in content

    response = client.get(_url("activite_list", monde), {"periode_after": "2025-04-01", "periode_before": "2025-06-30"})
    assert [a.intitule for a in response.context["activites"]] == ["CLE de printemps"]
    response = client.get(_url("activite_list", monde), {"periode_after": "2025-04-01"})
    assert [a.intitule for a in response.context["activites"]] == ["Info co d'été", "CLE de printemps"]
    assert "2\u00a0activités" in response.content.decode()


def test_list_shows_volunteer_hours_without_names(monde, login):
    _activite_avec_benevoles(monde)
    content = login(monde["users"]["financeur"]).get(_url("activite_list", monde)).content.decode()
    assert "Forum de l&#x27;emploi" in content
    assert "7,5\u00a0h" in content  # 3 + 2.5 + 2 hours logged against it
    assert "Josiane" not in content


def test_list_query_budget_does_not_grow(monde, login, django_assert_num_queries):
    client = _coord(monde, login)
    url = _url("activite_list", monde)

    def activite():
        a = f.ActiviteFactory(projet=monde["A"])
        a.organisations.add(f.OrganisationFactory(projet=monde["A"]), f.OrganisationFactory(projet=monde["A"]))
        a.temps_benevoles.add(f.TempsBenevoleFactory(projet=monde["A"]))

    for _ in range(3):
        activite()
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as ctx:
        assert len(client.get(url).context["activites"]) == 3
    for _ in range(27):
        activite()
    with django_assert_num_queries(len(ctx.captured_queries)):
        assert len(client.get(url).context["activites"]) == 25


def test_nav_links_follow_the_capabilities(monde, login):
    lien = f'href="{_url("activite_list", monde)}"'
    assert lien in login(monde["users"]["financeur"]).get(_url("projet_accueil", monde)).content.decode()
    assert lien not in login(monde["users"]["partenaire"]).get(_url("projet_accueil", monde)).content.decode()


# ---------------------------------------------------------------- page


def test_detail_lists_volunteer_lines_with_valuation(monde, login):
    activite = _activite_avec_benevoles(monde)
    organisation = f.OrganisationFactory(projet=monde["A"], nom="Greta des Landes")
    activite.organisations.add(organisation)
    response = _coord(monde, login).get(_url("activite_detail", monde, activite.pk))
    content = response.content.decode()
    assert "Greta des Landes" in content
    for nom in ("Josiane Dupré", "Marcel Orteil", "Paule Enplus"):
        assert nom in content
    assert "Autre Activité" not in content
    assert "45,00\u00a0€" in content and "37,50\u00a0€" in content  # each line: hours × rate
    benevolat = response.context["benevolat"]
    assert benevolat.heures_valorisees == Decimal("5.50") and benevolat.valorise == Decimal("82.50")
    assert benevolat.heures_donnees == Decimal("2.00") and benevolat.donne_en_plus == Decimal("30.00")
    assert "82,50\u00a0€" in content
    assert reverse("activite_temps_create", args=[monde["A"].pk, activite.pk]) in content


def test_funder_sees_the_hours_but_no_volunteer_name_nor_their_value_in_euros(monde, login):
    activite = _activite_avec_benevoles(monde)
    response = login(monde["users"]["financeur"]).get(_url("activite_detail", monde, activite.pk))
    content = response.content.decode()
    assert response.status_code == 200
    assert "5,5\u00a0h" in content and "2\u00a0h" in content
    # the value, summed over every funding of the project, is money a funder does not see
    assert "82,50" not in content and "30,00" not in content and "Valorisation" not in content
    # the page's content only: the header shows the logged-in user's (random) name
    principal = content[content.index("<main") :]
    for nom in ("Josiane", "Dupré", "Marcel", "Orteil", "Paule", "Enplus"):
        assert nom not in principal
    assert "temps" not in response.context and "temps_form" not in response.context
    assert reverse("activite_update", args=[monde["A"].pk, activite.pk]) not in content


def test_detail_query_budget_does_not_grow(monde, login, django_assert_num_queries):
    client = _coord(monde, login)
    petite, grande = f.ActiviteFactory(projet=monde["A"]), f.ActiviteFactory(projet=monde["A"])
    for activite, n in ((petite, 3), (grande, 30)):
        for _ in range(n):
            activite.temps_benevoles.add(f.TempsBenevoleFactory(projet=monde["A"], organisation=f.OrganisationFactory(projet=monde["A"])))
            activite.organisations.add(f.OrganisationFactory(projet=monde["A"]))
            f.RecitFactory(projet=monde["A"]).activites.add(activite)
    client.get(_url("activite_detail", monde, petite.pk))
    with CaptureQueriesContext(connection) as ctx:
        client.get(_url("activite_detail", monde, petite.pk))
    with django_assert_num_queries(len(ctx.captured_queries)):
        response = client.get(_url("activite_detail", monde, grande.pk))
    assert len(response.context["temps"]) == 30


# ---------------------------------------------------------------- create / edit


def test_create_activite_with_organisations(monde, login):
    organisations = [f.OrganisationFactory(projet=monde["A"]), f.OrganisationFactory(projet=monde["A"])]
    response = _coord(monde, login).post(_url("activite_create", monde), _donnees(organisations=[o.pk for o in organisations]))
    activite = Activite.objects.get(intitule="Atelier CV")
    assert response.status_code == 302
    assert response.url == _url("activite_detail", monde, activite.pk)
    assert activite.projet == monde["A"] and activite.nb_participants == 9 and activite.lieu == "La Smalah"
    assert set(activite.organisations.all()) == set(organisations)


def test_organisation_of_another_project_cannot_be_linked(monde, login):
    etrangere = f.OrganisationFactory(projet=monde["B"])
    response = _coord(monde, login).post(_url("activite_create", monde), _donnees(organisations=[etrangere.pk]))
    assert response.status_code == 200
    assert response.context["form"].errors["organisations"] == ["Une des organisations choisies n'appartient pas à ce projet."]
    assert not Activite.objects.exists()


def test_invalid_activite_changes_nothing(monde, login):
    activite = f.ActiviteFactory(projet=monde["A"], intitule="Avant", nb_participants=8)
    response = _coord(monde, login).post(
        _url("activite_update", monde, activite.pk), _donnees(intitule="Après", nb_participants="-3", date="")
    )
    erreurs = response.context["form"].errors
    assert response.status_code == 200
    assert erreurs["date"] == ["Ce champ est obligatoire."]
    assert "nb_participants" in erreurs
    activite.refresh_from_db()
    assert activite.intitule == "Avant" and activite.nb_participants == 8


def test_update_activite(monde, login):
    activite = f.ActiviteFactory(projet=monde["A"], intitule="Réunion")
    organisation = f.OrganisationFactory(projet=monde["A"])
    activite.organisations.add(organisation)
    client = _coord(monde, login)
    assert client.get(_url("activite_update", monde, activite.pk)).context["form"]["intitule"].value() == "Réunion"
    response = client.post(
        _url("activite_update", monde, activite.pk), _donnees(intitule="Réunion partenaires", type="reunion_partenaires")
    )
    assert response.status_code == 302
    activite.refresh_from_db()
    assert activite.intitule == "Réunion partenaires" and activite.type == TypeActivite.REUNION_PARTENAIRES
    assert not activite.organisations.exists()


# ---------------------------------------------------------------- volunteer time


def test_log_volunteer_time_against_an_activity(monde, login):
    activite = f.ActiviteFactory(projet=monde["A"], intitule="Atelier mobilité", date=date(2025, 4, 1))
    organisation = f.OrganisationFactory(projet=monde["A"])
    financement = f.FinancementFactory(projet=monde["A"])
    data = {"date": "2025-04-01", "personne": "Gérard Bénévole", "organisation": organisation.pk, "heures": "2.5"}
    data |= {"financement": financement.pk, "valorise": "1"}
    response = _coord(monde, login).post(_url("activite_temps_create", monde, activite.pk), data)
    assert response.status_code == 302
    assert response.url == _url("activite_detail", monde, activite.pk) + "#benevolat"
    temps = TempsBenevole.objects.get()
    assert temps.projet == monde["A"] and temps.personne == "Gérard Bénévole" and temps.heures == Decimal("2.5")
    assert temps.taux_horaire == Decimal("15.00")  # the project's rate
    assert temps.activite == "Atelier mobilité" and temps.financement == financement and temps.valorise is True
    assert list(activite.temps_benevoles.all()) == [temps]


def test_volunteer_form_page_renders_with_the_activity_date(monde, login):
    activite = f.ActiviteFactory(projet=monde["A"], date=date(2025, 4, 1))
    response = _coord(monde, login).get(_url("activite_temps_create", monde, activite.pk))
    assert response.status_code == 200
    assert response.context["form"]["date"].value() == date(2025, 4, 1)


@pytest.mark.parametrize(
    ("donnees", "champ"),
    [
        ({"personne": "", "heures": "2"}, "personne"),
        ({"personne": "Gérard", "heures": "0"}, "heures"),
        ({"personne": "Gérard", "heures": ""}, "heures"),
    ],
)
def test_invalid_volunteer_time_changes_nothing(monde, login, donnees, champ):
    activite = f.ActiviteFactory(projet=monde["A"])
    response = _coord(monde, login).post(
        _url("activite_temps_create", monde, activite.pk), {"date": "2025-04-01", "valorise": "1", **donnees}
    )
    assert response.status_code == 200
    assert champ in response.context["form"].errors
    assert not TempsBenevole.objects.exists()
    assert not activite.temps_benevoles.exists()


@pytest.mark.parametrize("champ", ["organisation", "financement"])
def test_volunteer_time_refuses_rows_of_another_project(monde, login, champ):
    activite = f.ActiviteFactory(projet=monde["A"])
    etranger = f.OrganisationFactory(projet=monde["B"]) if champ == "organisation" else f.FinancementFactory(projet=monde["B"])
    data = {"date": "2025-04-01", "personne": "Gérard", "heures": "2", "valorise": "1", champ: etranger.pk}
    response = _coord(monde, login).post(_url("activite_temps_create", monde, activite.pk), data)
    assert response.status_code == 200
    assert champ in response.context["form"].errors
    assert not TempsBenevole.objects.exists()


def test_funder_cannot_log_volunteer_time(monde, login):
    activite = f.ActiviteFactory(projet=monde["A"])
    data = {"date": "2025-04-01", "personne": "Gérard", "heures": "2", "valorise": "1"}
    assert login(monde["users"]["financeur"]).post(_url("activite_temps_create", monde, activite.pk), data).status_code == 403
    assert not TempsBenevole.objects.exists()

"""COPIL meetings: list (query budget), page (participants, minutes, the reports' block),
create and edit (period in order, participants of the project only)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from recits.models import Copil
from tests import factories as f

pytestmark = pytest.mark.django_db


def _url(name, monde, *args):
    return reverse(name, args=[monde["A"].pk, *args])


def _coord(monde, login):
    return login(monde["users"]["coordinateur"])


def _donnees(**kw):
    data = {"date": "2025-07-22", "lieu": "Mairie de Hagetmau", "periode_debut": "2024-09-01", "periode_fin": "2025-06-30"}
    data |= {"ordre_du_jour": "Bilan de l'année", "decisions": "Ouvrir une 2e session", "besoins": "Un véhicule"}
    data |= {"prochaines_etapes": "COPIL de janvier"}
    data.update(kw)
    return data


def _contact(projet, organisation=None, **kw):
    organisation = f.OrganisationFactory(projet=projet, **({"nom": organisation} if organisation else {}))
    return f.ContactFactory(organisation=organisation, **kw)


# ---------------------------------------------------------------- list


def test_list_renders_the_project_copils(monde, login):
    copil = f.CopilFactory(projet=monde["A"], date=date(2025, 7, 22), lieu="Mugron")
    copil.participants.add(_contact(monde["A"]), _contact(monde["A"]))
    f.CopilFactory(projet=monde["B"], lieu="Ailleurs")
    response = login(monde["users"]["financeur"]).get(_url("copil_list", monde))
    content = response.content.decode()
    assert response.status_code == 200
    assert "COPIL du 22 juil. 2025" in content and "Mugron" in content and "Ailleurs" not in content
    assert [c.nb_participants for c in response.context["copils"]] == [2]
    assert reverse("copil_create", args=[monde["A"].pk]) not in content  # the funder does not write


def test_list_query_budget_does_not_grow(monde, login, django_assert_num_queries):
    client = _coord(monde, login)
    url = _url("copil_list", monde)

    def copil():
        f.CopilFactory(projet=monde["A"]).participants.add(_contact(monde["A"]), _contact(monde["A"]))

    for _ in range(3):
        copil()
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as ctx:
        assert len(client.get(url).context["copils"]) == 3
    for _ in range(27):
        copil()
    with django_assert_num_queries(len(ctx.captured_queries)):
        assert len(client.get(url).context["copils"]) == 25


def test_nav_link(monde, login):
    lien = f'href="{_url("copil_list", monde)}"'
    assert lien in login(monde["users"]["financeur"]).get(_url("projet_accueil", monde)).content.decode()
    assert lien not in login(monde["users"]["partenaire"]).get(_url("projet_accueil", monde)).content.decode()


# ---------------------------------------------------------------- page


def test_detail_shows_minutes_participants_and_reports_block(monde, login):
    copil = f.CopilFactory(
        projet=monde["A"], decisions="Recruter un second coordinateur", besoins="Un minibus", prochaines_etapes="Visite DREETS"
    )
    helene = _contact(monde["A"], prenom="Hélène", nom="Région", organisation="Région Nouvelle-Aquitaine", email="h@region.example")
    copil.participants.add(helene, f.ContactFactory(organisation=helene.organisation, prenom="Paul", nom="Autre"))
    response = login(monde["users"]["financeur"]).get(_url("copil_detail", monde, copil.pk))
    content = response.content.decode()
    assert response.status_code == 200
    for texte in ("Recruter un second coordinateur", "Un minibus", "Visite DREETS", "Région Nouvelle-Aquitaine", "(2\u00a0participants)"):
        assert texte in content
    # a funder sees the organisations that took part, no person's name nor contact details
    assert "Hélène" not in content and "Paul" not in content and "h@region.example" not in content
    coordination = _coord(monde, login).get(_url("copil_detail", monde, copil.pk)).content.decode()
    assert "Hélène Région" in coordination and "Paul Autre" in coordination and "h@region.example" not in coordination
    assert "pilotage/_copil_rapports.html" in [t.name for t in response.templates]
    assert reverse("copil_update", args=[monde["A"].pk, copil.pk]) not in content
    assert "recits_a_presenter" not in response.context  # the funder reads no récit


def test_detail_lists_the_recits_to_present_in_the_period(monde, login):
    copil = f.CopilFactory(projet=monde["A"], periode_debut=date(2025, 1, 1), periode_fin=date(2025, 6, 30))
    f.RecitFactory(projet=monde["A"], titre="Dans la période", date=date(2025, 3, 1), copil=True)
    f.RecitFactory(projet=monde["A"], titre="Non marqué", date=date(2025, 3, 1))
    f.RecitFactory(projet=monde["A"], titre="Hors période", date=date(2025, 8, 1), copil=True)
    response = _coord(monde, login).get(_url("copil_detail", monde, copil.pk))
    assert [r.titre for r in response.context["recits_a_presenter"]] == ["Dans la période"]
    assert reverse("copil_update", args=[monde["A"].pk, copil.pk]) in response.content.decode()


def test_detail_query_budget_does_not_grow(monde, login, django_assert_num_queries):
    client = _coord(monde, login)
    petit, grand = f.CopilFactory(projet=monde["A"]), f.CopilFactory(projet=monde["A"])
    for copil, n in ((petit, 3), (grand, 30)):
        copil.participants.add(*[_contact(monde["A"]) for _ in range(n)])
    client.get(_url("copil_detail", monde, petit.pk))
    with CaptureQueriesContext(connection) as ctx:
        client.get(_url("copil_detail", monde, petit.pk))
    with django_assert_num_queries(len(ctx.captured_queries)):
        response = client.get(_url("copil_detail", monde, grand.pk))
    assert len(response.context["copil"].participants.all()) == 30


# ---------------------------------------------------------------- create / edit


def test_create_copil_with_participants(monde, login):
    participants = [_contact(monde["A"]), _contact(monde["A"], organisation="France Travail")]
    response = _coord(monde, login).post(_url("copil_create", monde), _donnees(participants=[c.pk for c in participants]))
    copil = Copil.objects.get()
    assert response.status_code == 302
    assert response.url == _url("copil_detail", monde, copil.pk)
    assert copil.projet == monde["A"] and copil.lieu == "Mairie de Hagetmau"
    assert (copil.periode_debut, copil.periode_fin) == (date(2024, 9, 1), date(2025, 6, 30))
    assert copil.decisions == "Ouvrir une 2e session" and copil.prochaines_etapes == "COPIL de janvier"
    assert set(copil.participants.all()) == set(participants)


def test_period_ending_before_it_starts_is_refused(monde, login):
    response = _coord(monde, login).post(_url("copil_create", monde), _donnees(periode_debut="2025-06-30", periode_fin="2025-01-01"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["periode_fin"] == ["La fin de la période doit suivre son début."]
    assert not form.non_field_errors()
    assert not Copil.objects.exists()


def test_refused_update_changes_nothing(monde, login):
    copil = f.CopilFactory(projet=monde["A"], lieu="Avant")
    participant = _contact(monde["A"])
    copil.participants.add(participant)
    data = _donnees(lieu="Après", periode_debut="2025-06-30", periode_fin="2025-01-01", participants=[])
    response = _coord(monde, login).post(_url("copil_update", monde, copil.pk), data)
    assert response.status_code == 200
    copil.refresh_from_db()
    assert copil.lieu == "Avant" and copil.periode_fin == date(2025, 6, 30)
    assert list(copil.participants.all()) == [participant]


def test_contact_of_another_project_cannot_be_a_participant(monde, login):
    etranger = _contact(monde["B"])
    response = _coord(monde, login).post(_url("copil_create", monde), _donnees(participants=[etranger.pk]))
    assert response.status_code == 200
    assert response.context["form"].errors["participants"] == ["Un des participants choisis n'est pas un contact de ce projet."]
    assert not Copil.objects.exists()


def test_update_copil(monde, login):
    copil = f.CopilFactory(projet=monde["A"], lieu="Mugron")
    nouveau = _contact(monde["A"])
    client = _coord(monde, login)
    assert client.get(_url("copil_update", monde, copil.pk)).context["form"]["lieu"].value() == "Mugron"
    response = client.post(_url("copil_update", monde, copil.pk), _donnees(lieu="Saint-Sever", participants=[nouveau.pk]))
    assert response.status_code == 302
    copil.refresh_from_db()
    assert copil.lieu == "Saint-Sever"
    assert list(copil.participants.all()) == [nouveau]


def test_funder_cannot_write(monde, login):
    assert login(monde["users"]["financeur"]).post(_url("copil_create", monde), _donnees()).status_code == 403
    assert not Copil.objects.exists()

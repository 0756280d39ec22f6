"""The root page: where a user lands after logging in, and "Mes projets"."""

import pytest
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db


def test_a_single_project_opens_directly(login):
    adhesion = f.AdhesionFactory(coordinateur=True)
    assert login(adhesion.user).get("/").url == reverse("projet_accueil", args=[adhesion.projet_id])


def test_several_projects_open_the_first_then_the_last_used(login):
    user = f.UserFactory()
    premiere = f.AdhesionFactory(user=user, coordinateur=True, projet__nom="Icifornie")
    seconde = f.AdhesionFactory(user=user, financeur=True, projet__nom="Coteaux")
    client = login(user)
    assert client.get("/").url == reverse("projet_accueil", args=[premiere.projet_id])
    client.get(reverse("projet_accueil", args=[seconde.projet_id]))
    assert client.get("/").url == reverse("projet_accueil", args=[seconde.projet_id])
    # the header links to every project
    html = client.get(reverse("projet_accueil", args=[seconde.projet_id])).content.decode()
    assert f'href="{reverse("mes_projets")}"' in html
    projets = client.get(reverse("mes_projets")).content.decode()
    assert "Icifornie" in projets and "Coteaux" in projets and "Coordination" in projets and "Financeur" in projets
    assert reverse("synthese") in projets  # two projects with dashboards: the roll-up


def test_an_inactive_membership_is_not_a_landing_place(login):
    user = f.UserFactory()
    f.AdhesionFactory(user=user, coordinateur=True, actif=False)
    response = login(user).get("/")
    assert response.status_code == 200
    assert "Vous n'êtes membre d'aucun projet" in response.content.decode()


def test_a_user_without_project_is_told_so(login):
    html = login(f.UserFactory()).get(reverse("mes_projets")).content.decode()
    assert "Vous n'êtes membre d'aucun projet" in html

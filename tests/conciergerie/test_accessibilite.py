"""The accessibility statement (/accessibilite/): public, linked from every page's footer, says
partial conformance with RGAA 4.1, what was tested, what is not yet done, and whom to write to."""

import pytest
from django.urls import reverse

from tests import factories as f


@pytest.mark.django_db
def test_la_declaration_se_lit_sans_connexion(client, settings):
    settings.ACCESSIBILITE_CONTACT = "accessibilite@icifornie.example.org"
    response = client.get(reverse("accessibilite"))
    assert response.status_code == 200
    page = response.content.decode()
    for attendu in [
        '<h1 id="titre-accessibilite">Déclaration d\'accessibilité</h1>',
        "<strong>partiellement conforme</strong>",
        "RGAA), version 4.1",
        "axe-core",  # what was tested
        "390 px",
        "Ce qui n'est pas encore fait",
        "accessibilite@icifornie.example.org",  # the contact
        "Défenseur des droits",  # the remedy
    ]:
        assert attendu in page, attendu


@pytest.mark.django_db
def test_sans_contact_la_declaration_dit_a_qui_ecrire(client, settings):
    settings.ACCESSIBILITE_CONTACT = ""
    page = client.get(reverse("accessibilite")).content.decode()
    assert "la structure responsable du consortium" in page


@pytest.mark.django_db
def test_chaque_page_a_le_lien_dans_son_pied(client, login):
    lien = f'<a href="{reverse("accessibilite")}">Accessibilité : partiellement conforme</a>'
    assert lien in client.get(reverse("connexion")).content.decode()  # anonymous
    adhesion = f.AdhesionFactory(financeur=True)
    assert lien in login(adhesion.user).get(reverse("projet_accueil", args=[adhesion.projet_id])).content.decode()
    assert lien in client.get("/une-page-qui-n-existe-pas/").content.decode()  # error pages

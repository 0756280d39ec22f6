"""The error pages speak French and keep the layout; they never show Django's English pages."""

from django.test import Client
from django.urls import reverse


def test_un_role_qui_n_a_pas_le_droit_voit_la_page_403_en_francais(monde, login):
    response = login(monde["users"]["financeur"]).get(reverse("apprenant_list", args=[monde["A"].pk]))
    assert response.status_code == 403
    html = response.content.decode()
    assert "<h1>Accès refusé</h1>" in html
    assert "Votre rôle ne permet pas cette action." in html
    assert "Forbidden" not in html
    assert "Se déconnecter" in html  # the layout, with its header


def test_hors_du_projet_la_page_404_est_en_francais(monde, login):
    response = login(monde["outsider"]).get(reverse("apprenant_list", args=[monde["A"].pk]))
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Page introuvable</h1>" in html
    assert "Not Found" not in html and "requested resource" not in html


def test_une_fiche_inexistante_donne_la_page_404_sans_message_technique(monde, login):
    response = login(monde["users"]["coordinateur"]).get(reverse("apprenant_detail", args=[monde["A"].pk, 999_999]))
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Page introuvable</h1>" in html
    assert "matches the given query" not in html


def test_une_erreur_du_serveur_donne_la_page_500_en_francais(monde, settings):
    settings.ROOT_URLCONF = "tests.conciergerie.urls_erreur"
    response = Client(raise_request_exception=False).get("/panne/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "<h1>Erreur du serveur</h1>" in html and "rien n'a été enregistré" in html
    assert "Server Error" not in html

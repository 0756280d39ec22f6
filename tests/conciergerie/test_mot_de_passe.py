"""The password change page (Django's views, French templates), linked from the header."""

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories as f
from tests.connexion import se_connecter

pytestmark = pytest.mark.django_db

NOUVEAU = "Un-nouveau-mot-de-passe-2025"


def test_le_lien_est_dans_l_en_tete(monde, login):
    html = login(monde["users"]["partenaire"]).get(reverse("projet_accueil", args=[monde["A"].pk])).content.decode()
    assert f'href="{reverse("mot_de_passe_modifier")}"' in html
    assert f'href="{reverse("compte")}">Sécurité du compte</a>' in html


def test_changer_son_mot_de_passe(login):
    user = f.UserFactory(username="camille")
    client = login(user)
    ailleurs = login(user)  # another browser, logged in before
    page = client.get(reverse("mot_de_passe_modifier")).content.decode()
    assert "<h1>Changer de mot de passe</h1>" in page
    assert "Ancien mot de passe" in page and "Confirmation du nouveau mot de passe" in page
    reponse = client.post(
        reverse("mot_de_passe_modifier"), {"old_password": "motdepasse", "new_password1": NOUVEAU, "new_password2": NOUVEAU}
    )
    assert reponse.status_code == 302 and reponse.url == reverse("mot_de_passe_modifie")
    assert "<h1>Mot de passe changé</h1>" in client.get(reponse.url).content.decode()
    user.refresh_from_db()
    assert user.check_password(NOUVEAU)
    # this session goes on; the new password logs in, the old one no longer does
    assert client.get(reverse("compte")).status_code == 200
    assert ailleurs.get(reverse("compte")).url.startswith(reverse("connexion"))
    assert se_connecter(Client(), "camille", NOUVEAU).status_code == 302
    assert se_connecter(Client(), "camille", "motdepasse").status_code == 200


def test_un_ancien_mot_de_passe_faux_est_refuse_en_francais(login):
    user = f.UserFactory(username="camille")
    reponse = login(user).post(
        reverse("mot_de_passe_modifier"), {"old_password": "pas-le-bon", "new_password1": NOUVEAU, "new_password2": NOUVEAU}
    )
    assert reponse.status_code == 200
    assert "Votre ancien mot de passe est incorrect. Veuillez le rectifier." in reponse.content.decode()
    user.refresh_from_db()
    assert user.check_password("motdepasse")


def test_un_nouveau_mot_de_passe_trop_simple_est_refuse_en_francais(login):
    user = f.UserFactory(username="camille")
    reponse = login(user).post(
        reverse("mot_de_passe_modifier"), {"old_password": "motdepasse", "new_password1": "123", "new_password2": "123"}
    )
    assert reponse.status_code == 200
    assert "Ce mot de passe est trop court" in reponse.content.decode()

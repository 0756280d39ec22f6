"""The second factor (TOTP): required for project administrators and platform staff, optional
for the others; until the code is given, such a session opens nothing but the code and
enrolment pages. Real requests: the password through the login page, codes computed from the
device's key (or from the key the enrolment page shows) as an application would."""

import re
from base64 import b32decode
from datetime import timedelta

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests import factories as f
from tests.connexion import code_totp, se_connecter

pytestmark = pytest.mark.django_db

BON = "motdepasse"


def url_avec_suite(nom, suite):
    return f"{reverse(nom)}?next={suite.replace('/', '%2F')}"


@pytest.fixture
def administrateur():
    return f.AdhesionFactory(administrateur=True, user__username="dominique")


def appareil_de(user):
    return TOTPDevice.objects.create(user=user, name="téléphone", confirmed=True)


def secret_affiche(html: str) -> bytes:
    """The key the enrolment page shows as text, as a person would type it into an application."""
    texte = re.search(r'<code class="secret-totp">([A-Z2-7 ]+)</code>', html).group(1)
    return b32decode(texte.replace(" ", ""))


def test_un_coordinateur_sans_appareil_se_connecte_normalement():
    adhesion = f.AdhesionFactory(coordinateur=True, user__username="camille")
    client = Client()
    reponse = se_connecter(client, "camille", BON)
    assert reponse.status_code == 302 and reponse.url == reverse("accueil")
    projet = reverse("projet_accueil", args=[adhesion.projet_id])
    assert client.get(projet).status_code == 200
    assert client.get(reverse("compte")).status_code == 200


def test_un_administrateur_sans_appareil_doit_en_activer_un_avant_tout(administrateur):
    client = Client()
    assert se_connecter(client, "dominique", BON).status_code == 302
    projet = reverse("projet_accueil", args=[administrateur.projet_id])
    reponse = client.get(projet)
    assert reponse.status_code == 302
    assert reponse.url == url_avec_suite("double_facteur_activer", projet)
    # nothing else opens either: the learners, the account's pages, the admin
    for url in (
        reverse("apprenant_list", args=[administrateur.projet_id]),
        reverse("compte"),
        reverse("mot_de_passe_modifier"),
        reverse("mes_projets"),
        "/admin/",
    ):
        assert client.get(url).url.startswith(reverse("double_facteur_activer")), url
    # the enrolment page: the key as text and as a QR code drawn server-side, no script
    page = client.get(reponse.url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1>Activer la double authentification</h1>" in html
    assert '<svg width="' in html and "<script" not in html.split("</head>")[1]
    assert "Apprenants" not in html  # no menu yet
    cle = secret_affiche(html)
    # a wrong code: refused in French, still nothing else
    faux = client.post(reponse.url, {"code": "000000" if totp(cle) else "111111", "next": projet})
    assert faux.status_code == 200
    assert "Code incorrect ou expiré" in faux.content.decode()
    assert not TOTPDevice.objects.filter(user=administrateur.user).exists()
    assert client.get(projet).status_code == 302
    # the code the application shows now
    bon = client.post(reponse.url, {"code": f"{totp(cle):06d}", "next": projet})
    assert bon.status_code == 302 and bon.url == projet
    appareil = TOTPDevice.objects.get(user=administrateur.user)
    assert appareil.confirmed and appareil.bin_key == cle
    assert client.get(projet).status_code == 200
    assert client.get(reverse("apprenant_list", args=[administrateur.projet_id])).status_code == 200


def test_un_administrateur_avec_appareil_donne_son_code_apres_le_mot_de_passe(administrateur):
    appareil = appareil_de(administrateur.user)
    client = Client()
    se_connecter(client, "dominique", BON)
    projet = reverse("projet_accueil", args=[administrateur.projet_id])
    reponse = client.get(projet)
    assert reponse.url == url_avec_suite("double_facteur_verifier", projet)
    page = client.get(reponse.url).content.decode()
    assert "<h1>Code de vérification</h1>" in page
    faux = client.post(reponse.url, {"code": code_totp(appareil, decalage=5), "next": projet})
    assert "Code incorrect ou expiré" in faux.content.decode()
    # right after a wrong code, the right one waits for the throttling delay (1 s, 2 s, 4 s…)
    trop_tot = client.post(reponse.url, {"code": code_totp(appareil), "next": projet}).content.decode()
    assert "attendez" in trop_tot
    assert client.get(projet).status_code == 302
    TOTPDevice.objects.filter(pk=appareil.pk).update(throttling_failure_timestamp=timezone.now() - timedelta(seconds=5))
    bon = client.post(reponse.url, {"code": code_totp(appareil), "next": projet})
    assert bon.status_code == 302 and bon.url == projet
    assert client.get(projet).status_code == 200


def test_un_code_ne_sert_qu_une_fois(administrateur):
    appareil = appareil_de(administrateur.user)
    premier = Client()
    se_connecter(premier, "dominique", BON)
    code = code_totp(appareil)
    assert premier.post(reverse("double_facteur_verifier"), {"code": code}).status_code == 302
    second = Client()
    se_connecter(second, "dominique", BON)
    assert "Code incorrect ou expiré" in second.post(reverse("double_facteur_verifier"), {"code": code}).content.decode()


def test_l_exigence_vaut_pour_toute_session_pas_seulement_celle_du_formulaire(administrateur):
    """A session opened without the login page (force_login) is held to it too."""
    client = Client()
    client.force_login(administrateur.user)
    reponse = client.get(reverse("projet_accueil", args=[administrateur.projet_id]))
    assert reponse.status_code == 302 and reponse.url.startswith(reverse("double_facteur_activer"))


def test_un_coordinateur_nomme_administrateur_doit_passer_le_second_facteur():
    adhesion = f.AdhesionFactory(coordinateur=True, user__username="camille")
    client = Client()
    se_connecter(client, "camille", BON)
    projet = reverse("projet_accueil", args=[adhesion.projet_id])
    assert client.get(projet).status_code == 200
    f.AdhesionFactory(user=adhesion.user, administrateur=True)
    assert client.get(projet).url.startswith(reverse("double_facteur_activer"))


def test_une_adhesion_inactive_d_administrateur_n_exige_rien():
    adhesion = f.AdhesionFactory(coordinateur=True, user__username="camille")
    f.AdhesionFactory(user=adhesion.user, administrateur=True, actif=False)
    client = Client()
    se_connecter(client, "camille", BON)
    assert client.get(reverse("projet_accueil", args=[adhesion.projet_id])).status_code == 200


def test_la_deconnexion_et_la_sante_restent_ouvertes(administrateur):
    client = Client()
    se_connecter(client, "dominique", BON)
    assert client.get(reverse("sante")).status_code == 200
    assert client.get("/static/css/app.css").status_code == 200
    assert client.post(reverse("deconnexion")).status_code == 302
    assert client.get(reverse("mes_projets")).url.startswith(reverse("connexion"))


def test_htmx_est_renvoye_vers_le_code_par_une_redirection_de_page(administrateur):
    appareil_de(administrateur.user)
    client = Client()
    se_connecter(client, "dominique", BON)
    reponse = client.get(reverse("apprenant_list", args=[administrateur.projet_id]), HTTP_HX_REQUEST="true")
    assert reponse.status_code == 200
    assert reponse["HX-Redirect"].startswith(reverse("double_facteur_verifier"))


def test_un_coordinateur_active_la_double_authentification_puis_la_donne_a_chaque_connexion():
    adhesion = f.AdhesionFactory(coordinateur=True, user__username="camille")
    client = Client()
    se_connecter(client, "camille", BON)
    compte = client.get(reverse("compte")).content.decode()
    assert "Non activée" in compte
    page = client.get(reverse("double_facteur_activer")).content.decode()
    cle = secret_affiche(page)
    reponse = client.post(reverse("double_facteur_activer"), {"code": f"{totp(cle):06d}"})
    assert reponse.status_code == 302 and reponse.url == reverse("compte")
    assert "Activée" in client.get(reverse("compte")).content.decode()
    # the next login asks for the code
    client.post(reverse("deconnexion"))
    se_connecter(client, "camille", BON)
    projet = reverse("projet_accueil", args=[adhesion.projet_id])
    assert client.get(projet).url == url_avec_suite("double_facteur_verifier", projet)
    appareil = TOTPDevice.objects.get(user=adhesion.user)
    TOTPDevice.objects.filter(pk=appareil.pk).update(last_t=-1)  # the enrolment's code may come back within 30 s
    assert client.post(reverse("double_facteur_verifier"), {"code": code_totp(appareil), "next": projet}).url == projet
    # and may turn it off
    assert client.post(reverse("double_facteur_desactiver")).url == reverse("compte")
    assert not TOTPDevice.objects.filter(user=adhesion.user).exists()
    assert client.get(projet).status_code == 200
    client.post(reverse("deconnexion"))
    se_connecter(client, "camille", BON)
    assert client.get(projet).status_code == 200


def test_un_administrateur_ne_peut_pas_desactiver_la_double_authentification(administrateur, login):
    client = login(administrateur.user)
    assert "obligatoire pour votre compte" in client.get(reverse("compte")).content.decode()
    assert client.post(reverse("double_facteur_desactiver")).status_code == 403
    assert TOTPDevice.objects.filter(user=administrateur.user).exists()


def test_changer_d_appareil_demande_d_abord_le_code_de_l_actuel(administrateur):
    appareil_de(administrateur.user)
    client = Client()
    se_connecter(client, "dominique", BON)
    reponse = client.get(reverse("double_facteur_activer"))
    assert reponse.status_code == 302 and reponse.url.startswith(reverse("double_facteur_verifier"))


def test_l_admin_refuse_le_personnel_sans_second_facteur_et_l_accepte_avec():
    staff = f.UserFactory(username="alex", superuser=True)
    client = Client()
    # through the admin's own login page: the password, then the code page, then the admin
    reponse = client.post(reverse("admin:login") + "?next=/admin/", {"username": "alex", "password": BON, "next": "/admin/"})
    assert reponse.status_code == 302
    refus = client.get("/admin/")
    assert refus.status_code == 302 and refus.url == url_avec_suite("double_facteur_activer", "/admin/")
    cle = secret_affiche(client.get(refus.url).content.decode())
    assert client.post(refus.url, {"code": f"{totp(cle):06d}", "next": "/admin/"}).url == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 200
    # the site checks it by itself too, whatever the middleware
    requete = RequestFactory().get("/admin/")
    requete.user = staff
    staff.is_verified = lambda: False
    assert admin.site.has_permission(requete) is False
    staff.is_verified = lambda: True
    assert admin.site.has_permission(requete) is True


def test_l_admin_accepte_une_session_verifiee(login):
    client = login(f.UserFactory(superuser=True))
    assert client.get("/admin/").status_code == 200


def test_la_verification_renvoie_seulement_vers_le_site(administrateur):
    appareil = appareil_de(administrateur.user)
    client = Client()
    se_connecter(client, "dominique", BON)
    reponse = client.post(reverse("double_facteur_verifier"), {"code": code_totp(appareil), "next": "https://ailleurs.example/"})
    assert reponse.status_code == 302 and reponse.url == reverse("accueil")

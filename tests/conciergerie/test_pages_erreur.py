"""The error pages speak French and keep the layout; they never show Django's English pages —
with DEBUG off (production) and on (``make run``) alike. With DEBUG on, ``?debug`` or
DEBUG_TECHNIQUE=1 still shows Django's technical pages to a developer."""

import pytest
from django.test import Client
from django.urls import reverse

DEBUG = pytest.mark.parametrize("debug", [False, True], ids=["debug-off", "debug-on"])


@pytest.fixture
def erreurs(settings):
    settings.ROOT_URLCONF = "tests.conciergerie.urls_erreur"
    settings.DEBUG_TECHNIQUE = False


@DEBUG
def test_un_role_qui_n_a_pas_le_droit_voit_la_page_403_en_francais_une_seule_phrase(monde, login, settings, debug):
    settings.DEBUG = debug
    response = login(monde["users"]["financeur"]).get(reverse("apprenant_list", args=[monde["A"].pk]))
    assert response.status_code == 403
    html = response.content.decode()
    assert "<h1>Accès refusé</h1>" in html
    assert html.count("ne permet pas") == 1  # the refusal's sentence, not repeated by a general one
    assert "Votre rôle ne permet pas cette action." in html
    assert "Forbidden" not in html
    assert "Se déconnecter" in html  # the layout, with its header


@DEBUG
def test_hors_du_projet_la_page_404_est_en_francais(monde, login, settings, debug):
    settings.DEBUG = debug
    response = login(monde["outsider"]).get(reverse("apprenant_list", args=[monde["A"].pk]))
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Page introuvable</h1>" in html
    assert "Not Found" not in html and "requested resource" not in html


@DEBUG
def test_une_fiche_inexistante_donne_la_page_404_sans_message_technique(monde, login, settings, debug):
    settings.DEBUG = debug
    response = login(monde["users"]["coordinateur"]).get(reverse("apprenant_detail", args=[monde["A"].pk, 999_999]))
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Page introuvable</h1>" in html
    assert "matches the given query" not in html and "Page not found" not in html


@DEBUG
def test_une_adresse_inconnue_donne_la_page_404_avec_le_gabarit(monde, login, settings, debug):
    settings.DEBUG = debug
    response = login(monde["users"]["coordinateur"]).get("/nulle-part/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Page introuvable</h1>" in html and "Se déconnecter" in html
    assert "URLconf" not in html and "Page not found" not in html


def test_une_adresse_sans_sa_barre_finale_est_toujours_redirigee(monde, login, settings):
    settings.DEBUG = True
    response = login(monde["users"]["coordinateur"]).get("/projets")
    assert response.status_code == 301 and response["Location"] == "/projets/"


@DEBUG
def test_une_erreur_du_serveur_donne_la_page_500_en_francais(db, settings, erreurs, debug, caplog):
    settings.DEBUG = debug
    response = Client(raise_request_exception=False).get("/panne/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "<h1>Erreur du serveur</h1>" in html and "rien n'a été enregistré" in html
    assert "Server Error" not in html and "Traceback" not in html and "panne simulée" not in html
    # the traceback is in the log, for the team, in both modes
    assert any(r.levelname == "ERROR" and r.exc_info and "panne simulée" in str(r.exc_info[1]) for r in caplog.records)


@DEBUG
def test_une_requete_invalide_donne_la_page_400_en_francais(db, settings, erreurs, debug):
    settings.DEBUG = debug
    response = Client(raise_request_exception=False).get("/invalide/")
    assert response.status_code == 400
    html = response.content.decode()
    assert "<h1>Requête invalide</h1>" in html and "rien n'a été enregistré" in html
    assert "Bad Request" not in html and "requête simulée invalide" not in html


@DEBUG
def test_un_envoi_trop_gros_donne_la_page_413_en_francais(db, settings, debug):
    settings.DEBUG = debug
    response = Client().generic("POST", "/connexion/", b"x", CONTENT_LENGTH=str(settings.TAILLE_MAX_REQUETE + 1))
    assert response.status_code == 413
    html = response.content.decode()
    assert "<h1>Envoi trop volumineux</h1>" in html and "Mo" in html
    assert "Too Large" not in html


@DEBUG
def test_un_formulaire_sans_jeton_csrf_donne_une_page_403_en_francais(db, settings, debug):
    settings.DEBUG = debug
    response = Client(enforce_csrf_checks=True).post("/connexion/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "<h1>Formulaire expiré</h1>" in html and "rien n'a été enregistré" in html
    assert "CSRF" not in html


def test_en_debug_le_parametre_debug_montre_la_trace_technique(db, settings, erreurs):
    settings.DEBUG = True
    response = Client(raise_request_exception=False).get("/panne/?debug")
    assert response.status_code == 500
    assert "panne simulée" in response.content.decode()  # Django's technical page, with the exception
    response = Client().get("/nulle-part/?debug")
    assert response.status_code == 404 and "URLconf" in response.content.decode()


def test_en_debug_debug_technique_montre_les_pages_de_django(db, settings, erreurs):
    settings.DEBUG = True
    settings.DEBUG_TECHNIQUE = True
    response = Client(raise_request_exception=False).get("/panne/")
    assert response.status_code == 500 and "panne simulée" in response.content.decode()


def test_sans_debug_le_parametre_debug_ne_montre_rien_de_technique(db, settings, erreurs):
    settings.DEBUG = False
    settings.DEBUG_TECHNIQUE = True  # ignored with DEBUG off (settings.py sets it only with DEBUG)
    response = Client(raise_request_exception=False).get("/panne/?debug")
    assert response.status_code == 500
    html = response.content.decode()
    assert "<h1>Erreur du serveur</h1>" in html and "panne simulée" not in html

"""Login throttling (django-axes): 10 failures lock an account, or an address, on both login
pages; the lock lifts after the delay or by an administrator's command. Real requests through
the login forms."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from conciergerie.settings import adresse_client
from tests import factories as f
from tests.connexion import se_connecter

pytestmark = pytest.mark.django_db

BON = "motdepasse"  # the factories' password


def echouer(client, username, fois, url=None):
    """``fois`` failed logins; the status of each answer."""
    url = url or reverse("connexion")
    return [client.post(url, {"username": username, "password": f"faux-{i}"}).status_code for i in range(fois)]


def connecte(client) -> bool:
    return client.get(reverse("mes_projets")).status_code == 200


def test_dix_mots_de_passe_faux_verrouillent_le_compte_meme_pour_le_bon(client):
    f.UserFactory(username="camille")
    assert echouer(client, "camille", 9) == [200] * 9  # the form again, with its error
    assert se_connecter(client, "camille", "encore-faux").status_code == 429  # the 10th
    reponse = se_connecter(client, "camille", BON)
    assert reponse.status_code == 429
    html = reponse.content.decode()
    assert "<h1>Connexion bloquée</h1>" in html
    assert "Patientez <strong>30 minutes</strong>" in html
    assert "demandez à un administrateur de la plateforme de débloquer votre compte" in html
    assert not connecte(client)


def test_neuf_echecs_ne_verrouillent_pas(client):
    f.UserFactory(username="camille")
    echouer(client, "camille", 9)
    assert se_connecter(client, "camille", BON).status_code == 302
    assert connecte(client)


def test_le_compte_est_verrouille_depuis_une_autre_adresse_aussi(client):
    f.UserFactory(username="camille")
    echouer(client, "camille", 10)
    ailleurs = Client(REMOTE_ADDR="198.51.100.20")
    assert se_connecter(ailleurs, "camille", BON).status_code == 429


def test_les_echecs_sur_la_connexion_de_l_admin_comptent_aussi(client):
    f.UserFactory(username="alex", superuser=True)
    statuts = echouer(client, "alex", 10, url=reverse("admin:login"))
    assert statuts[-1] == 429 and set(statuts[:-1]) == {200}
    assert client.post(reverse("admin:login"), {"username": "alex", "password": BON}).status_code == 429
    assert se_connecter(client, "alex", BON).status_code == 429


def test_une_adresse_qui_essaie_dix_comptes_est_verrouillee_pour_tous():
    """Per address, whatever the usernames: one failure each on ten accounts."""
    f.UserFactory(username="camille")
    depuis = Client(REMOTE_ADDR="203.0.113.7")
    for i in range(10):
        depuis.post(reverse("connexion"), {"username": f"essai{i}", "password": "x"})
    assert se_connecter(depuis, "camille", BON).status_code == 429
    # the account itself is not locked: from another address it logs in
    ailleurs = Client(REMOTE_ADDR="198.51.100.20")
    assert se_connecter(ailleurs, "camille", BON).status_code == 302


def test_le_verrou_se_leve_apres_le_delai(client, settings):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=30)
    f.UserFactory(username="camille")
    echouer(client, "camille", 10)
    # the clock moved 29 minutes: still locked; 31 minutes: the right password logs in
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=29))
    assert se_connecter(client, "camille", BON).status_code == 429
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=2))
    assert se_connecter(client, "camille", BON).status_code == 302
    assert connecte(client)


def test_le_delai_se_regle(client, settings):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=5)
    f.UserFactory(username="camille")
    echouer(client, "camille", 10)
    assert "Patientez <strong>5 minutes</strong>" in se_connecter(client, "camille", BON).content.decode()
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=6))
    assert se_connecter(client, "camille", BON).status_code == 302


def test_un_administrateur_debloque_le_compte_par_la_commande(client):
    f.UserFactory(username="camille")
    f.UserFactory(username="dominique")
    echouer(client, "camille", 10)
    echouer(Client(REMOTE_ADDR="198.51.100.30"), "dominique", 10)
    call_command("axes_reset_username", "camille")
    assert se_connecter(Client(REMOTE_ADDR="198.51.100.40"), "camille", BON).status_code == 302
    # only that account
    assert se_connecter(Client(REMOTE_ADDR="198.51.100.40"), "dominique", BON).status_code == 429


def _adresse_enregistree(settings, mandataires, **meta):
    for cle, valeur in adresse_client(mandataires).items():
        setattr(settings, cle, valeur)
    Client(**meta).post(reverse("connexion"), {"username": "camille", "password": "faux"})
    return AccessAttempt.objects.get().ip_address


def test_sans_mandataire_l_adresse_est_celle_de_la_connexion(settings):
    """X-Forwarded-For, which anyone can write, is not read: one attacker cannot spread its
    failures over made-up addresses."""
    adresse = _adresse_enregistree(settings, 0, REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert adresse == "203.0.113.5"


def test_derriere_un_mandataire_l_adresse_est_celle_qu_il_a_vue(settings):
    """REVERSE_PROXY_COUNT=1: the proxy (10.0.0.2) appended the client's address; what the
    client wrote itself further left (6.6.6.6) is ignored."""
    meta = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.5"}
    assert _adresse_enregistree(settings, 1, **meta) == "203.0.113.5"


def test_derriere_deux_mandataires(settings):
    meta = {"REMOTE_ADDR": "10.0.0.3", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.5, 10.0.0.2"}
    assert _adresse_enregistree(settings, 2, **meta) == "203.0.113.5"

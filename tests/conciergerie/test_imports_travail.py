"""Large imports as jobs (conciergerie/imports/travail.py): a file above ``SEUIL_OCTETS`` is checked
and written by the worker (``conciergerie.tasks.traiter_import``), the page follows the job.

Celery is eager here: the task runs when the request's transaction commits (``transaction=True``
tests) or when the captured on-commit callbacks run. The broker fault is real (a closed port).
"""

import html as html_module
import io
import socket

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from conciergerie.celery import app
from conciergerie.imports import travail
from conciergerie.models import StatutTraitement, TraitementImport
from parcours.models import Apprenant
from tests import factories as f

from .test_imports import csv_bytes
from .test_imports_zip import bombe_lignes_vides

NOMBRE = 1_500


def texte(reponse) -> str:
    return html_module.unescape(reponse.content.decode())


def gros_csv(prefixe="GROS") -> io.BytesIO:
    lignes = [[f"{prefixe}-{n:05d}", "Léa", f"Marchand {n}", "12/04/1998", "rsa", "", "non", "Numéro définitif"] for n in range(NOMBRE)]
    fichier = io.BytesIO(csv_bytes(lignes))
    fichier.name = "gros.csv"
    assert len(fichier.getvalue()) > travail.SEUIL_OCTETS
    return fichier


@pytest.fixture
def admin(db):
    adhesion = f.AdhesionFactory(administrateur=True, user__username="admin-import", projet__nom="Icifornie")
    return adhesion


def _url(projet, nom="import_fichier"):
    return reverse(nom, args=[projet.pk, "apprenants"])


@pytest.mark.django_db(transaction=True)
def test_un_gros_fichier_est_verifie_puis_importe_par_le_worker_une_seule_fois(admin, login):
    projet, user = admin.projet, admin.user
    client = login(user)
    reponse = client.post(_url(projet), {"fichier": gros_csv()})
    assert reponse.status_code == 302
    traitement = TraitementImport.objects.get()
    assert reponse.url == reverse("import_suivi", args=[projet.pk, "apprenants", traitement.pk])
    assert traitement.statut == StatutTraitement.PRET and not traitement.confirmer and traitement.tentatives == 1
    page = client.get(reponse.url)
    html = texte(page)
    assert page.context["resultat"].a_ecrire == NOMBRE and "Confirmer l'import (" in html
    assert "hx-trigger" not in html, "fini : plus de rafraîchissement"
    assert page.context["lignes_masquees"] == NOMBRE - 500
    assert not Apprenant.objects.exists(), "la vérification n'écrit rien"
    depot = page.context["depot"]
    assert default_storage.exists(f"imports/{projet.pk}/{user.pk}/apprenants/{depot}")

    reponse = client.post(_url(projet, "import_confirmer"), {"depot": depot, "nom": "gros.csv"})
    assert reponse.status_code == 302
    confirmation = TraitementImport.objects.get(confirmer=True)
    assert reponse.url.endswith(f"/suivi/{confirmation.pk}/")
    assert confirmation.statut == StatutTraitement.PRET
    html = texte(client.get(reponse.url))
    assert "Import terminé." in html
    assert Apprenant.objects.filter(projet=projet).count() == NOMBRE
    assert not default_storage.exists(f"imports/{projet.pk}/{user.pk}/apprenants/{depot}")

    # a second delivery of the task, a second click: nothing imported twice
    assert travail.executer(confirmation.pk).statut == StatutTraitement.PRET
    reponse = client.post(_url(projet, "import_confirmer"), {"depot": depot}, follow=True)
    assert travail.MESSAGE_DISPARU in texte(reponse)
    assert Apprenant.objects.filter(projet=projet).count() == NOMBRE


def test_en_attente_la_page_se_rafraichit_et_un_autre_ne_la_voit_pas(admin, login, django_capture_on_commit_callbacks):
    client = login(admin.user)
    with django_capture_on_commit_callbacks(execute=False):
        reponse = client.post(_url(admin.projet), {"fichier": gros_csv()})
    traitement = TraitementImport.objects.get()
    assert traitement.statut == StatutTraitement.EN_ATTENTE
    html = texte(client.get(reponse.url))
    assert 'hx-trigger="every 2s"' in html and "traité par le serveur" in html
    autre = f.AdhesionFactory(projet=admin.projet, administrateur=True).user
    assert login(autre).get(reponse.url).status_code == 404


@pytest.fixture
def broker_ferme():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    avant = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = False
    app.conf.broker_url = f"redis://127.0.0.1:{port}/0"
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.broker_url = avant
        app._pool = None
        app.amqp._producer_pool = None


@pytest.mark.django_db(transaction=True)
def test_broker_injoignable_message_francais_et_rien_d_importe(admin, login, broker_ferme):
    client = login(admin.user)
    reponse = client.post(_url(admin.projet), {"fichier": gros_csv()}, follow=True)
    assert reponse.status_code == 200
    assert travail.MESSAGE_INDISPONIBLE in texte(reponse)
    assert TraitementImport.objects.get().statut == StatutTraitement.ECHEC
    assert not Apprenant.objects.exists()


def test_un_import_interrompu_trop_souvent_ou_perdu_finit_en_echec(admin, login):
    projet, user = admin.projet, admin.user
    traitement = TraitementImport.objects.create(
        projet=projet,
        demande_par=user,
        type="apprenants",
        depot="x.csv",
        statut=StatutTraitement.EN_COURS,
        tentatives=travail.TENTATIVES_MAX,
    )
    assert travail.executer(traitement.pk).statut == StatutTraitement.ECHEC
    traitement.refresh_from_db()
    assert traitement.erreur == travail.MESSAGE_INTERROMPU

    perdu = TraitementImport.objects.create(
        projet=projet, demande_par=user, type="apprenants", depot="y.csv", statut=StatutTraitement.EN_COURS, tentatives=1
    )
    TraitementImport.objects.filter(pk=perdu.pk).update(debut=timezone.now() - travail.DELAI_PERDU - timezone.timedelta(minutes=1))
    html = texte(login(user).get(reverse("import_suivi", args=[projet.pk, "apprenants", perdu.pk])))
    assert travail.MESSAGE_INTERROMPU in html and "hx-trigger" not in html
    # its message comes back later (the broker's visibility timeout): it does not run any more
    assert travail.executer(perdu.pk).statut == StatutTraitement.ECHEC
    assert not Apprenant.objects.exists()


def test_une_erreur_technique_dans_le_worker_est_dite_en_francais_sans_chemin(admin, django_capture_on_commit_callbacks, monkeypatch):
    def en_panne(**kwargs):
        raise OSError(13, "Permission denied", "/srv/conciergerie/var/media/imports/1/2/apprenants/x.csv")

    monkeypatch.setattr(travail, "importer", en_panne)
    with django_capture_on_commit_callbacks(execute=True):
        traitement = travail.demander(
            type="apprenants", projet=admin.projet, by=admin.user, confirmer=False, contenu=gros_csv().getvalue(), nom="gros.csv"
        )
    traitement.refresh_from_db()
    assert traitement.statut == StatutTraitement.ECHEC and traitement.erreur == travail.MESSAGE_TECHNIQUE
    assert "/" not in traitement.erreur


def test_une_bombe_zip_est_refusee_aussi_par_le_worker(admin, login, django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setattr(travail, "SEUIL_OCTETS", 0)  # every file through the worker
    fichier = io.BytesIO(bombe_lignes_vides())
    fichier.name = "bombe.xlsx"
    client = login(admin.user)
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(_url(admin.projet), {"fichier": fichier})
    html = texte(client.get(reponse.url))
    assert "vides comprises" in html and "Fichier refusé." in html
    assert not Apprenant.objects.exists()

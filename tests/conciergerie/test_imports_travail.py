"""Large imports as jobs (conciergerie/imports/travail.py): a file above ``SEUIL_OCTETS`` is checked
and written by the worker (``conciergerie.tasks.traiter_import``), the page follows the job.

Celery is eager here: the task runs when the request's transaction commits (``transaction=True``
tests) or when the captured on-commit callbacks run. The broker fault is real (a closed port).
"""

import html as html_module
import io
import socket
import threading
import time

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from conciergerie.celery import app
from conciergerie.imports import importer, travail
from conciergerie.imports.resource import PAS_PROGRESSION
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
    assert (traitement.lignes_faites, traitement.lignes_total) == (NOMBRE, NOMBRE)
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
    # the technical detail is kept for the platform's administrators (the Django admin only)
    assert "PermissionError: [Errno 13] Permission denied: '/srv/conciergerie/var/media/imports/" in traitement.detail
    assert "Traceback (most recent call last)" in traitement.detail


def test_le_detail_technique_est_dans_l_admin_et_jamais_sur_la_page(admin, login):
    chemin = "/srv/conciergerie/var/media/imports/1/2/apprenants/x.csv"
    traitement = TraitementImport.objects.create(
        projet=admin.projet,
        demande_par=admin.user,
        type="apprenants",
        depot="x.csv",
        statut=StatutTraitement.ECHEC,
        erreur=travail.MESSAGE_TECHNIQUE,
        detail=f"Traceback (most recent call last):\nPermissionError: [Errno 13] Permission denied: '{chemin}'",
    )
    html = texte(login(admin.user).get(reverse("import_suivi", args=[admin.projet.pk, "apprenants", traitement.pk])))
    assert travail.MESSAGE_TECHNIQUE in html and chemin not in html and "Errno" not in html
    racine = f.UserFactory(username="racine", is_staff=True, is_superuser=True)
    html = texte(login(racine).get(reverse("admin:conciergerie_traitementimport_change", args=[traitement.pk])))
    assert chemin in html and "détail technique (administrateurs)" in html.lower()


def test_l_import_annonce_sa_progression_toutes_les_cent_lignes(admin):
    appels = []
    resultat = importer(
        type="apprenants",
        fichier=gros_csv().getvalue(),
        nom="gros.csv",
        projet=admin.projet,
        by=admin.user,
        progression=lambda faites, total: appels.append((faites, total)),
    )
    assert resultat.valide
    assert appels[0] == (0, NOMBRE) and appels[-1] == (NOMBRE, NOMBRE)
    assert [faites for faites, _ in appels] == [0, *range(PAS_PROGRESSION, NOMBRE, PAS_PROGRESSION), NOMBRE]


@pytest.mark.django_db(transaction=True)
def test_la_progression_est_ecrite_par_un_fil_avec_sa_propre_connexion(admin):
    """In a worker on PostgreSQL the import's transaction stays open until its end: the progress is
    written by a thread of its own (its own connection), every ``periode``, only when it changed,
    and only on a running job; it stops with the work."""
    traitement = TraitementImport.objects.create(
        projet=admin.projet, demande_par=admin.user, type="apprenants", depot="x.csv", statut=StatutTraitement.EN_COURS
    )
    fils_avant = threading.active_count()
    with travail.Progression(traitement.pk, periode=0.05, actif=True) as progression:
        progression.avancer(300, NOMBRE)
        time.sleep(0.4)
        traitement.refresh_from_db()
        assert (traitement.lignes_faites, traitement.lignes_total) == (300, NOMBRE)
        progression.avancer(1_200, NOMBRE)
        time.sleep(0.4)
    traitement.refresh_from_db()
    assert (traitement.lignes_faites, traitement.lignes_total) == (1_200, NOMBRE)
    assert threading.active_count() == fils_avant, "le fil s'arrête avec le travail"
    # not started where it would wait for the import's lock (SQLite) or where no page polls (eager)
    assert not travail.Progression(traitement.pk).actif


def test_la_page_de_suivi_montre_la_progression(admin, login):
    traitement = TraitementImport.objects.create(
        projet=admin.projet,
        demande_par=admin.user,
        type="apprenants",
        depot="x.csv",
        nom_fichier="gros.csv",
        statut=StatutTraitement.EN_COURS,
        debut=timezone.now(),
    )
    url = reverse("import_suivi", args=[admin.projet.pk, "apprenants", traitement.pk])
    client = login(admin.user)
    html = texte(client.get(url))
    assert "Lecture du fichier…" in html and "<progress" not in html
    TraitementImport.objects.filter(pk=traitement.pk).update(lignes_faites=12_300, lignes_total=20_000)
    html = texte(client.get(url, headers={"HX-Request": "true"}))
    assert '<progress max="20000" value="12300"' in html
    assert "12\u202f300\u00a0lignes traitées sur 20\u202f000" in html and 'hx-trigger="every 2s"' in html


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


def test_la_tache_d_import_a_des_limites_de_temps_et_de_memoire():
    from django.conf import settings

    from conciergerie.tasks import traiter_import

    assert (traiter_import.soft_time_limit, traiter_import.time_limit) == (240, 300)
    assert app.conf.worker_max_memory_per_child == settings.CELERY_WORKER_MAX_MEMORY_PER_CHILD == 512 * 1024
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > traiter_import.time_limit

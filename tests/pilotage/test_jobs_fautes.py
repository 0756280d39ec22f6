"""The jobs under faults (pilotage.jobs): a broker that cannot be reached when the job is asked for
(the outbox and its sweeper), a worker that stops beating (heartbeat), a full disk while the file
is written (atomic write), errors that would show server paths (one sanitiser).

The broker fault is real: the Celery app is pointed at a closed local port, so publishing fails as
it does with Redis stopped. The real worker on Redis (a worker killed with SIGKILL, Redis stopped
then back) is in test_jobs_worker.py.
"""

import errno
import socket
import threading
import time
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from conciergerie.celery import app
from pilotage import bilans, jobs, rapports
from pilotage.indicateurs import Periode
from pilotage.models import BilanExcel, RapportCopil, StatutJob, StatutRapport
from tests import factories as f

pytestmark = pytest.mark.django_db


def fichiers_media() -> list:
    racine = django_settings.MEDIA_ROOT
    return sorted(p for p in racine.rglob("*") if p.is_file()) if racine.exists() else []


def _reinitialiser_connexions():
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker_ferme():
    """The Celery app publishes to a Redis URL on a port where nothing listens (Redis down)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    avant = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = False
    app.conf.broker_url = f"redis://127.0.0.1:{port}/0"
    _reinitialiser_connexions()
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.broker_url = avant
        _reinitialiser_connexions()


@pytest.fixture
def copil(monde):
    projet = monde["A"]
    f.RecitFactory(projet=projet, copil=True, titre="Un récit", date=timezone.localdate())
    debut = timezone.localdate() - timedelta(days=90)
    return f.CopilFactory(projet=projet, periode_debut=debut, periode_fin=timezone.localdate())


def demander(copil, user, capture) -> RapportCopil:
    with capture(execute=True):
        rapport = rapports.demander_rapport(copil=copil, by=user)
    rapport.refresh_from_db()
    return rapport


# ------------------------------------------------------------------ broker down: the outbox


@pytest.mark.django_db(transaction=True)
def test_broker_injoignable_le_job_attend_avec_un_message_puis_part_une_seule_fois(copil, monde, login, broker_ferme):
    """Committed for real (transaction=True): the task is sent when the request's transaction
    commits, before the page is answered, as in production."""
    client = login(monde["users"]["coordinateur"])
    url = reverse("rapport_demander", kwargs={"projet_id": copil.projet_id, "pk": copil.pk})
    debut = time.monotonic()
    reponse = client.post(url, follow=True)
    assert time.monotonic() - debut < 3, "la requête n'attend pas le broker"
    assert reponse.status_code == 200
    html = reponse.content.decode()
    assert jobs.MESSAGE_FILE_INDISPONIBLE in html  # the flash message, and the status block
    rapport = RapportCopil.objects.get(copil=copil)
    assert rapport.statut == StatutRapport.EN_ATTENTE and rapport.envoi_en_echec and rapport.envoye_le is None
    assert rapport.tentatives == 0

    # a second click while it waits: the same job, the same message, no second row
    reponse = client.post(url, follow=True)
    assert jobs.MESSAGE_FILE_INDISPONIBLE in reponse.content.decode()
    assert RapportCopil.objects.filter(copil=copil).count() == 1

    # the sweeper while the broker is still down: nothing lost, still waiting
    assert jobs.balayer() == {"repris": 0, "echoues": 0, "envoyes": 0}
    rapport.refresh_from_db()
    assert rapport.statut == StatutRapport.EN_ATTENTE and rapport.envoi_en_echec

    # the broker is back (here: eager, the embedded mode): the sweeper sends it, it runs once
    app.conf.task_always_eager = True
    assert jobs.balayer()["envoyes"] == 1
    rapport.refresh_from_db()
    assert rapport.statut == StatutRapport.PRET, rapport.erreur
    assert rapport.tentatives == 1 and not rapport.envoi_en_echec and rapport.envoye_le is not None
    # later sweeps leave it alone: one run, one file
    assert jobs.balayer() == {"repris": 0, "echoues": 0, "envoyes": 0}
    assert len(fichiers_media()) == 1
    statut = client.get(reverse("rapport_statut", kwargs={"projet_id": copil.projet_id, "pk": rapport.pk})).content.decode()
    assert jobs.MESSAGE_FILE_INDISPONIBLE not in statut


def test_un_bilan_demande_broker_injoignable_n_est_pas_perdu(monde, broker_ferme, django_capture_on_commit_callbacks):
    adm = monde["users"]["administrateur"]
    periode = Periode(timezone.localdate() - timedelta(days=30), timezone.localdate())
    with django_capture_on_commit_callbacks(execute=True):
        bilan = bilans.demander_bilan(projet=monde["A"], periode=periode, by=adm)
    bilan.refresh_from_db()
    assert bilan.statut == StatutJob.EN_ATTENTE and bilan.envoi_en_echec
    app.conf.task_always_eager = True
    assert jobs.balayer()["envoyes"] == 1
    bilan.refresh_from_db()
    assert bilan.statut == StatutJob.PRET and bilan.tentatives == 1


def test_un_job_jamais_envoye_part_apres_le_delai_et_un_job_envoye_recent_n_est_pas_renvoye(
    copil, monde, django_capture_on_commit_callbacks
):
    """The request's process died between the commit and the sending: nothing was sent, no failure
    recorded. Within DELAI_ENVOI the sweeper waits (the sending may be under way), after it sends."""
    with django_capture_on_commit_callbacks(execute=False):
        rapport = rapports.demander_rapport(copil=copil, by=monde["users"]["coordinateur"])
    assert jobs.balayer()["envoyes"] == 0
    assert jobs.balayer(maintenant=timezone.now() + jobs.DELAI_ENVOI + timedelta(seconds=1))["envoyes"] == 1
    rapport.refresh_from_db()
    assert rapport.statut == StatutRapport.PRET and rapport.tentatives == 1


def test_un_job_envoye_mais_perdu_par_le_broker_est_renvoye_apres_delai_blocage(copil, monde, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        rapport = rapports.demander_rapport(copil=copil, by=monde["users"]["coordinateur"])
    envoye = timezone.now() - timedelta(minutes=5)
    RapportCopil.objects.filter(pk=rapport.pk).update(envoye_le=envoye, cree_le=envoye)  # sent, still waiting
    assert jobs.balayer()["envoyes"] == 0, "un message dans la file depuis 5 min n'est pas renvoyé"
    assert jobs.balayer(maintenant=envoye + jobs.DELAI_BLOCAGE + timedelta(seconds=1))["envoyes"] == 1
    rapport.refresh_from_db()
    assert rapport.statut == StatutRapport.PRET


def test_envoyer_deux_fois_ne_publie_qu_une_fois(copil, monde, django_capture_on_commit_callbacks, monkeypatch):
    with django_capture_on_commit_callbacks(execute=False):
        rapport = rapports.demander_rapport(copil=copil, by=monde["users"]["coordinateur"])
    publies = []
    monkeypatch.setattr("pilotage.tasks.generer_rapport_copil.apply_async", lambda *a, **k: publies.append(k.get("args")))
    assert jobs.envoyer(RapportCopil, rapport.pk) is True
    assert jobs.envoyer(RapportCopil, rapport.pk) is False
    assert publies == [[rapport.pk]]


# ------------------------------------------------------------------ heartbeat


def test_un_second_message_pendant_que_le_job_bat_ne_le_relance_pas(copil, monde, django_capture_on_commit_callbacks, monkeypatch):
    """The message comes back (visibility timeout, a re-sending) while a worker runs the job and
    beats: nothing is started, nothing counted."""
    with django_capture_on_commit_callbacks(execute=False):
        rapport = rapports.demander_rapport(copil=copil, by=monde["users"]["coordinateur"])
    RapportCopil.objects.filter(pk=rapport.pk).update(
        statut=StatutRapport.EN_COURS, tentatives=1, debut=timezone.now(), battement=timezone.now(), progression=40
    )
    rendus = []
    monkeypatch.setattr(rapports, "_produire", lambda *a: rendus.append(1))
    rapport = rapports.generer_rapport(rapport_id=rapport.pk)
    assert rendus == [] and rapport.statut == StatutRapport.EN_COURS and rapport.tentatives == 1
    assert jobs.balayer() == {"repris": 0, "echoues": 0, "envoyes": 0}


def test_un_job_sans_battement_est_remis_en_file_une_fois_et_fini(copil, monde, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        rapport = rapports.demander_rapport(copil=copil, by=monde["users"]["coordinateur"])
    vieux = timezone.now() - jobs.DELAI_BATTEMENT - timedelta(seconds=5)
    RapportCopil.objects.filter(pk=rapport.pk).update(
        statut=StatutRapport.EN_COURS, tentatives=1, debut=vieux, battement=vieux, progression=70, envoye_le=vieux
    )
    compte = jobs.balayer()
    assert compte == {"repris": 1, "echoues": 0, "envoyes": 1}
    rapport.refresh_from_db()
    assert rapport.statut == StatutRapport.PRET and rapport.tentatives == 2
    assert jobs.balayer() == {"repris": 0, "echoues": 0, "envoyes": 0}
    assert len(fichiers_media()) == 1


def test_un_job_tue_trop_souvent_echoue_avec_un_message_en_francais(copil, monde, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        rapport = rapports.demander_rapport(copil=copil, by=monde["users"]["coordinateur"])
    vieux = timezone.now() - jobs.DELAI_BATTEMENT - timedelta(seconds=5)
    RapportCopil.objects.filter(pk=rapport.pk).update(
        statut=StatutRapport.EN_COURS, tentatives=jobs.TENTATIVES_MAX, debut=vieux, battement=vieux
    )
    assert jobs.balayer() == {"repris": 0, "echoues": 1, "envoyes": 0}
    rapport.refresh_from_db()
    assert rapport.statut == StatutRapport.ECHEC and rapport.fin is not None
    assert rapport.erreur.startswith(f"Interrompu {jobs.TENTATIVES_MAX} fois avant la fin")
    assert jobs.relancable(rapport)


def test_un_job_qui_bat_n_est_pas_bloque(copil, monde):
    rapport = f.RapportCopilFactory(copil=copil, statut=StatutRapport.EN_COURS, debut=timezone.now() - timedelta(hours=1))
    rapport.battement = timezone.now()
    assert not jobs.bloque(rapport)
    rapport.battement = timezone.now() - jobs.DELAI_BLOCAGE - timedelta(seconds=1)
    assert jobs.bloque(rapport)


@pytest.mark.django_db(transaction=True)
def test_le_battement_est_rafraichi_par_un_fil_pendant_le_travail(settings):
    """The heartbeat thread writes through its own connection while the worker's thread is busy
    (a long render calls nothing back), and stops with the work."""
    settings.CELERY_TASK_ALWAYS_EAGER = False  # as in a worker
    vieux = timezone.now() - timedelta(minutes=5)
    rapport = f.RapportCopilFactory(statut=StatutRapport.EN_COURS, debut=vieux, battement=vieux)
    fils_avant = threading.active_count()
    with jobs.Battement(RapportCopil, rapport.pk, periode=0.05):
        time.sleep(0.6)
    rapport.refresh_from_db()
    assert rapport.battement > vieux + timedelta(minutes=4)
    assert threading.active_count() == fils_avant
    fige = rapport.battement
    time.sleep(0.2)
    rapport.refresh_from_db()
    assert rapport.battement == fige, "plus de battement une fois le travail fini"


def test_visibility_timeout_au_dessus_des_limites_de_temps_et_balayage_planifie():
    from pilotage import tasks

    limites = [t.time_limit for t in (tasks.generer_rapport_copil, tasks.generer_bilan_excel)]
    visibilite = django_settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert visibilite > max(limites)
    assert jobs.DELAI_BATTEMENT.total_seconds() > 3 * jobs.BATTEMENT_PERIODE
    assert all(t.acks_late and t.reject_on_worker_lost for t in (tasks.generer_rapport_copil, tasks.generer_bilan_excel))
    planifies = {e["task"]: e["schedule"] for e in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert planifies["pilotage.tasks.balayer_jobs"] <= 60
    assert "pilotage.tasks.balayer_jobs" in app.tasks


# ------------------------------------------------------------------ full disk: atomic write


def _disque_plein_a_mi_chemin(monkeypatch):
    """The write of the file's content fails with ENOSPC after a first part was written."""
    original = jobs._ecrire_bloc

    def ecrire(fichier, bloc):
        original(fichier, bloc[: len(bloc) // 2])
        raise OSError(errno.ENOSPC, "No space left on device", str(django_settings.MEDIA_ROOT / "projets" / "x.pdf"))

    monkeypatch.setattr(jobs, "_ecrire_bloc", ecrire)


def test_disque_plein_aucun_fichier_partiel_message_sans_chemin_puis_relance(copil, monde, django_capture_on_commit_callbacks, monkeypatch):
    _disque_plein_a_mi_chemin(monkeypatch)
    rapport = demander(copil, monde["users"]["coordinateur"], django_capture_on_commit_callbacks)
    assert rapport.statut == StatutRapport.ECHEC and not rapport.fichier
    assert rapport.erreur == rapports.PREFIXE_ERREUR + jobs.MESSAGE_DISQUE_PLEIN
    assert rapport.erreur.startswith("Échec du rendu : Espace disque insuffisant")
    assert "/" not in rapport.erreur and "Errno" not in rapport.erreur
    assert fichiers_media() == [], "aucun fichier partiel ni temporaire"
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        rapports.relancer_rapport(rapport=rapport, by=monde["users"]["coordinateur"])
    rapport.refresh_from_db()
    assert rapport.statut == StatutRapport.PRET and rapport.erreur == ""
    assert [p.name for p in fichiers_media()] == [rapport.fichier.name.rsplit("/", 1)[-1]]
    assert rapport.fichier.read().startswith(b"%PDF-")


def test_disque_plein_pendant_l_ecriture_d_un_bilan(monde, django_capture_on_commit_callbacks, monkeypatch):
    _disque_plein_a_mi_chemin(monkeypatch)
    periode = Periode(timezone.localdate() - timedelta(days=30), timezone.localdate())
    with django_capture_on_commit_callbacks(execute=True):
        bilan = bilans.demander_bilan(projet=monde["A"], periode=periode, by=monde["users"]["administrateur"])
    bilan.refresh_from_db()
    assert bilan.statut == StatutJob.ECHEC and jobs.MESSAGE_DISQUE_PLEIN in bilan.erreur
    assert fichiers_media() == []
    assert BilanExcel.objects.get(pk=bilan.pk).fichier.name == ""


def test_un_renommage_refuse_ne_laisse_rien_et_ne_montre_pas_le_chemin(copil, monde, django_capture_on_commit_callbacks, monkeypatch):
    def refuse(source, cible):
        raise PermissionError(errno.EPERM, "Operation not permitted", str(cible))

    monkeypatch.setattr(jobs.os, "replace", refuse)
    rapport = demander(copil, monde["users"]["coordinateur"], django_capture_on_commit_callbacks)
    assert rapport.statut == StatutRapport.ECHEC
    assert rapport.erreur == rapports.PREFIXE_ERREUR + jobs.MESSAGE_ECRITURE
    assert fichiers_media() == []


# ------------------------------------------------------------------ errors without paths


@pytest.mark.parametrize(
    ("brut", "attendu"),
    [
        (
            "[Errno 1] Operation not permitted: '/srv/app/var/media/projets/1/rapports/r.pdf'",
            "[Errno 1] Operation not permitted: '(chemin masqué)'",
        ),
        ("police introuvable : C:\\Windows\\Fonts\\x.ttf", "police introuvable : (chemin masqué)"),
        (
            'Traceback (most recent call last):\n  File "/usr/lib/python3/x.py", line 3, in f\nValueError: valeur 12/05/2025 refusée',
            "ValueError: valeur 12/05/2025 refusée",
        ),
        (
            "Période du 01/09/2024 au 30/06/2025 : 12,5 % https://exemple.org/a/b",
            "Période du 01/09/2024 au 30/06/2025 : 12,5 % https://exemple.org/a/b",
        ),
    ],
)
def test_nettoyer_retire_chemins_et_traces(brut, attendu):
    assert jobs.nettoyer(brut) == attendu


def test_une_erreur_avec_un_chemin_n_est_ni_gardee_ni_montree(copil, monde, login, django_capture_on_commit_callbacks, monkeypatch, caplog):
    def en_panne(*args):
        raise RuntimeError("gabarit illisible : /srv/conciergerie/templates/pilotage/rapport_pdf.html")

    monkeypatch.setattr(rapports, "_produire", en_panne)
    rapport = demander(copil, monde["users"]["coordinateur"], django_capture_on_commit_callbacks)
    assert rapport.statut == StatutRapport.ECHEC
    assert rapport.erreur == "Échec du rendu : gabarit illisible : (chemin masqué)"
    assert any(r.exc_info and "/srv/conciergerie/templates" in str(r.exc_info[1]) for r in caplog.records), "le détail est au journal"
    for role in ("coordinateur", "financeur"):
        page = login(monde["users"][role]).get(reverse("rapport_statut", kwargs={"projet_id": copil.projet_id, "pk": rapport.pk}))
        html = page.content.decode()
        assert "gabarit illisible" in html and "/srv/" not in html
        # the COPIL page, where the report's block is shown too
        html = login(monde["users"][role]).get(reverse("copil_detail", kwargs={"projet_id": copil.projet_id, "pk": copil.pk}))
        assert "gabarit illisible" in html.content.decode() and "/srv/" not in html.content.decode()
    # the technical detail (the path, the traceback) is kept for the platform's administrators:
    # in the log and on the job's row, which only the Django admin shows
    assert "RuntimeError: gabarit illisible : /srv/conciergerie/templates/pilotage/rapport_pdf.html" in rapport.detail
    assert "Traceback (most recent call last)" in rapport.detail
    racine = f.UserFactory(username="racine", is_staff=True, is_superuser=True)
    html = login(racine).get(reverse("admin:pilotage_rapportcopil_change", args=[rapport.pk])).content.decode()
    assert "/srv/conciergerie/templates/pilotage/rapport_pdf.html" in html
    # a retry that succeeds clears both
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        rapports.relancer_rapport(rapport=rapport, by=monde["users"]["coordinateur"])
    rapport.refresh_from_db()
    assert rapport.statut == StatutRapport.PRET and rapport.erreur == rapport.detail == ""


def test_les_erreurs_systeme_ont_un_texte_francais():
    from celery.exceptions import SoftTimeLimitExceeded

    assert jobs.texte_erreur(SoftTimeLimitExceeded()) == jobs.MESSAGE_TEMPS
    assert jobs.texte_erreur(MemoryError()) == jobs.MESSAGE_MEMOIRE
    assert jobs.texte_erreur(OSError(errno.EDQUOT, "Disk quota exceeded", "/x/y")) == jobs.MESSAGE_DISQUE_PLEIN
    assert jobs.texte_erreur(FileNotFoundError(errno.ENOENT, "No such file", "/x/y")) == jobs.MESSAGE_ECRITURE

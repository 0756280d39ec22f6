"""The COPIL report through a real Celery worker on a real Redis (CI's worker run).

Selected only with REDIS_URL and a PostgreSQL DATABASE_URL (tests/pilotage/conftest.py): the
worker is another process, so the test data must be committed (``transaction=True``) and the
worker must reach the test database (its name is passed in DATABASE_URL) and the test's media
directory (MEDIA_ROOT). Each worker started here is stopped at the end of its test. Under
pytest-xdist, the workers of each pytest process have names and a queue of their own (the queue is
set in tests/pilotage/conftest.py): another process's worker never takes this one's tasks.
"""

import io
import os
import signal
import subprocess
import sys
import time
from datetime import date as D
from pathlib import Path

import pypdf
import pytest
from django.conf import settings
from django.db import connection

from conciergerie.celery import app
from pilotage import rapports
from pilotage.models import RapportCopil, StatutRapport
from pilotage.tasks import generer_rapport_copil
from tests import factories as f

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

RACINE = Path(__file__).resolve().parents[2]
ATTENTE = 90  # seconds: a worker starts in a few seconds, a report renders in one or two
PROCESSUS = os.environ.get("PYTEST_XDIST_WORKER", "seul")  # gw0, gw1… under pytest-xdist


def _url_base_de_test() -> str:
    s = connection.settings_dict
    hote = s.get("HOST") or "127.0.0.1"
    port = f":{s['PORT']}" if s.get("PORT") else ""
    identifiants = s.get("USER") or ""
    if s.get("PASSWORD"):
        identifiants += f":{s['PASSWORD']}"
    if identifiants:
        identifiants += "@"
    return f"postgres://{identifiants}{hote}{port}/{s['NAME']}"


def _demarrer_worker(media_root, nom: str, *, env_en_plus: dict | None = None, options: tuple = ()) -> subprocess.Popen:
    """A worker in a process group of its own (``os.killpg`` stops the main process and its pool);
    ``env_en_plus`` and ``options`` (e.g. ``--include=…``) for the fault tests."""
    env = {
        **os.environ,
        "DATABASE_URL": _url_base_de_test(),
        "MEDIA_ROOT": str(media_root),
        "DJANGO_SETTINGS_MODULE": "conciergerie.settings",
        **(env_en_plus or {}),
    }
    journal = open(Path(settings.MEDIA_ROOT).parent / f"worker-{nom}.log", "wb")  # noqa: SIM115 (closed by the fixture)
    processus = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "conciergerie",
            "worker",
            "--pool=prefork",
            "--concurrency=1",
            f"--queues={app.conf.task_default_queue}",
            f"--hostname={nom}-{PROCESSUS}@%h",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            *options,
        ],
        cwd=RACINE,
        env=env,
        stdout=journal,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    processus.journal = journal
    limite = time.monotonic() + ATTENTE
    while time.monotonic() < limite:
        if processus.poll() is not None:
            raise RuntimeError(f"le worker s'est arrêté : {Path(journal.name).read_text(errors='replace')[-3000:]}")
        reponses = app.control.ping(destination=[f"{nom}-{PROCESSUS}@{os.uname().nodename}"], timeout=1.0)
        if reponses:
            return processus
    raise RuntimeError("le worker n'a pas répondu à temps")


def _arreter(processus: subprocess.Popen) -> None:
    if processus.poll() is None:
        processus.send_signal(signal.SIGTERM)
        try:
            processus.wait(timeout=30)
        except subprocess.TimeoutExpired:
            processus.kill()
            processus.wait()
    processus.journal.close()


@pytest.fixture
def worker():
    # purge what an earlier run may have left in the queue
    app.control.purge()
    processus = _demarrer_worker(settings.MEDIA_ROOT, "rapports")
    yield processus
    _arreter(processus)


def _attendre(rapport, statuts=(StatutRapport.PRET, StatutRapport.ECHEC)) -> RapportCopil:
    limite = time.monotonic() + ATTENTE
    vus = []
    while time.monotonic() < limite:
        rapport.refresh_from_db()
        if not vus or vus[-1] != (rapport.statut, rapport.progression):
            vus.append((rapport.statut, rapport.progression))
        if rapport.statut in statuts:
            return rapport
        time.sleep(0.1)
    raise AssertionError(f"le rapport n'est pas terminé (états vus : {vus})")


def _attendre_tache(processus: subprocess.Popen, tache_id: str) -> None:
    """Wait until the worker's log says the task ran (there is no result backend)."""
    limite = time.monotonic() + ATTENTE
    while time.monotonic() < limite:
        processus.journal.flush()
        if f"[{tache_id}] succeeded" in Path(processus.journal.name).read_text(errors="replace"):
            return
        time.sleep(0.2)
    raise AssertionError(f"la tâche {tache_id} n'a pas été exécutée")


@pytest.fixture
def copil(monde):
    projet = monde["A"]
    projet.nom = "Conciergerie du Marsan"
    projet.save()
    for _ in range(5):
        f.ApprenantFactory(projet=projet)
    f.RecitFactory(projet=projet, copil=True, titre="La première promotion", date=D(2025, 3, 3))
    return f.CopilFactory(projet=projet, date=D(2025, 7, 22), periode_debut=D(2024, 9, 1), periode_fin=D(2025, 6, 30))


def test_le_worker_genere_le_rapport_apres_le_commit(worker, copil, monde):
    assert not settings.CELERY_TASK_ALWAYS_EAGER, "ce test exige un vrai worker"
    rapport = rapports.demander_rapport(copil=copil, by=monde["users"]["coordinateur"])  # autocommit: enqueued at once
    rapport = _attendre(rapport)

    assert rapport.statut == StatutRapport.PRET, rapport.erreur
    assert rapport.progression == 100 and rapport.debut <= rapport.fin
    chemin = Path(settings.MEDIA_ROOT) / rapport.fichier.name
    contenu = chemin.read_bytes()
    assert contenu.startswith(b"%PDF-")
    texte = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(contenu)).pages)
    assert "Conciergerie du Marsan" in texte and "La première promotion" in texte


def test_deux_livraisons_de_la_tache_un_seul_rapport(worker, copil, monde):
    rapport = rapports.demander_rapport(copil=copil, by=monde["users"]["coordinateur"])
    generer_rapport_copil.delay(rapport.pk)  # the same job delivered a second time
    rapport = _attendre(rapport)
    assert rapport.statut == StatutRapport.PRET, rapport.erreur
    premier = (rapport.fichier.name, rapport.fin)
    # a third delivery once it is ready: the worker leaves it alone
    resultat = generer_rapport_copil.apply_async(args=[rapport.pk])
    _attendre_tache(worker, resultat.id)
    rapport.refresh_from_db()
    assert (rapport.fichier.name, rapport.fin) == premier
    assert RapportCopil.objects.filter(copil=copil).count() == 1
    assert len(list(Path(settings.MEDIA_ROOT).rglob("*.pdf"))) == 1


def test_un_echec_dans_le_worker_est_garde_sur_le_job_puis_relance(copil, monde, tmp_path):
    """A worker that cannot write the file (its MEDIA_ROOT is a plain file): the job fails with its
    error; a healthy worker then retries it successfully."""
    app.control.purge()
    bloquant = tmp_path / "pas-un-dossier"
    bloquant.write_text("ceci n'est pas un dossier")
    malade = _demarrer_worker(bloquant, "malade")
    try:
        rapport = rapports.demander_rapport(copil=copil, by=monde["users"]["coordinateur"])
        rapport = _attendre(rapport)
    finally:
        _arreter(malade)
    assert rapport.statut == StatutRapport.ECHEC
    assert rapport.erreur.startswith(rapports.PREFIXE_ERREUR) and len(rapport.erreur) > len(rapports.PREFIXE_ERREUR)
    assert not rapport.fichier and rapport.fin is not None

    sain = _demarrer_worker(settings.MEDIA_ROOT, "sain")
    try:
        rapports.relancer_rapport(rapport=rapport, by=monde["users"]["administrateur"])
        rapport = _attendre(rapport)
    finally:
        _arreter(sain)
    assert rapport.statut == StatutRapport.PRET and rapport.erreur == ""
    assert (Path(settings.MEDIA_ROOT) / rapport.fichier.name).read_bytes().startswith(b"%PDF-")

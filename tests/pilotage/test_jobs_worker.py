"""Jobs under real faults, with a real Celery worker on a real Redis (CI's worker run; selected only
with REDIS_URL and a PostgreSQL DATABASE_URL, tests/pilotage/conftest.py):

- the whole worker (main process and pool) killed with SIGKILL in the middle of a render: the job
  stops beating, the sweeper re-queues it, a new worker makes the report, once;
- Redis stopped when the report is asked for: no error, the job waits with its French message;
  Redis back, the sweeper sends it and the worker makes it, once.

The sweeper (``pilotage.jobs.balayer``, what beat runs every minute) is called by the test, with
its clock moved past ``DELAI_BATTEMENT`` rather than waiting a minute.
"""

import os
import shutil
import signal
import socket
import subprocess
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from conciergerie.celery import app
from pilotage import jobs, rapports
from pilotage.models import RapportCopil, StatutRapport
from pilotage.tasks import generer_rapport_copil

from .test_rapport_worker import ATTENTE, _arreter, _attendre, _attendre_tache, _demarrer_worker, copil  # noqa: F401

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

LENTEUR = 120  # seconds: the killed worker's render never ends by itself


def _fichiers_media() -> list[Path]:
    return sorted(p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())


def _attendre_que(condition, message: str, delai: float = 60):
    limite = time.monotonic() + delai
    while time.monotonic() < limite:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(message)


def test_worker_tue_en_plein_rendu_le_rapport_est_fait_une_fois(copil, monde):  # noqa: F811
    app.control.purge()
    lent = _demarrer_worker(
        settings.MEDIA_ROOT, "lent", env_en_plus={"LENTEUR_RENDU": str(LENTEUR)}, options=("--include=tests.pilotage.lenteur_worker",)
    )
    try:
        rapport = rapports.demander_rapport(copil=copil, by=monde["users"]["coordinateur"])
        # in the render (70 %), and beating: the heartbeat thread has written at least once
        _attendre_que(
            lambda: RapportCopil.objects.filter(pk=rapport.pk, progression=70).exists(), "le rendu n'a pas commencé", delai=ATTENTE
        )
        debut = RapportCopil.objects.get(pk=rapport.pk).debut
        _attendre_que(
            lambda: RapportCopil.objects.get(pk=rapport.pk).battement > debut + timedelta(seconds=jobs.BATTEMENT_PERIODE / 2),
            "pas de battement pendant le rendu",
            delai=jobs.BATTEMENT_PERIODE * 3,
        )
        os.killpg(lent.pid, signal.SIGKILL)  # the whole worker, main process and pool
        lent.wait(timeout=30)
    finally:
        _arreter(lent)
    rapport.refresh_from_db()
    assert rapport.statut == StatutRapport.EN_COURS and rapport.tentatives == 1, "un worker tué ne termine rien"
    battement = rapport.battement
    time.sleep(jobs.BATTEMENT_PERIODE + 1)
    rapport.refresh_from_db()
    assert rapport.battement == battement, "plus personne ne bat pour ce job"

    sain = _demarrer_worker(settings.MEDIA_ROOT, "sain")
    try:
        assert jobs.balayer() == {"repris": 0, "echoues": 0, "envoyes": 0}, "un battement récent : pas encore perdu"
        plus_tard = timezone.now() + jobs.DELAI_BATTEMENT + timedelta(seconds=1)
        assert jobs.balayer(maintenant=plus_tard) == {"repris": 1, "echoues": 0, "envoyes": 1}
        rapport = _attendre(rapport)
        assert rapport.statut == StatutRapport.PRET, rapport.erreur
        assert rapport.tentatives == 2 and rapport.erreur == ""
        fait = (rapport.fichier.name, rapport.fin)
        # the killed worker's message comes back (after the visibility timeout): nothing is redone
        resultat = generer_rapport_copil.apply_async(args=[rapport.pk])
        _attendre_tache(sain, resultat.id)
        assert jobs.balayer(maintenant=plus_tard + timedelta(minutes=5)) == {"repris": 0, "echoues": 0, "envoyes": 0}
    finally:
        _arreter(sain)
    rapport.refresh_from_db()
    assert (rapport.fichier.name, rapport.fin, rapport.tentatives) == (*fait, 2)
    assert RapportCopil.objects.filter(copil=copil).count() == 1
    fichiers = _fichiers_media()
    assert [p.suffix for p in fichiers] == [".pdf"], fichiers  # one PDF, no partial or temporary file
    assert fichiers[0].read_bytes().startswith(b"%PDF-")


def _port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisAMoi:
    """A redis-server of this test only (the shared one stays up for the others)."""

    def __init__(self, dossier: Path):
        self.port = _port_libre()
        self.dossier = dossier
        self.processus = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def demarrer(self):
        self.processus = subprocess.Popen(
            [
                shutil.which("redis-server") or "/usr/bin/redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dossier),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        limite = time.monotonic() + 20
        while time.monotonic() < limite:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("redis-server n'a pas démarré")

    def arreter(self):
        if self.processus is not None and self.processus.poll() is None:
            self.processus.terminate()
            self.processus.wait(timeout=20)


def _pointer_vers(url: str):
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def redis_a_moi(tmp_path):
    redis = RedisAMoi(tmp_path)
    redis.demarrer()
    avant = app.conf.broker_url
    _pointer_vers(redis.url)
    yield redis
    redis.arreter()
    _pointer_vers(avant)


def test_redis_arrete_a_la_demande_le_rapport_part_a_son_retour_une_fois(copil, monde, redis_a_moi):  # noqa: F811
    from django.urls import reverse

    from tests.connexion import connecter

    worker = _demarrer_worker(settings.MEDIA_ROOT, "retour", env_en_plus={"REDIS_URL": redis_a_moi.url})
    try:
        redis_a_moi.arreter()  # Redis down
        client = connecter(monde["users"]["coordinateur"])
        debut = time.monotonic()
        reponse = client.post(reverse("rapport_demander", kwargs={"projet_id": copil.projet_id, "pk": copil.pk}), follow=True)
        assert time.monotonic() - debut < 5
        assert reponse.status_code == 200
        assert jobs.MESSAGE_FILE_INDISPONIBLE in reponse.content.decode()
        rapport = RapportCopil.objects.get(copil=copil)
        assert rapport.statut == StatutRapport.EN_ATTENTE and rapport.envoi_en_echec
        assert jobs.balayer()["envoyes"] == 0, "toujours en panne : rien d'envoyé, rien de perdu"

        redis_a_moi.demarrer()  # Redis back (empty: it kept nothing)
        _pointer_vers(redis_a_moi.url)
        assert jobs.balayer()["envoyes"] == 1
        rapport = _attendre(rapport)
        assert rapport.statut == StatutRapport.PRET, rapport.erreur
        assert rapport.tentatives == 1 and not rapport.envoi_en_echec
        assert jobs.balayer() == {"repris": 0, "echoues": 0, "envoyes": 0}
    finally:
        _arreter(worker)
    assert RapportCopil.objects.filter(copil=copil).count() == 1
    assert len([p for p in _fichiers_media() if p.suffix == ".pdf"]) == 1

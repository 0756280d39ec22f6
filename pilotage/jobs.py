"""The one background-job mechanism: the COPIL report (PDF) and the Excel bilans both use it.

A job is a row of a concrete subclass of ``recits.models.Job`` (``RapportCopil``, ``BilanExcel``):
en_attente → en_cours → prêt / échec, a progression, the file, who asked and when, the timings and
the error. Each kind's service (``pilotage.rapports``, ``pilotage.bilans``) creates the row and
enqueues its Celery task *after commit*; the task calls ``executer``, which:

1. locks the row and checks its status first: a ready job is left alone (running the task twice
   makes one file), a failed one waits for a retry;
2. marks it running and saves its progress as it goes, each step in its own short transaction so
   the page polling the row sees it;
3. calls the kind's ``produire(job, avancer)``, which returns the complete file (in memory for a
   PDF, a temporary file on disk for a streamed workbook);
4. locks the row again and, unless another run finished first, stores the file (only now, whole)
   and marks the job ready, in one transaction. A worker killed before that step leaves no file
   and no half-written job: the redelivered task starts again.

Any error is kept on the row (``erreur``, with the kind's prefix) and not re-raised: an error in
the content is not fixed by retrying blindly, and in eager mode (the embedded default) the request
that asked for the job must not fail with it. ``echouer`` is the one place an error is recorded: it
keeps a French text without file system paths nor traceback (``texte_erreur``) in ``erreur``, which
pages show (to funders too); the detail (exception and traceback, paths included) goes to the log
and to ``detail``, which only the Django admin shows (platform administrators).

Faults (docs/architecture.md, "Jobs and faults"):

- **outbox**: the row is committed first; its task is sent after commit by ``envoyer``, which
  claims the row (``envoye_le``) before publishing. Broker down: the claim is undone, the row
  keeps ``envoi_en_echec`` (the page says the demand is kept, ``MESSAGE_FILE_INDISPONIBLE``) and
  the request does not fail. ``balayer`` (Celery beat, every minute: ``pilotage.tasks.balayer_jobs``)
  sends again whatever is waiting unsent;
- **heartbeat**: a running job's ``battement`` is refreshed every ``BATTEMENT_PERIODE`` by a
  thread of the worker (``Battement``). ``balayer`` puts a job whose heartbeat is older than
  ``DELAI_BATTEMENT`` (its worker was killed) back in the queue, at most ``TENTATIVES_MAX`` runs in
  all, then fails it with ``MESSAGE_INTERROMPU``; a second delivery of a job running elsewhere
  (fresh heartbeat) does nothing;
- **atomic file**: the file is written to a temporary name in its final folder and renamed once
  complete (``ecrire_atomiquement``): a full disk leaves no partial file.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import re
import tempfile
import threading
import traceback
from collections.abc import Callable
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.db import close_old_connections, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from kombu.exceptions import OperationalError

from conciergerie import execution_locale

from .models import Job, StatutJob

logger = logging.getLogger(__name__)

EN_VOL = (StatutJob.EN_ATTENTE, StatutJob.EN_COURS)
#: a job waiting or running longer than this is considered lost (broker down, worker gone) and
#: may be retried; well above every task's hard time limit
DELAI_BLOCAGE = timedelta(minutes=15)
#: runs a job may start before it fails: each run that a killed worker (the hard time limit, an
#: out-of-memory kill) left unfinished counts
TENTATIVES_MAX = 3
MESSAGE_INTERROMPU = (
    "Interrompu {n} fois avant la fin (limite de temps dépassée ou worker arrêté) : "
    "réduisez la période, ou relancez si le serveur a été redémarré."
)

MESSAGE_FILE_INDISPONIBLE = "Le service de calcul est momentanément indisponible : votre demande est enregistrée et partira dès son retour."
MESSAGE_DISQUE_PLEIN = (
    "Espace disque insuffisant sur le serveur : le fichier n'a pas pu être enregistré. Réessayez plus tard ou prévenez l'administrateur."
)
MESSAGE_ECRITURE = "Le fichier n'a pas pu être enregistré sur le serveur (erreur d'écriture) : prévenez l'administrateur."
MESSAGE_TEMPS = "Temps de calcul dépassé : réduisez la période couverte, puis relancez."
MESSAGE_MEMOIRE = "Mémoire insuffisante sur le serveur : réduisez la période couverte, puis relancez."
#: a running job refreshes its heartbeat this often (seconds)
BATTEMENT_PERIODE = 10
#: a running job whose heartbeat is older than this lost its worker: ``balayer`` re-queues it
DELAI_BATTEMENT = timedelta(minutes=1)
#: a waiting job not sent after this long (its request's process died between the commit and the
#: sending) is sent by ``balayer``; one whose sending failed is sent at the next sweep
DELAI_ENVOI = timedelta(minutes=1)

#: publishing a job's task: one quick retry (a pooled connection the broker closed), then the
#: job waits for the sweeper rather than holding the request (``CELERY_BROKER_TRANSPORT_OPTIONS``
#: bounds the connection attempts the same way)
POLITIQUE_ENVOI = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}

Avancer = Callable[[int], None]


def modeles_de_job() -> list[type[Job]]:
    """Every concrete kind of job (the sweeper looks at each)."""
    return [m for m in apps.get_models() if issubclass(m, Job)]


def indisponible(job: Job) -> bool:
    """Waiting because its task could not be sent (broker down): the page says so."""
    return job.statut == StatutJob.EN_ATTENTE and job.envoi_en_echec


def bloque(job: Job, *, maintenant=None) -> bool:
    """Waiting or running for longer than ``DELAI_BLOCAGE`` (a running one: since its last
    heartbeat): its message or worker was lost."""
    if job.statut not in EN_VOL:
        return False
    depuis = (job.battement or job.debut) if job.statut == StatutJob.EN_COURS else None
    depuis = depuis or job.debut or job.cree_le
    return depuis is not None and (maintenant or timezone.now()) - depuis > DELAI_BLOCAGE


def relancable(job: Job) -> bool:
    return job.statut == StatutJob.ECHEC or bloque(job)


def remettre_en_file(*, job: Job, by, mettre_en_file: Callable[[Job], None]) -> Job:
    """Put a failed (or lost) job back in the queue, on the same row. Anything else is returned
    unchanged (a second click on "Relancer" finds the job already waiting)."""
    modele = type(job)
    with transaction.atomic():
        job = modele.objects.select_for_update().get(pk=job.pk)
        if not relancable(job):
            return job
        job.statut = StatutJob.EN_ATTENTE
        job.progression = 0
        job.erreur = ""
        job.detail = ""
        job.debut = None
        job.fin = None
        job.demande_par = by
        job.tentatives = 0
        job.battement = None
        job.envoye_le = None
        job.save(
            update_fields=[
                "statut",
                "progression",
                "erreur",
                "detail",
                "debut",
                "fin",
                "demande_par",
                "tentatives",
                "battement",
                "envoye_le",
            ]
        )
        mettre_en_file(job)
    return job


# ------------------------------------------------------------------ sending (the outbox)


def envoyer_apres_commit(job: Job) -> None:
    """Send ``job``'s task once the transaction that made (or reset) its row commits."""
    modele, job_id = type(job), job.pk
    transaction.on_commit(lambda: envoyer(modele, job_id))


def envoyer(modele: type[Job], job_id: int) -> bool:
    """Send the task of waiting job ``job_id`` unless it was sent already. The row is claimed
    first (``envoye_le``, a conditional update: two senders never both send); if the broker cannot
    be reached the claim is undone and ``envoi_en_echec`` set, for ``balayer`` to send it later.
    Never raises for a broker fault: the request that asked for the job must not fail."""
    maintenant = timezone.now()
    if not modele.objects.filter(pk=job_id, statut=StatutJob.EN_ATTENTE, envoye_le__isnull=True).update(envoye_le=maintenant):
        return False
    tache = import_string(modele.tache)
    if execution_locale.en_fond():
        # the embedded mode: after the response, in this process (conciergerie/execution_locale.py)
        execution_locale.lancer(f"{modele._meta.model_name} {job_id}", lambda: tache.apply_async(args=[job_id]))
        return True
    try:
        tache.apply_async(args=[job_id], retry=True, retry_policy=POLITIQUE_ENVOI)
    except (OperationalError, OSError) as exc:
        logger.warning("%s %s : tâche non envoyée (file indisponible) : %s", modele._meta.verbose_name, job_id, exc)
        modele.objects.filter(pk=job_id, envoye_le=maintenant).update(envoye_le=None, envoi_en_echec=True)
        return False
    modele.objects.filter(pk=job_id, envoi_en_echec=True).update(envoi_en_echec=False)
    return True


def balayer(*, maintenant=None) -> dict[str, int]:
    """The sweeper (Celery beat, every minute; idempotent): for every kind of job,

    - a running job whose heartbeat is older than ``DELAI_BATTEMENT`` (its worker died) goes back
      to the queue, or fails with ``MESSAGE_INTERROMPU`` once ``TENTATIVES_MAX`` runs started;
    - a waiting job whose sending failed, or that was not sent within ``DELAI_ENVOI``, or that was
      sent longer than ``DELAI_BLOCAGE`` ago and is still waiting (its message lost with a broker
      restarted without persistence), is sent (again: a second message is harmless, the runner
      checks the row first).

    Returns the counts (``repris``, ``echoues``, ``envoyes``) for the log."""
    maintenant = maintenant or timezone.now()
    compte = {"repris": 0, "echoues": 0, "envoyes": 0}
    for modele in modeles_de_job():
        perime = maintenant - DELAI_BATTEMENT
        morts = modele.objects.filter(statut=StatutJob.EN_COURS).filter(
            Q(battement__lt=perime) | Q(battement__isnull=True, debut__lt=perime) | Q(battement__isnull=True, debut__isnull=True)
        )
        for job_id in list(morts.values_list("pk", flat=True)):
            with transaction.atomic():
                job = modele.objects.select_for_update(skip_locked=True).filter(pk=job_id, statut=StatutJob.EN_COURS).first()
                if job is None or (job.battement or job.debut or perime) > perime:
                    continue  # taken, finished or beating again meanwhile
                if job.tentatives >= TENTATIVES_MAX:
                    _echec_interrompu(job)
                    compte["echoues"] += 1
                    continue
                logger.warning("%s %s : plus de battement depuis %s, remis en file.", modele._meta.verbose_name, job.pk, job.battement)
                job.statut = StatutJob.EN_ATTENTE
                job.progression = 0
                job.battement = None
                job.envoye_le = None
                job.save(update_fields=["statut", "progression", "battement", "envoye_le"])
                compte["repris"] += 1
        # a sent job still waiting long after: its message was lost; free it for a new sending
        modele.objects.filter(statut=StatutJob.EN_ATTENTE, envoye_le__lt=maintenant - DELAI_BLOCAGE).update(envoye_le=None)
        a_envoyer = modele.objects.filter(statut=StatutJob.EN_ATTENTE, envoye_le__isnull=True).filter(
            Q(envoi_en_echec=True) | Q(cree_le__lt=maintenant - DELAI_ENVOI) | Q(debut__isnull=False)
        )
        for job_id in list(a_envoyer.values_list("pk", flat=True)):
            compte["envoyes"] += envoyer(modele, job_id)
    if any(compte.values()):
        logger.info("Balayage des jobs : %s", compte)
    return compte


# ------------------------------------------------------------------ the worker's work


def _progression(modele, job_id: int, valeur: int) -> None:
    modele.objects.filter(pk=job_id, statut=StatutJob.EN_COURS).update(progression=valeur, battement=timezone.now())


class Battement:
    """While a job runs in a worker, a thread refreshes its ``battement`` every
    ``BATTEMENT_PERIODE`` seconds (with its own database connection, closed at the end), also
    during a long render that calls no ``avancer``. A killed worker stops beating: ``balayer``
    sees it. Not started in eager mode (the embedded default has no worker to lose)."""

    def __init__(self, modele, job_id: int, periode: float | None = None):
        self.modele, self.job_id = modele, job_id
        self.periode = BATTEMENT_PERIODE if periode is None else periode
        self._arret = threading.Event()
        self._fil = threading.Thread(target=self._battre, name=f"battement-{modele._meta.model_name}-{job_id}", daemon=True)

    def _battre(self):
        try:
            while not self._arret.wait(self.periode):
                try:
                    self.modele.objects.filter(pk=self.job_id, statut=StatutJob.EN_COURS).update(battement=timezone.now())
                except Exception:  # noqa: BLE001 - a missed beat is logged, the next one retries
                    logger.warning("Battement du job %s %s non enregistré", self.modele._meta.verbose_name, self.job_id, exc_info=True)
                    close_old_connections()
        finally:
            connection.close()

    def __enter__(self):
        if not settings.CELERY_TASK_ALWAYS_EAGER:
            self._fil.start()
        return self

    def __exit__(self, *exc):
        self._arret.set()
        if self._fil.is_alive():
            self._fil.join(timeout=5)
        return False


#: absolute paths (``/srv/…``, ``C:\…``) and the lines of a traceback
_CHEMIN = re.compile(r"(?<![\w/\\.:])(?:[A-Za-z]:)?[\\/](?:[\w.~@+-]+[\\/]?)+")
_TRACE = re.compile(r"Traceback \(most recent call last\)|^\s*File \"", re.MULTILINE)


def nettoyer(texte: str) -> str:
    """``texte`` without file system paths nor traceback: what a user (a funder too) may read."""
    if _TRACE.search(texte):
        lignes = [ligne for ligne in texte.strip().splitlines() if ligne.strip()]
        texte = lignes[-1] if lignes else ""
    texte = _CHEMIN.sub("(chemin masqué)", texte)
    return " ".join(texte.split())


def texte_erreur(exc: BaseException) -> str:
    """A French text for ``exc``, without server paths: the system's errors (disk, rights, time,
    memory) get a sentence of their own; any other keeps its message, cleaned."""
    if isinstance(exc, SoftTimeLimitExceeded | TimeLimitExceeded):
        return MESSAGE_TEMPS
    if isinstance(exc, MemoryError):
        return MESSAGE_MEMOIRE
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return MESSAGE_DISQUE_PLEIN
    if isinstance(exc, OSError) and not isinstance(exc, ConnectionError | TimeoutError):
        return MESSAGE_ECRITURE
    return nettoyer(str(exc)) or type(exc).__name__


#: the longest technical detail kept on a job (its end: the innermost frames and the exception)
DETAIL_MAX = 20_000


def echouer(modele, job_id: int, message: str, detail: str = "") -> None:
    """The one place a job's error is recorded: ``erreur``, what pages show, cleaned of paths and
    tracebacks (``nettoyer``); ``detail``, the technical detail for the Django admin only."""
    modele.objects.filter(pk=job_id).exclude(statut=StatutJob.PRET).update(
        statut=StatutJob.ECHEC, erreur=nettoyer(message)[:4000], detail=detail[-DETAIL_MAX:], fin=timezone.now()
    )


def message_erreur(prefixe: str, exc: BaseException) -> str:
    return f"{prefixe}{texte_erreur(exc)}"


def _echec_interrompu(job: Job, prefixe: str = "") -> None:
    job.statut = StatutJob.ECHEC
    job.erreur = nettoyer(f"{prefixe}{MESSAGE_INTERROMPU.format(n=job.tentatives)}")
    job.fin = timezone.now()
    job.save(update_fields=["statut", "erreur", "fin"])
    logger.error("%s %s : %s", job._meta.verbose_name, job.pk, job.erreur)


def executer(
    *,
    modele: type[Job],
    job_id: int,
    produire: Callable[[Job, Avancer], File],
    nom_fichier: Callable[[Job], str],
    prefixe_erreur: str,
) -> Job | None:
    """Run job ``job_id`` of ``modele`` (see the module docstring). Idempotent.

    ``produire(job, avancer)`` returns the complete file; ``avancer(pourcent)`` saves the
    progression (between 10 and 90: the runner writes 10 when it starts and 100 when ready).
    """
    nom = modele._meta.verbose_name
    with transaction.atomic():
        job = modele.objects.select_for_update().filter(pk=job_id).first()
        if job is None:
            logger.warning("%s %s introuvable : rien à générer.", nom, job_id)
            return None
        if job.statut in (StatutJob.PRET, StatutJob.ECHEC):
            # ready: done already (a second delivery of the task); failed: waits for a retry
            return job
        maintenant = timezone.now()
        if job.statut == StatutJob.EN_COURS and job.battement and maintenant - job.battement < DELAI_BATTEMENT:
            # running in another worker, which beats: a second message (a re-sending, a message
            # back after the visibility timeout) must not run it twice at once
            logger.info("%s %s tourne déjà ailleurs : message ignoré.", nom, job_id)
            return job
        if job.tentatives >= TENTATIVES_MAX:
            # every earlier run was killed before its end: do not start another one
            _echec_interrompu(job, prefixe_erreur)
            return job
        # en_attente, or en_cours left by a worker that died: (re)start from scratch
        job.statut = StatutJob.EN_COURS
        job.progression = 10
        job.debut = maintenant
        job.battement = maintenant
        job.fin = None
        job.erreur = ""
        job.tentatives += 1
        job.save(update_fields=["statut", "progression", "debut", "battement", "fin", "erreur", "tentatives"])

    contenu = None
    try:
        with Battement(modele, job_id):
            contenu = produire(job, lambda valeur: _progression(modele, job_id, valeur))
            return _enregistrer(modele, job_id, contenu, nom_fichier)
    except Exception as exc:  # every failure is kept on the job (SoftTimeLimitExceeded included)
        logger.exception("Échec du job %s %s", nom, job_id)
        echouer(modele, job_id, message_erreur(prefixe_erreur, exc), detail=traceback.format_exc())
        return modele.objects.filter(pk=job_id).first()
    finally:
        if contenu is not None:
            contenu.close()  # a temporary file is deleted here


def _ecrire_bloc(fichier, bloc: bytes) -> None:
    fichier.write(bloc)


def ecrire_atomiquement(job: Job, nom: str, contenu: File) -> str:
    """Write ``contenu`` as ``job``'s file: to a temporary name in the final folder, synced, then
    renamed (``os.replace``) once complete. On any error the temporary file is removed: no
    partial file is ever left under the final name, nor beside it. Returns the storage name."""
    champ = job.fichier
    stockage = champ.storage
    nom = stockage.get_available_name(champ.field.generate_filename(job, nom), max_length=champ.field.max_length)
    chemin = stockage.path(nom)
    dossier = os.path.dirname(chemin)
    os.makedirs(dossier, exist_ok=True)
    descripteur, temporaire = tempfile.mkstemp(dir=dossier, prefix=".ecriture-", suffix=".part")
    try:
        with os.fdopen(descripteur, "wb") as fichier:
            contenu.seek(0)
            for bloc in contenu.chunks():
                _ecrire_bloc(fichier, bloc)
            fichier.flush()
            os.fsync(fichier.fileno())
        os.chmod(temporaire, stockage.file_permissions_mode or 0o644)
        os.replace(temporaire, chemin)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporaire)
        raise
    return nom


def _enregistrer(modele, job_id: int, contenu: File, nom_fichier: Callable[[Job], str]) -> Job:
    """Store the complete file and mark the job ready, unless another run did it first."""
    ecrit = None
    try:
        with transaction.atomic():
            job = modele.objects.select_for_update().get(pk=job_id)
            if job.statut == StatutJob.PRET and job.fichier:
                return job  # a concurrent run finished first: one job, one file
            ecrit = ecrire_atomiquement(job, nom_fichier(job), contenu)
            job.fichier.name = ecrit
            job.statut = StatutJob.PRET
            job.progression = 100
            job.fin = timezone.now()
            job.erreur = ""
            job.detail = ""
            job.save(update_fields=["fichier", "statut", "progression", "fin", "erreur", "detail"])
    except BaseException:
        if ecrit:  # the row does not point at it: no orphan file
            modele._meta.get_field("fichier").storage.delete(ecrit)
        raise
    return job

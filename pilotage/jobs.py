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
that asked for the job must not fail with it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from django.core.files import File
from django.db import transaction
from django.utils import timezone

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

Avancer = Callable[[int], None]


def bloque(job: Job, *, maintenant=None) -> bool:
    """Waiting or running for longer than ``DELAI_BLOCAGE``: its message or worker was lost."""
    if job.statut not in EN_VOL:
        return False
    depuis = job.debut or job.cree_le
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
        job.debut = None
        job.fin = None
        job.demande_par = by
        job.tentatives = 0
        job.save(update_fields=["statut", "progression", "erreur", "debut", "fin", "demande_par", "tentatives"])
        mettre_en_file(job)
    return job


# ------------------------------------------------------------------ the worker's work


def _progression(modele, job_id: int, valeur: int) -> None:
    modele.objects.filter(pk=job_id, statut=StatutJob.EN_COURS).update(progression=valeur)


def echouer(modele, job_id: int, message: str) -> None:
    modele.objects.filter(pk=job_id).exclude(statut=StatutJob.PRET).update(
        statut=StatutJob.ECHEC, erreur=message[:4000], fin=timezone.now()
    )


def message_erreur(prefixe: str, exc: BaseException) -> str:
    detail = str(exc).strip() or type(exc).__name__
    return f"{prefixe}{detail}"


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
        if job.tentatives >= TENTATIVES_MAX:
            # every earlier run was killed before its end: do not start another one
            job.statut = StatutJob.ECHEC
            job.erreur = f"{prefixe_erreur}{MESSAGE_INTERROMPU.format(n=job.tentatives)}"
            job.fin = timezone.now()
            job.save(update_fields=["statut", "erreur", "fin"])
            logger.error("%s %s : %s", nom, job_id, job.erreur)
            return job
        # en_attente, or en_cours left by a worker that died: (re)start from scratch
        job.statut = StatutJob.EN_COURS
        job.progression = 10
        job.debut = timezone.now()
        job.fin = None
        job.erreur = ""
        job.tentatives += 1
        job.save(update_fields=["statut", "progression", "debut", "fin", "erreur", "tentatives"])

    contenu = None
    try:
        contenu = produire(job, lambda valeur: _progression(modele, job_id, valeur))
        return _enregistrer(modele, job_id, contenu, nom_fichier)
    except Exception as exc:  # every failure is kept on the job
        logger.exception("Échec du job %s %s", nom, job_id)
        echouer(modele, job_id, message_erreur(prefixe_erreur, exc))
        return modele.objects.filter(pk=job_id).first()
    finally:
        if contenu is not None:
            contenu.close()  # a temporary file is deleted here


def _enregistrer(modele, job_id: int, contenu: File, nom_fichier: Callable[[Job], str]) -> Job:
    """Store the complete file and mark the job ready, unless another run did it first."""
    ecrit = None
    try:
        with transaction.atomic():
            job = modele.objects.select_for_update().get(pk=job_id)
            if job.statut == StatutJob.PRET and job.fichier:
                return job  # a concurrent run finished first: one job, one file
            contenu.seek(0)
            job.fichier.save(nom_fichier(job), contenu, save=False)
            ecrit = job.fichier.name
            job.statut = StatutJob.PRET
            job.progression = 100
            job.fin = timezone.now()
            job.erreur = ""
            job.save(update_fields=["fichier", "statut", "progression", "fin", "erreur"])
    except BaseException:
        if ecrit:  # the row does not point at it: no orphan file
            modele._meta.get_field("fichier").storage.delete(ecrit)
        raise
    return job

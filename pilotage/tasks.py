"""Celery tasks of the pilotage app: thin wrappers over services, one per kind of job (the job
mechanism itself is ``pilotage.jobs``; see ``pilotage.rapports`` and ``pilotage.bilans``), and the
jobs' sweeper.

Each job task is sent after commit by ``pilotage.jobs.envoyer`` (the outbox: a job whose task
could not be sent is sent again by ``balayer_jobs``). It is idempotent (the runner checks the
job's status under a row lock first, leaves alone a job that runs elsewhere with a fresh heartbeat,
and writes the file once), ``acks_late`` with ``reject_on_worker_lost`` (a killed pool process's
message goes back to the queue) and time-limited: past the soft limit the runner catches
``SoftTimeLimitExceeded`` and keeps a French error on the job. The broker's ``visibility_timeout``
(settings) is above every hard limit here (``tests/pilotage/test_jobs_fautes.py`` checks it): a
message is never handed to a second worker while its first run may still be going. A run killed
with its whole worker stops beating; ``balayer_jobs`` re-queues it (at most
``pilotage.jobs.TENTATIVES_MAX`` runs in all, then the job fails with that reason).
"""

from celery import shared_task

from . import bilans, jobs, precalcul, rapports


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, soft_time_limit=120, time_limit=180)
def generer_rapport_copil(self, rapport_id: int) -> str | None:
    rapport = rapports.generer_rapport(rapport_id=rapport_id)
    return rapport.statut if rapport is not None else None


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, soft_time_limit=540, time_limit=600)
def generer_bilan_excel(self, bilan_id: int) -> str | None:
    bilan = bilans.generer_bilan(bilan_id=bilan_id)
    return bilan.statut if bilan is not None else None


@shared_task(ignore_result=True, soft_time_limit=50, time_limit=55, expires=55)
def balayer_jobs() -> dict:
    """Celery beat, every minute: send the jobs whose task was not sent, re-queue (or fail) those
    whose worker died (``pilotage.jobs.balayer``). Idempotent; a late one expires."""
    return jobs.balayer()


@shared_task(ignore_result=True, soft_time_limit=120, time_limit=150)
def recalculer_chiffres(projet_ids: list[int]) -> int:
    """After a write: the written projects' figures computed again for their readers
    (``pilotage.precalcul``). Nothing depends on it being done: a reader computes what is
    missing."""
    return precalcul.recalculer(projet_ids)

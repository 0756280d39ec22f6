"""Celery tasks of the pilotage app: thin wrappers over services, one per kind of job (the job
mechanism itself is ``pilotage.jobs``; see ``pilotage.rapports`` and ``pilotage.bilans``).

Each task is enqueued after commit by its service's ``demander_…`` / ``relancer_…``. It is
idempotent (the runner checks the job's status under a row lock first and writes the file once),
``acks_late`` with ``reject_on_worker_lost`` (a killed worker's message goes back to the queue and
the next run starts over) and time-limited: past the soft limit the runner catches
``SoftTimeLimitExceeded`` and keeps the error on the job. The hard limits stay well below
``pilotage.jobs.DELAI_BLOCAGE`` (15 min), after which a job still in flight may be retried. A run
killed at the hard limit comes back from the queue; after ``pilotage.jobs.TENTATIVES_MAX`` such runs
the job fails with that reason instead of starting again.
"""

from celery import shared_task

from . import bilans, rapports


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, soft_time_limit=120, time_limit=180)
def generer_rapport_copil(self, rapport_id: int) -> str | None:
    rapport = rapports.generer_rapport(rapport_id=rapport_id)
    return rapport.statut if rapport is not None else None


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, soft_time_limit=540, time_limit=600)
def generer_bilan_excel(self, bilan_id: int) -> str | None:
    bilan = bilans.generer_bilan(bilan_id=bilan_id)
    return bilan.statut if bilan is not None else None

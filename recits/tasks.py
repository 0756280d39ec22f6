"""Celery tasks of the recits app: thin wrappers over services (see recits/rapports.py).

``generer_rapport_copil`` is enqueued after commit by ``demander_rapport`` /
``relancer_rapport``. It is idempotent (the service checks the job's status under a row lock
first and writes the file once), ``acks_late`` with ``reject_on_worker_lost`` (a killed worker's
message goes back to the queue and the next run starts over) and time-limited: past the soft
limit the service catches ``SoftTimeLimitExceeded`` and keeps the error on the job.
"""

from celery import shared_task

from . import rapports


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, soft_time_limit=120, time_limit=180)
def generer_rapport_copil(self, rapport_id: int) -> str | None:
    rapport = rapports.generer_rapport(rapport_id=rapport_id)
    return rapport.statut if rapport is not None else None

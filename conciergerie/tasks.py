from celery import shared_task

from . import resume


@shared_task(acks_late=True, soft_time_limit=600, time_limit=660)
def envoyer_resumes_quotidiens() -> int:
    """Celery beat, each morning: the coordinators' to-do digest."""
    return resume.envoyer_resumes()


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=240, time_limit=300)
def traiter_import(traitement_id: int) -> str | None:
    """A large import's dry run or confirmation (``conciergerie.imports.travail``). Idempotent."""
    from .imports import travail

    traitement = travail.executer(traitement_id)
    return traitement.statut if traitement is not None else None


@shared_task(acks_late=True, soft_time_limit=300, time_limit=360)
def faire_le_menage() -> dict:
    """Celery beat, each night: expired sessions and old django-axes records deleted
    (``conciergerie.menage``). Idempotent."""
    from . import menage

    return menage.faire_le_menage()

from celery import shared_task

from . import resume


@shared_task(acks_late=True, soft_time_limit=600, time_limit=660)
def envoyer_resumes_quotidiens() -> int:
    """Celery beat, each morning: the coordinators' to-do digest."""
    return resume.envoyer_resumes()

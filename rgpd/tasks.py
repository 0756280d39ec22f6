from celery import shared_task

from . import conservation


@shared_task(acks_late=True, soft_time_limit=3000, time_limit=3300)
def appliquer_conservation() -> int:
    """Celery beat, each night: the retention rules (rgpd.conservation; idempotent)."""
    return len(conservation.conserver())

"""Loaded by the fault tests' workers (``celery worker --include=tests.pilotage.lenteur_worker``):
with ``LENTEUR_RENDU`` (seconds) in their environment, each pool process renders PDFs that slowly,
so that a test can kill the worker in the middle of a render. Never loaded otherwise."""

import os
import time

from celery.signals import worker_process_init


@worker_process_init.connect
def ralentir_le_rendu(**kwargs):
    lenteur = float(os.environ.get("LENTEUR_RENDU", "0"))
    if not lenteur:
        return
    from pilotage import pdf

    original = pdf.rendre_pdf

    def rendre_lentement(html, **kw):
        time.sleep(lenteur)
        return original(html, **kw)

    pdf.rendre_pdf = rendre_lentement

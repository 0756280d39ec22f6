"""Jobs of the embedded mode (eager Celery, no worker) run after the response, in this process.

With ``CELERY_TASK_ALWAYS_EAGER`` a task's ``apply_async`` runs it at once, in the caller: the
request that asked for a COPIL report (≈ 13 s) or a bilan held the page that long, with no
feedback, and a second click could be sent meanwhile. When ``JOBS_EN_FOND`` is on (the default
of the embedded mode), the job mechanisms (``pilotage.jobs.envoyer``, the large imports'
``conciergerie.imports.travail.envoyer``) hand the task to ``lancer`` instead: a small
``ThreadPoolExecutor`` of this process runs it once the request's transaction committed (they
are called from ``transaction.on_commit``), the response returns at once and shows the same
progress page as the real mode (polled by htmx), and the « Générer » button stays disabled while
the job is in flight.

A job asked during a request is submitted when the request is finished (``request_finished``:
the response sent, the session and the access log written), not at the commit: the job's first
writes never race the request's last ones for SQLite's lock. Outside a request (a management
command, a shell), at once.

Each run has the thread's own database connection (Django's connections are per thread), closed
at its end. A failure is kept on the job by the job mechanism itself (its French error); what
escapes it is logged here. A job of a process that stops before its end is what the real mode
calls a lost job: the page offers to retry it once it looks blocked (``pilotage.jobs.bloque``).

Tests keep the synchronous eager mode (``JOBS_EN_FOND`` off in tests/conftest.py), except the
test of this module, which turns it on (tests/pilotage/test_jobs_en_fond.py).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as attendre_futures

from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import connections

logger = logging.getLogger(__name__)

_verrou = threading.Lock()
_executeur: ThreadPoolExecutor | None = None
_en_cours: set[Future] = set()
_requete = threading.local()  # .differes: the jobs asked during this thread's current request


def en_fond() -> bool:
    """Whether a job is run after the response in this process rather than in the request: the
    embedded mode (eager Celery) with ``JOBS_EN_FOND`` on."""
    return bool(settings.CELERY_TASK_ALWAYS_EAGER and getattr(settings, "JOBS_EN_FOND", False))


def _executeur_local() -> ThreadPoolExecutor:
    global _executeur
    with _verrou:
        if _executeur is None:
            _executeur = ThreadPoolExecutor(max_workers=settings.JOBS_EN_FOND_FILS, thread_name_prefix="job-local")
        return _executeur


def _executer(nom: str, fonction: Callable[[], object]) -> None:
    try:
        fonction()
    except Exception:
        logger.exception("Job local %s : échec hors du mécanisme des jobs", nom)
    finally:
        connections.close_all()  # this thread's connections only


def lancer(nom: str, fonction: Callable[[], object]) -> Future | None:
    """Run ``fonction()`` in the local executor once the current request is finished (at once
    outside a request); returns its future when submitted now (``attendre`` waits for both)."""
    differes = getattr(_requete, "differes", None)
    if differes is not None:
        differes.append((nom, fonction))
        return None
    return _soumettre(nom, fonction)


def _debut_de_requete(**kwargs) -> None:
    _requete.differes = []


def _fin_de_requete(**kwargs) -> None:
    differes, _requete.differes = getattr(_requete, "differes", None), None
    for nom, fonction in differes or ():
        _soumettre(nom, fonction)


request_started.connect(_debut_de_requete, dispatch_uid="conciergerie.execution_locale.debut")
request_finished.connect(_fin_de_requete, dispatch_uid="conciergerie.execution_locale.fin")


def _soumettre(nom: str, fonction: Callable[[], object]) -> Future:
    future = _executeur_local().submit(_executer, nom, fonction)
    with _verrou:
        _en_cours.add(future)
    future.add_done_callback(_oublier)
    return future


def _oublier(future: Future) -> None:
    with _verrou:
        _en_cours.discard(future)


def attendre(timeout: float | None = None) -> bool:
    """Wait for the jobs launched so far to end (tests, a management command); True if all did."""
    with _verrou:
        futures = set(_en_cours)
    fini, reste = attendre_futures(futures, timeout=timeout)
    return not reste

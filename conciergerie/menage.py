"""The nightly housekeeping of what piles up in the database and holds personal data
(``conciergerie.tasks.faire_le_menage``, Celery beat; the ``menage`` command in the embedded mode):

- **expired sessions**: Django deletes a session row only when its own user comes back after it
  expired; the others stay (``clearsessions``, the session engine's ``clear_expired``);
- **django-axes' records**: ``AccessAttempt`` (failures per username and address, the lock's
  count), ``AccessLog`` (successful logins: username, address, browser) and ``AccessFailureLog``
  (each failure), whose last change is older than ``AXES_CONSERVATION_JOURS`` days (30): usernames
  and IP addresses, kept no longer than needed (docs/rgpd.md). An attempt that old locks nothing
  any more (a lock lasts ``AXES_COOLOFF_TIME``, 30 minutes);
- **the projects' write rows** (``EcritureProjet``, one per write, the revisions of the kept
  figures): emptied, every project drawing a new revision (``revisions.compacter``), so the
  figures are computed afresh once a night.

Idempotent: run twice, the second run deletes nothing. What was deleted is counted in the log.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from importlib import import_module

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from . import revisions

logger = logging.getLogger(__name__)

#: the session engines that keep their sessions in the ``django_session`` table
MOTEURS_EN_BASE = ("django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db")


def supprimer_sessions_expirees(*, maintenant=None) -> int | None:
    """Delete the expired sessions; their number (None for an engine that does not keep them in
    the database: its own ``clear_expired`` runs, if it has one to run)."""
    if settings.SESSION_ENGINE in MOTEURS_EN_BASE:
        supprimees, _ = Session.objects.filter(expire_date__lt=maintenant or timezone.now()).delete()
        return supprimees
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
    return None


def purger_axes(*, maintenant=None) -> dict[str, int]:
    """Delete django-axes' records last changed more than ``AXES_CONSERVATION_JOURS`` days ago."""
    limite = (maintenant or timezone.now()) - timedelta(days=settings.AXES_CONSERVATION_JOURS)
    return {
        "tentatives": AccessAttempt.objects.filter(attempt_time__lt=limite).delete()[1].get(AccessAttempt._meta.label, 0),
        "connexions": AccessLog.objects.filter(attempt_time__lt=limite).delete()[0],
        "echecs": AccessFailureLog.objects.filter(attempt_time__lt=limite).delete()[0],
    }


def faire_le_menage(*, maintenant=None) -> dict[str, int | None]:
    """All three, in one run; returns (and logs) what was deleted."""
    compte = {"sessions": supprimer_sessions_expirees(maintenant=maintenant), **purger_axes(maintenant=maintenant)}
    compte["ecritures"] = revisions.compacter()
    logger.info(
        "menage sessions_expirees=%s axes_tentatives=%s axes_connexions=%s axes_echecs=%s ecritures=%s (conservation %s jours)",
        compte["sessions"],
        compte["tentatives"],
        compte["connexions"],
        compte["echecs"],
        compte["ecritures"],
        settings.AXES_CONSERVATION_JOURS,
    )
    return compte

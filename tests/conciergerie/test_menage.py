"""The nightly housekeeping (conciergerie/menage.py): expired sessions, and django-axes' records
(usernames, IP addresses) older than AXES_CONSERVATION_JOURS, deleted; idempotent; logged;
scheduled by beat; the ``menage`` command for the embedded mode."""

import logging
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessAttemptExpiration, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from conciergerie import menage, tasks
from tests import factories as f

pytestmark = pytest.mark.django_db


def _session(expire_dans: timedelta) -> str:
    store = SessionStore()
    store["x"] = 1
    store.save()
    Session.objects.filter(session_key=store.session_key).update(expire_date=timezone.now() + expire_dans)
    return store.session_key


def _traces(age: timedelta, qui: str) -> None:
    quand = timezone.now() - age
    tentative = AccessAttempt.objects.create(
        username=qui, ip_address="198.51.100.7", user_agent="test", http_accept="*/*", path_info="/connexion/", failures_since_start=3
    )
    AccessAttemptExpiration.objects.create(access_attempt=tentative, expires_at=quand + timedelta(minutes=30))
    log = AccessLog.objects.create(username=qui, ip_address="198.51.100.7", user_agent="test", http_accept="*/*", path_info="/connexion/")
    echec = AccessFailureLog.objects.create(
        username=qui, ip_address="198.51.100.7", user_agent="test", http_accept="*/*", path_info="/connexion/", locked_out=False
    )
    for modele, pk in ((AccessAttempt, tentative.pk), (AccessLog, log.pk), (AccessFailureLog, echec.pk)):
        modele.objects.filter(pk=pk).update(attempt_time=quand)


def test_le_menage_supprime_ce_qui_est_perime_et_rien_d_autre(caplog):
    expiree = _session(-timedelta(minutes=1))
    valide = _session(timedelta(hours=2))
    jours = settings.AXES_CONSERVATION_JOURS
    _traces(timedelta(days=jours, hours=1), "ancien")
    _traces(timedelta(days=jours - 1), "recent")

    with caplog.at_level(logging.INFO, logger="conciergerie.menage"):
        compte = tasks.faire_le_menage.delay().get()
    assert compte == {"sessions": 1, "tentatives": 1, "connexions": 1, "echecs": 1, "ecritures": 0}
    assert list(Session.objects.values_list("session_key", flat=True)) == [valide] and expiree != valide
    for modele in (AccessAttempt, AccessLog, AccessFailureLog):
        assert list(modele.objects.values_list("username", flat=True)) == ["recent"], modele
    assert AccessAttemptExpiration.objects.count() == 1
    assert "menage sessions_expirees=1 axes_tentatives=1 axes_connexions=1 axes_echecs=1 ecritures=0 (conservation 30 jours)" in caplog.text

    # idempotent: a second run (a message delivered twice) deletes nothing more
    assert menage.faire_le_menage() == {"sessions": 0, "tentatives": 0, "connexions": 0, "echecs": 0, "ecritures": 0}
    assert Session.objects.count() == 1 and AccessLog.objects.count() == 1


def test_la_duree_se_regle(settings):
    settings.AXES_CONSERVATION_JOURS = 7
    _traces(timedelta(days=8), "huit-jours")
    _traces(timedelta(days=6), "six-jours")
    assert menage.purger_axes() == {"tentatives": 1, "connexions": 1, "echecs": 1}
    assert list(AccessLog.objects.values_list("username", flat=True)) == ["six-jours"]


def test_une_vraie_connexion_est_gardee_puis_purgee(client):
    """The records the login pages really write (AccessLog on success, AccessAttempt on failure)."""
    f.UserFactory(username="camille")
    client.post(reverse("connexion"), {"username": "camille", "password": "faux"})
    client.post(reverse("connexion"), {"username": "camille", "password": "motdepasse"})  # the factories' password
    assert AccessAttempt.objects.filter(username="camille").exists() and AccessLog.objects.filter(username="camille").exists()
    assert menage.purger_axes() == {"tentatives": 0, "connexions": 0, "echecs": 0}
    plus_tard = timezone.now() + timedelta(days=settings.AXES_CONSERVATION_JOURS, minutes=1)
    assert menage.purger_axes(maintenant=plus_tard) == {"tentatives": 1, "connexions": 1, "echecs": 0}
    assert not AccessAttempt.objects.exists() and not AccessLog.objects.exists()


def test_la_tache_est_planifiee_chaque_nuit_et_la_commande_existe(capsys):
    [planifiee] = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "conciergerie.tasks.faire_le_menage"]
    assert planifiee["schedule"].hour == {4} and planifiee["schedule"].minute == {15}
    _session(-timedelta(days=1))
    call_command("menage")
    assert "Sessions expirées supprimées : 1" in capsys.readouterr().out
    assert not Session.objects.exists()

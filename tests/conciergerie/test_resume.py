"""The daily digest (Celery beat): each coordinator receives the to-do of its projects."""

import pytest
from django.conf import settings

from conciergerie.celery import app
from conciergerie.tasks import envoyer_resumes_quotidiens
from tests import factories as f


@pytest.fixture
def projet_a_faire(monde):
    for role, adhesion in monde["adhesions"].items():
        adhesion.user.email = f"{role}@example.org"
        adhesion.user.save()
    etape = f.EtapeFactory(parcours__apprenant__projet=monde["A"], parcours__apprenant__nom="Bloquée", bloquee=True)
    return {**monde, "etape": etape}


def test_each_coordinator_gets_one_digest_with_absolute_links(projet_a_faire, mailoutbox, settings):
    settings.SITE_URL = "https://conciergerie.example.org"
    assert envoyer_resumes_quotidiens.delay().get() == 2  # the administrator and the coordinator
    assert sorted(m.to[0] for m in mailoutbox) == ["administrateur@example.org", "coordinateur@example.org"]
    message = mailoutbox[0]
    assert "Bloquée" in message.body
    assert "Numéro de sécurité sociale provisoire" in message.body
    html = message.alternatives[0][0]
    etape = projet_a_faire["etape"]
    assert f'href="https://conciergerie.example.org/p/{etape.projet_id}/apprenants/{etape.parcours.apprenant_id}/#etape-{etape.pk}"' in html


def test_nothing_to_do_sends_nothing(monde, mailoutbox):
    for adhesion in monde["adhesions"].values():
        adhesion.user.email = "x@example.org"
        adhesion.user.save()
    for etape in ("etape_suivie", "etape_autre"):
        monde[etape].parcours.delete()
    assert envoyer_resumes_quotidiens.delay().get() == 0
    assert mailoutbox == []


def test_partners_funders_and_inactive_members_get_no_digest(projet_a_faire, mailoutbox):
    projet_a_faire["adhesions"]["administrateur"].actif = False
    projet_a_faire["adhesions"]["administrateur"].save()
    envoyer_resumes_quotidiens.delay().get()
    assert [m.to[0] for m in mailoutbox] == ["coordinateur@example.org"]


def test_beat_runs_the_digest_every_morning():
    entree = settings.CELERY_BEAT_SCHEDULE["resume-quotidien-des-coordinateurs"]
    assert entree["task"] == envoyer_resumes_quotidiens.name
    assert entree["schedule"].hour == {7}
    assert envoyer_resumes_quotidiens.name in app.tasks


def test_a_task_delivered_twice_sends_the_digest_once_a_day(projet_a_faire, mailoutbox):
    """acks_late: a worker lost mid-run gets the task again; who got the digest today does not."""
    assert envoyer_resumes_quotidiens.delay().get() == 2
    assert envoyer_resumes_quotidiens.delay().get() == 0
    assert len(mailoutbox) == 2
    # yesterday's mark does not stop today's digest
    from conciergerie.models import ResumeEnvoye

    ResumeEnvoye.objects.all().delete()
    f.ResumeEnvoyeFactory(user=projet_a_faire["users"]["coordinateur"], hier=True)
    assert envoyer_resumes_quotidiens.delay().get() == 2


def test_a_digest_that_could_not_be_sent_is_sent_by_the_retry(projet_a_faire, mailoutbox, monkeypatch):
    from django.core.mail import EmailMultiAlternatives

    from conciergerie.models import ResumeEnvoye

    envoyer = EmailMultiAlternatives.send

    def en_panne(self, *args, **kwargs):
        raise ConnectionRefusedError("serveur SMTP injoignable")

    monkeypatch.setattr(EmailMultiAlternatives, "send", en_panne)
    with pytest.raises(ConnectionRefusedError):
        envoyer_resumes_quotidiens.delay().get()
    assert not ResumeEnvoye.objects.exists() and mailoutbox == []
    monkeypatch.setattr(EmailMultiAlternatives, "send", envoyer)
    assert envoyer_resumes_quotidiens.delay().get() == 2

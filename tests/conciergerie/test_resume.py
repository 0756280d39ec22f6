"""The daily digest (Celery beat): each coordinator receives the to-do of its projects."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from conciergerie.celery import app
from conciergerie.models import Preferences, ResumeEnvoye
from conciergerie.tasks import envoyer_resumes_quotidiens
from tests import factories as f


@pytest.fixture
def projet_a_faire(monde):
    for role, adhesion in monde["adhesions"].items():
        adhesion.user.email = f"{role}@example.org"
        adhesion.user.save()
    etape = f.EtapeFactory(
        parcours__apprenant__projet=monde["A"],
        parcours__apprenant__prenom="Samuel",
        parcours__apprenant__nom="Tessier",
        parcours__apprenant__reference="ICI-SECRET-7",
        parcours__intitule="Remise à niveau",
        bloquee=True,
        motif="Hospitalisation prévue en mars",
    )
    return {**monde, "etape": etape}


def test_each_coordinator_gets_one_digest_with_absolute_links(projet_a_faire, mailoutbox, settings):
    settings.SITE_URL = "https://conciergerie.example.org"
    assert envoyer_resumes_quotidiens.delay().get() == 2  # the administrator and the coordinator
    assert sorted(m.to[0] for m in mailoutbox) == ["administrateur@example.org", "coordinateur@example.org"]
    message = mailoutbox[0]
    assert "Étapes bloquées : 1" in message.body
    html = message.alternatives[0][0]
    projet = projet_a_faire["A"].pk
    assert f'href="https://conciergerie.example.org/p/{projet}/apprenants/?bloquee=oui"' in html
    assert f'href="https://conciergerie.example.org/p/{projet}/"' in html  # the project's home
    assert 'href="https://conciergerie.example.org/compte/preferences/"' in html  # how to turn it off
    assert "(" in message.subject and "à faire)" in message.subject


def test_the_digest_carries_counts_and_links_never_a_learner_nor_a_blocking_motive(projet_a_faire, mailoutbox):
    """A mailbox is outside the scoping and the access log: no learner's name, reference, path
    nor blocking motive in the message, its HTML or its subject — however many learners."""
    monde = projet_a_faire
    for _ in range(3):  # more rows than one: the counts grow, the message still names nobody
        f.EtapeFactory(parcours__apprenant__projet=monde["A"], bloquee=True, motif="Suivi psychiatrique en cours")
    apprenants = [e.parcours.apprenant for e in [monde["etape"], monde["etape_suivie"], monde["etape_autre"]]]
    envoyer_resumes_quotidiens.delay().get()
    assert mailoutbox
    for message in mailoutbox:
        contenu = "\n".join([message.subject, message.body, message.alternatives[0][0]])
        assert "Étapes bloquées : 4" in message.body
        interdits = ["Hospitalisation", "psychiatrique", "ICI-SECRET-7", "Remise à niveau"]
        for apprenant in apprenants:
            interdits += [apprenant.nom, apprenant.reference, str(apprenant)]
        for mot in interdits:
            assert mot not in contenu, mot


def test_a_user_who_turned_the_digest_off_gets_nothing(projet_a_faire, mailoutbox, login):
    coordinatrice = projet_a_faire["users"]["coordinateur"]
    response = login(coordinatrice).post(reverse("preferences"), {})  # the box unticked
    assert response.status_code == 302
    assert Preferences.objects.get(user=coordinatrice).resume_quotidien is False
    assert envoyer_resumes_quotidiens.delay().get() == 1
    assert [m.to[0] for m in mailoutbox] == ["administrateur@example.org"]
    # turned on again: sent the next day
    login(coordinatrice).post(reverse("preferences"), {"resume_quotidien": "on"})
    ResumeEnvoye.objects.all().delete()
    assert envoyer_resumes_quotidiens.delay().get() == 2


def test_the_preferences_page_shows_the_current_choice(monde, login):
    user = monde["users"]["financeur"]
    client = login(user)
    page = client.get(reverse("preferences")).content.decode()
    assert "Recevoir le résumé du matin" in page and "checked" in _case(page)  # on by default
    client.post(reverse("preferences"), {})
    page = client.get(reverse("preferences")).content.decode()
    assert "Vous ne recevrez plus le résumé du matin." in page and "checked" not in _case(page)


def _case(page: str) -> str:
    """The digest's checkbox (the page also has the role's accord, a radio that is checked)."""
    return re.search(r'<input[^>]*name="resume_quotidien"[^>]*>', page).group(0)


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
    ResumeEnvoye.objects.all().delete()
    f.ResumeEnvoyeFactory(user=projet_a_faire["users"]["coordinateur"], hier=True)
    assert envoyer_resumes_quotidiens.delay().get() == 2


def test_a_digest_that_could_not_be_sent_is_sent_by_the_retry(projet_a_faire, mailoutbox, monkeypatch):
    from django.core.mail import EmailMultiAlternatives

    envoyer = EmailMultiAlternatives.send

    def en_panne(self, *args, **kwargs):
        raise ConnectionRefusedError("serveur SMTP injoignable")

    monkeypatch.setattr(EmailMultiAlternatives, "send", en_panne)
    with pytest.raises(ConnectionRefusedError):
        envoyer_resumes_quotidiens.delay().get()
    assert not ResumeEnvoye.objects.exists() and mailoutbox == []
    monkeypatch.setattr(EmailMultiAlternatives, "send", envoyer)
    assert envoyer_resumes_quotidiens.delay().get() == 2

"""The embedded mode's jobs run after the response (conciergerie/execution_locale.py): with eager
Celery and JOBS_EN_FOND, « Générer le rapport » returns at once with the progress page, the button
stays disabled while the job runs in a thread of the process, the job ends ready, and a failure in
the thread keeps its French error on the job.

Transactional tests: the job's thread has its own database connection and must see the rows the
request committed (pytest-django's ordinary tests never commit)."""

import threading
import time
from datetime import date as D

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from conciergerie import execution_locale
from pilotage import pdf, rapports
from pilotage.bilans import services as bilans_services
from pilotage.models import BilanExcel, RapportCopil, StatutJob
from tests import factories as f
from tests.pilotage.test_generer_en_vol import PERIODE, bouton, desactive, texte, url_bilans, url_copil, url_rapport

pytestmark = pytest.mark.django_db(transaction=True)

LENTEUR = 2.0  # seconds the injected job takes


@pytest.fixture(autouse=True)
def en_fond(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.JOBS_EN_FOND = True
    yield
    assert execution_locale.attendre(timeout=60), "un job local n'a pas fini"


@pytest.fixture
def copil(monde):
    return f.CopilFactory(projet=monde["A"], periode_debut=D(2025, 1, 1), periode_fin=D(2025, 6, 30))


@pytest.fixture
def rendu_lent(monkeypatch):
    """The report's rendering made slow; the returned event is set once the job is in its slow
    part (its first writes done): the test reads the pages then, as a user would a moment after
    the click — not in the same instant as the thread's first write, which SQLite's shared
    in-memory test database would refuse (« table is locked ») where a file database waits."""
    en_route = threading.Event()

    def produire_lentement(rapport, avancer):
        avancer(40)
        en_route.set()
        time.sleep(LENTEUR)
        return ContentFile(b"%PDF-1.7 rapport lent")

    monkeypatch.setattr(rapports, "_produire", produire_lentement)
    return en_route


def test_generer_le_rapport_rend_la_main_tout_de_suite_puis_le_job_finit(copil, monde, login, rendu_lent):
    client = login(monde["users"]["coordinateur"])
    demander, page_copil = url_rapport("rapport_demander", copil, copil.pk), url_copil(copil)
    assert client.get(page_copil).status_code == 200  # the page the user clicks from (and the URLs loaded)
    debut = time.perf_counter()
    reponse = client.post(demander, {"suivant": page_copil})
    duree = time.perf_counter() - debut
    assert reponse.status_code == 302
    assert duree < LENTEUR / 2, f"la demande a pris {duree:.2f} s pour un job de {LENTEUR} s"
    assert rendu_lent.wait(timeout=30)
    rapport = RapportCopil.objects.get()
    assert reponse.url == page_copil  # back to the COPIL's page, which shows the job

    # meanwhile: the job's progress (polled by htmx) and the COPIL's button disabled, on the
    # COPIL's page and on the job's own page alike
    copil_page = texte(client.get(page_copil))
    assert f'id="rapport-{rapport.pk}"' in copil_page and 'hx-trigger="every 2s"' in copil_page
    assert desactive(bouton(copil_page, f"generer-rapport-{copil.pk}-financeurs"))
    statut = client.get(reverse("rapport_statut", kwargs={"projet_id": copil.projet_id, "pk": rapport.pk}))
    assert statut.status_code == 200 and 'hx-trigger="every 2s"' in texte(statut)

    assert execution_locale.attendre(timeout=30)
    rapport.refresh_from_db()
    assert rapport.statut == StatutJob.PRET and rapport.fichier
    assert rapport.fichier.read() == b"%PDF-1.7 rapport lent"
    assert not desactive(bouton(texte(client.get(url_copil(copil))), f"generer-rapport-{copil.pk}-financeurs"))


def test_un_echec_dans_le_fil_garde_son_erreur_en_francais(copil, monde, login, monkeypatch):
    def en_panne(html, **kwargs):
        time.sleep(0.3)
        raise RuntimeError("police introuvable")

    monkeypatch.setattr(pdf, "rendre_pdf", en_panne)
    client = login(monde["users"]["coordinateur"])
    reponse = client.post(url_rapport("rapport_demander", copil, copil.pk), {"suivant": url_copil(copil)})
    assert reponse.status_code == 302
    assert execution_locale.attendre(timeout=30)
    rapport = RapportCopil.objects.get()
    assert rapport.statut == StatutJob.ECHEC
    assert rapport.erreur == "Échec du rendu : police introuvable"
    page = texte(client.get(reverse("rapport_statut", kwargs={"projet_id": copil.projet_id, "pk": rapport.pk})))
    assert "Échec du rendu : police introuvable" in page and "Relancer" in page


def test_le_bilan_aussi_rend_la_main_tout_de_suite(monde, login, monkeypatch):
    original = bilans_services._produire
    en_route = threading.Event()  # as in rendu_lent: the pages are read once the job is under way

    def produire_lentement(bilan, avancer):
        en_route.set()
        time.sleep(LENTEUR)
        return original(bilan, avancer)

    monkeypatch.setattr(bilans_services, "_produire", produire_lentement)
    client = login(monde["users"]["coordinateur"])
    assert client.get(url_bilans(monde["A"])).status_code == 200  # the page the user clicks from
    debut = time.perf_counter()
    reponse = client.post(url_bilans(monde["A"]), PERIODE)
    duree = time.perf_counter() - debut
    assert reponse.status_code == 302 and duree < LENTEUR / 2, f"{duree:.2f} s"
    assert en_route.wait(timeout=30)
    assert desactive(bouton(texte(client.get(url_bilans(monde["A"]))), "generer-bilan"))
    assert execution_locale.attendre(timeout=60)
    bilan = BilanExcel.objects.get()
    assert bilan.statut == StatutJob.PRET and bilan.fichier


def test_sans_jobs_en_fond_le_mode_eager_reste_synchrone(copil, monde, login, settings, rendu_lent):
    """The control: the same request with JOBS_EN_FOND off waits for the job (what the tests
    above would see without the local executor)."""
    settings.JOBS_EN_FOND = False
    client = login(monde["users"]["coordinateur"])
    demander = url_rapport("rapport_demander", copil, copil.pk)
    debut = time.perf_counter()
    client.post(demander, {"suivant": url_copil(copil)})
    assert time.perf_counter() - debut >= LENTEUR
    assert RapportCopil.objects.get().statut == StatutJob.PRET

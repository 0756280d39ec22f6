"""The "Générer" button is disabled while a job of the same kind is in flight for the same object (issue 15):
the COPIL's report, a person's bilan of a project, a person's bilan of several projects. The page
renders the button disabled with a French explanation, a POST anyway (a second tab, a script)
returns the job in flight — never a second one — and the status poll from the page sends the
button's current state out of band, so that it comes back once the job ended.

Celery is eager here: a job stays "in flight" as long as its on-commit callbacks are not run, or
when it is made by a factory in that state.
"""

import html as html_module
import re
from datetime import date as D
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from pilotage import bilans, jobs
from pilotage.indicateurs import Periode
from pilotage.models import BilanExcel, RapportCopil, StatutJob
from tests import factories as f

pytestmark = pytest.mark.django_db

PERIODE = {"debut": "2025-01-01", "fin": "2025-06-30"}


def texte(reponse) -> str:
    return html_module.unescape(reponse.content.decode())


def bouton(html: str, id_: str) -> str:
    """The "Générer" block (its ``div`` and what it holds) of the page."""
    trouve = re.search(rf'<div class="actions" id="{id_}"[^>]*>.*?</div>', html, re.S)
    assert trouve, f"pas de bloc {id_}"
    return trouve.group(0)


def desactive(bloc: str) -> bool:
    return bool(re.search(r"<button[^>]*\bdisabled\b", bloc))


def messages_de(reponse) -> list[str]:
    return [str(m) for m in get_messages(reponse.wsgi_request)]


# ------------------------------------------------------------------ the COPIL report


@pytest.fixture
def copil(monde):
    return f.CopilFactory(projet=monde["A"], periode_debut=D(2025, 1, 1), periode_fin=D(2025, 6, 30))


def url_copil(copil):
    return reverse("copil_detail", kwargs={"projet_id": copil.projet_id, "pk": copil.pk})


def url_rapport(nom, copil, pk):
    return reverse(nom, kwargs={"projet_id": copil.projet_id, "pk": pk})


def test_le_bouton_du_rapport_est_desactive_pendant_un_rapport_en_vol(copil, monde, login):
    client = login(monde["users"]["coordinateur"])
    id_ = f"generer-rapport-{copil.pk}-financeurs"
    assert not desactive(bouton(texte(client.get(url_copil(copil))), id_)), "rien en vol : le bouton est actif"

    rapport = f.RapportCopilFactory(copil=copil, statut=StatutJob.EN_COURS, progression=40, debut=timezone.now())
    bloc = bouton(texte(client.get(url_copil(copil))), id_)
    assert desactive(bloc)
    assert "Un rapport de ce COPIL, demandé le " in bloc and "est en préparation" in bloc
    assert f'aria-describedby="{id_}-pourquoi"' in bloc
    # the coordinators' rendering is another report: its button stays enabled
    assert not desactive(bouton(texte(client.get(url_copil(copil))), f"generer-rapport-{copil.pk}-coordination"))
    # the report of another COPIL does not disable this one's button
    autre = f.CopilFactory(projet=copil.projet)
    assert not desactive(bouton(texte(client.get(url_copil(autre))), f"generer-rapport-{autre.pk}-financeurs"))

    # a POST anyway returns the job in flight: never a second one
    reponse = client.post(url_rapport("rapport_demander", copil, copil.pk), {"suivant": url_copil(copil)})
    assert reponse.status_code == 302
    assert list(RapportCopil.objects.filter(copil=copil).values_list("pk", flat=True)) == [rapport.pk]
    assert messages_de(reponse) == ["Un rapport de ce COPIL est déjà en préparation : le voici."]


def test_un_rapport_bloque_dit_de_le_relancer(copil, monde, login):
    il_y_a = timezone.now() - jobs.DELAI_BLOCAGE - timedelta(minutes=1)
    rapport = f.RapportCopilFactory(copil=copil, statut=StatutJob.EN_COURS, debut=il_y_a, battement=il_y_a)
    RapportCopil.objects.filter(pk=rapport.pk).update(cree_le=il_y_a)
    html = texte(login(monde["users"]["coordinateur"]).get(url_copil(copil)))
    bloc = bouton(html, f"generer-rapport-{copil.pk}-financeurs")
    assert desactive(bloc) and "semble bloqué : relancez-le ci-dessous" in bloc
    assert url_rapport("rapport_relancer", copil, rapport.pk) in html


def test_le_sondage_depuis_la_page_rend_le_bouton_quand_le_rapport_est_fini(copil, monde, login):
    rapport = f.RapportCopilFactory(copil=copil, statut=StatutJob.EN_COURS, progression=40, debut=timezone.now())
    client = login(monde["users"]["coordinateur"])
    page = texte(client.get(url_copil(copil)))
    statut = url_rapport("rapport_statut", copil, rapport.pk)
    assert f'hx-get="{statut}?bouton=1"' in page, "la page sonde avec ?bouton=1"

    htmx = {"HX-Request": "true"}
    partiel = texte(client.get(f"{statut}?bouton=1", headers=htmx))
    oob = bouton(partiel, f"generer-rapport-{copil.pk}-financeurs")
    assert 'hx-swap-oob="true"' in oob and desactive(oob)
    assert f'hx-get="{statut}?bouton=1"' in partiel, "le sondage suivant garde ?bouton=1"

    RapportCopil.objects.filter(pk=rapport.pk).update(statut=StatutJob.PRET, progression=100, fin=timezone.now())
    partiel = texte(client.get(f"{statut}?bouton=1", headers=htmx))
    oob = bouton(partiel, f"generer-rapport-{copil.pk}-financeurs")
    assert 'hx-swap-oob="true"' in oob and not desactive(oob) and "hx-trigger" not in partiel

    # a poll from a page without the button (the status page), or by a funder (no button): no
    # out-of-band block, whose missing target would be an htmx error
    assert "hx-swap-oob" not in texte(client.get(statut, headers=htmx))
    assert "hx-swap-oob" not in texte(login(monde["users"]["financeur"]).get(f"{statut}?bouton=1", headers=htmx))
    assert "generer-rapport" not in texte(login(monde["users"]["financeur"]).get(url_copil(copil)))


def test_relancer_depuis_la_page_desactive_le_bouton(copil, monde, login, django_capture_on_commit_callbacks):
    rapport = f.RapportCopilFactory(copil=copil, echec=True, fin=timezone.now())
    client = login(monde["users"]["coordinateur"])
    assert not desactive(bouton(texte(client.get(url_copil(copil))), f"generer-rapport-{copil.pk}-financeurs"))
    with django_capture_on_commit_callbacks(execute=False):  # the task not run yet: in flight
        reponse = client.post(url_rapport("rapport_relancer", copil, rapport.pk) + "?bouton=1", headers={"HX-Request": "true"})
    oob = bouton(texte(reponse), f"generer-rapport-{copil.pk}-financeurs")
    assert 'hx-swap-oob="true"' in oob and desactive(oob)


# ------------------------------------------------------------------ the bilan of a project


def url_bilans(projet):
    return reverse("bilan_projet", kwargs={"projet_id": projet.pk})


def test_le_bouton_du_bilan_est_desactive_pendant_mon_bilan_en_vol(monde, login, django_capture_on_commit_callbacks):
    projet, coord = monde["A"], monde["users"]["coordinateur"]
    client = login(coord)
    assert not desactive(bouton(texte(client.get(url_bilans(projet))), "generer-bilan"))

    with django_capture_on_commit_callbacks(execute=False):  # the task not run yet: in flight
        reponse = client.post(url_bilans(projet), PERIODE)
    assert reponse.status_code == 302
    premier = BilanExcel.objects.get()
    assert premier.statut == StatutJob.EN_ATTENTE

    bloc = bouton(texte(client.get(url_bilans(projet))), "generer-bilan")
    assert desactive(bloc) and "Votre bilan demandé le " in bloc and "est en préparation" in bloc

    # another period while the first is in flight: the same job, said so
    with django_capture_on_commit_callbacks(execute=False) as taches:
        reponse = client.post(url_bilans(projet), {"debut": "2024-01-01", "fin": "2024-12-31"})
    assert reponse.status_code == 302 and reponse.url.endswith(f"#bilan-{premier.pk}")
    assert BilanExcel.objects.count() == 1 and taches == []
    [message] = messages_de(reponse)
    assert message.startswith("Votre bilan demandé le ") and "est en préparation" in message

    # someone else's bilan does not disable mine (the administrator's button stays enabled)
    assert not desactive(bouton(texte(login(monde["users"]["administrateur"]).get(url_bilans(projet))), "generer-bilan"))

    # once it ended, the button is back, and the poll from the page says so out of band
    BilanExcel.objects.filter(pk=premier.pk).update(statut=StatutJob.ECHEC, erreur="x", fin=timezone.now())
    statut = reverse("bilan_statut", kwargs={"projet_id": projet.pk, "pk": premier.pk})
    oob = bouton(texte(client.get(f"{statut}?bouton=1", headers={"HX-Request": "true"})), "generer-bilan")
    assert 'hx-swap-oob="true"' in oob and not desactive(oob)
    assert not desactive(bouton(texte(client.get(url_bilans(projet))), "generer-bilan"))
    with django_capture_on_commit_callbacks(execute=False):
        client.post(url_bilans(projet), PERIODE)
    assert BilanExcel.objects.count() == 2


def test_le_service_rend_le_bilan_en_vol_quelle_que_soit_la_periode(monde, django_capture_on_commit_callbacks):
    projet, coord, adm = monde["A"], monde["users"]["coordinateur"], monde["users"]["administrateur"]
    with django_capture_on_commit_callbacks(execute=False) as taches:
        premier = bilans.demander_bilan(projet=projet, periode=Periode(D(2025, 1, 1), D(2025, 6, 30)), by=coord)
        autre_periode = bilans.demander_bilan(projet=projet, periode=Periode(D(2024, 1, 1), D(2024, 6, 30)), by=coord)
        de_l_admin = bilans.demander_bilan(projet=projet, periode=Periode(D(2025, 1, 1), D(2025, 6, 30)), by=adm)
    assert premier.pk == autre_periode.pk != de_l_admin.pk
    assert len(taches) == 2
    assert bilans.en_vol(projet=projet, by=coord) == premier
    assert bilans.en_vol(projet=monde["B"], by=coord) is None


# ------------------------------------------------------------------ the bilan of several projects


def test_le_bouton_du_bilan_de_plusieurs_projets(monde, login, django_capture_on_commit_callbacks):
    adm = monde["users"]["administrateur"]
    f.AdhesionFactory(user=adm, projet=monde["B"], administrateur=True)
    client = login(adm)
    page = reverse("bilan_projets")
    assert not desactive(bouton(texte(client.get(page)), "generer-bilan"))
    with django_capture_on_commit_callbacks(execute=False):
        client.post(page, PERIODE)
        reponse = client.post(page, {"debut": "2024-01-01", "fin": "2024-12-31"})
    bilan = BilanExcel.objects.get()
    assert bilan.projet is None and reponse.url.endswith(f"#bilan-{bilan.pk}")
    html = texte(client.get(page))
    assert desactive(bouton(html, "generer-bilan"))
    statut = reverse("bilan_projets_statut", kwargs={"pk": bilan.pk})
    assert f'hx-get="{statut}?bouton=1"' in html
    BilanExcel.objects.filter(pk=bilan.pk).update(statut=StatutJob.PRET, fin=timezone.now())
    oob = bouton(texte(client.get(f"{statut}?bouton=1", headers={"HX-Request": "true"})), "generer-bilan")
    assert 'hx-swap-oob="true"' in oob and not desactive(oob)

"""A coordinator adds participants to a collective session, creates a séance, fills its attendance
grid (one participant absent, one for part of the séance), then downloads the printable sheet."""

import re
from datetime import date as D
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from parcours.models import Etape, Presence
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_un_coordinateur_remplit_la_feuille_de_presence_et_telecharge_la_feuille(connecter):
    adhesion = f.AdhesionFactory(coordinateur=True, user__username="camille", projet__nom="Icifornie")
    projet = adhesion.projet
    of = f.MembreConsortiumFactory(projet=projet, organisation__type="organisme_formation", organisation__nom="AFPA").organisation
    f.FinancementFactory(
        projet=projet, financeur__nom="Communauté de communes", programme="FEADER", date_debut=D(2025, 1, 1), date_fin=D(2025, 12, 31)
    )
    session = f.SessionFormationFactory(
        projet=projet,
        organisation=of,
        intitule="Accueillir et recruter",
        nature="formation_developpement",
        date_debut=D(2025, 3, 10),
        date_fin=D(2025, 4, 30),
    )
    for prenom, nom in (("Gaëlle", "Dufourcq"), ("Thierry", "Lalanne"), ("Mathilde", "Castets")):
        f.ParcoursFactory(apprenant__projet=projet, apprenant__prenom=prenom, apprenant__nom=nom)
    page = connecter("camille")

    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Sessions").click()
    page.get_by_role("link", name="Accueillir et recruter").click()
    page.get_by_role("link", name="Ajouter des participants").click()
    page.get_by_label("Apprenants à ajouter").select_option(label=["Gaëlle Dufourcq", "Thierry Lalanne", "Mathilde Castets"])
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("3 participants ajoutés")).to_be_visible()

    page.get_by_role("link", name="Nouvelle séance").click()
    page.get_by_label("Date").fill("2025-03-12")
    page.get_by_label("Heure de début").fill("09:00")
    page.get_by_label("Heure de fin").fill("12:30")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Séance du 12 mars 2025 09:00–12:30 enregistrée (3,5 h).")).to_be_visible()

    page.get_by_role("link", name="Présences").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Présences — Séance du 12 mars 2025")
    page.get_by_role("group", name="Présence de Thierry Lalanne").get_by_label("Absent").check()
    page.get_by_label("Heures de Mathilde Castets").fill("2,5")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Présences de la Séance du 12 mars 2025 09:00–12:30 enregistrées.")).to_be_visible()
    # the participants' hours now come from attendance, on the session's page
    expect(page.get_by_role("row", name=re.compile("Gaëlle Dufourcq"))).to_contain_text("3,5 h")
    presences = {p.apprenant.prenom: (p.statut, p.heures) for p in Presence.objects.select_related("apprenant")}
    assert presences == {
        "Gaëlle": ("present", Decimal("3.5")),
        "Thierry": ("absent", Decimal("0")),
        "Mathilde": ("present", Decimal("2.5")),
    }
    assert Etape.objects.get(session=session, parcours__apprenant__prenom="Mathilde").heures_realisees == Decimal("2.5")

    with page.expect_download() as attente:
        page.get_by_role("link", name="Feuille d'émargement (PDF)").click()
    telechargement = attente.value
    assert telechargement.suggested_filename == f"emargement-2025-03-12-seance-{session.seances.get().pk}.pdf"
    assert Path(telechargement.path()).read_bytes().startswith(b"%PDF-")

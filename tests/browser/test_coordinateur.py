"""A coordinator's day in a real browser (issue 3), a partner's restricted view, htmx filters."""

import re
from datetime import date

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone
from playwright.sync_api import expect

from parcours.models import Etape, Parcours, Sortie
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _iso(d: date) -> str:
    return d.isoformat()


@pytest.fixture
def icifornie():
    adhesion = f.AdhesionFactory(coordinateur=True, user__username="camille", projet__nom="Icifornie")
    projet = adhesion.projet
    f.MembreConsortiumFactory(projet=projet, chef_de_file=True, organisation__nom="La Smalah", organisation__type="tiers_lieu")
    f.MembreConsortiumFactory(projet=projet, organisation__nom="Greta des Landes", organisation__type="organisme_formation")
    return projet


def test_coordinator_logs_a_whole_path(connecter, icifornie):
    today = timezone.localdate()
    debut = today - relativedelta(months=8)
    sortie = today - relativedelta(months=5, days=15)  # follow-up due in about two weeks

    page = connecter("camille")
    page.set_default_timeout(10_000)
    page.get_by_role("link", name="Apprenants").click()
    page.get_by_role("link", name="Nouvel apprenant").click()
    page.get_by_label("Référence").fill("ICI-2025-001")
    page.get_by_label("Prénom").fill("Léa")
    page.get_by_label(re.compile(r"^Nom\b")).fill("Marchand")
    page.get_by_label("Situation à l'entrée").select_option(label="Bénéficiaire du RSA")
    page.get_by_label("Entrée dans la conciergerie").fill(_iso(debut))
    page.get_by_label("N° de sécurité sociale").select_option(label="Numéro provisoire")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Léa Marchand")

    page.get_by_role("link", name="Nouveau parcours").click()
    page.get_by_label("Objectif").fill("Auxiliaire de vie")
    page.get_by_label("Début").fill(_iso(debut))
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", name=re.compile("Parcours : Auxiliaire de vie"))).to_be_visible()

    etapes = [
        ("Accueil / diagnostic", "La Smalah", debut, ""),
        ("Formation certifiante", "Greta des Landes", debut + relativedelta(months=1), "RNCP37873"),
        ("Immersion (PMSMP)", "La Smalah", debut + relativedelta(months=2), ""),
    ]
    for type_, organisation, jour, code in etapes:
        page.get_by_role("link", name="Ajouter une étape").click()
        page.get_by_label("Type").select_option(label=type_)
        page.get_by_label("Organisation").select_option(label=f"{organisation} (Hagetmau)")
        page.get_by_label("Début").fill(_iso(jour))
        if code:
            page.get_by_label("Code RNCP/RS").fill(code)
        page.get_by_role("button", name="Enregistrer").click()
        expect(page.locator(".messages")).to_contain_text(f"Étape « {type_} » enregistrée")
    expect(page.locator("li.etape")).to_have_count(3)

    # block the certifying step: first without a reason, then with it
    certifiante = Etape.objects.get(type="formation_certifiante")
    etape = page.locator(f"#etape-{certifiante.pk}")
    etape.get_by_role("button", name="Bloquée", exact=True).click()
    expect(page.locator(f"#etape-{certifiante.pk}").get_by_role("alert")).to_contain_text("Indiquez le motif du blocage ou de l'abandon.")
    etape = page.locator(f"#etape-{certifiante.pk}")
    etape.get_by_label("Motif (blocage ou abandon)").fill("Numéro de sécurité sociale provisoire")
    etape.get_by_role("button", name="Bloquée", exact=True).click()
    expect(page.locator(f"#etape-{certifiante.pk} .badge")).to_have_text("Bloquée")
    expect(page.locator(f"#etape-{certifiante.pk} .motif")).to_contain_text("Numéro de sécurité sociale provisoire")
    # a status without motive: one click
    page.locator(f"#etape-{certifiante.pk}").get_by_role("button", name="En cours", exact=True).click()
    expect(page.locator(f"#etape-{certifiante.pk} .badge")).to_have_text("En cours")
    assert Etape.objects.get(pk=certifiante.pk).statut == "en_cours"
    page.locator(f"#etape-{certifiante.pk}").get_by_label("Motif (blocage ou abandon)").fill("Numéro de sécurité sociale provisoire")
    page.locator(f"#etape-{certifiante.pk}").get_by_role("button", name="Bloquée", exact=True).click()
    expect(page.locator(f"#etape-{certifiante.pk} .badge")).to_have_text("Bloquée")

    page.get_by_role("link", name="Clôturer le parcours").click()
    page.get_by_label("Résultat").select_option(label="Formation qualifiante")
    page.get_by_label("Date").fill(_iso(sortie))
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".messages")).to_contain_text("Parcours clôturé : Formation qualifiante")

    parcours = Parcours.objects.get()
    assert parcours.statut == "cloture" and parcours.suivi_6_mois_le == sortie + relativedelta(months=6)
    assert Sortie.objects.get().resultat == "formation_qualifiante"

    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Accueil").click()
    suivi = page.get_by_role("link", name="Suivi à 6 mois de Léa Marchand")
    expect(suivi).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Léa Marchand — Formation certifiante"))).to_be_visible()
    suivi.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Suivi à 6 mois")


def test_partner_sees_only_its_organisation_learners(connecter, icifornie):
    adhesion = f.AdhesionFactory(projet=icifornie, partenaire=True, user__username="greta")
    f.EtapeFactory(
        parcours__apprenant__projet=icifornie,
        parcours__apprenant__nom="Suivi",
        parcours__apprenant__prenom="Paul",
        organisation=adhesion.organisation,
    )
    f.EtapeFactory(parcours__apprenant__projet=icifornie, parcours__apprenant__nom="Ailleurs", parcours__apprenant__prenom="Zoé")
    page = connecter("greta")
    page.get_by_role("link", name="Apprenants").click()
    expect(page.get_by_role("link", name="Suivi Paul")).to_be_visible()
    expect(page.get_by_text("Ailleurs Zoé")).to_have_count(0)
    expect(page.get_by_text("1 apprenant")).to_be_visible()
    expect(page.get_by_role("link", name="Nouvel apprenant")).to_have_count(0)


def test_filtering_by_step_type_without_reloading(connecter, icifornie):
    f.EtapeFactory(
        parcours__apprenant__projet=icifornie, parcours__apprenant__nom="Certifiee", parcours__apprenant__prenom="Ana", certifiante=True
    )
    f.EtapeFactory(parcours__apprenant__projet=icifornie, parcours__apprenant__nom="Accompagnee", parcours__apprenant__prenom="Bob")
    page = connecter("camille")
    page.get_by_role("link", name="Apprenants").click()
    expect(page.locator("#resultats tbody tr")).to_have_count(2)
    page.evaluate("window.__marker = 1")
    page.get_by_label("Type d'étape").select_option(label="Formation certifiante")
    expect(page.locator("#resultats tbody tr")).to_have_count(1)
    expect(page.get_by_role("link", name="Certifiee Ana")).to_be_visible()
    expect(page).to_have_url(re.compile(r"type_etape=formation_certifiante"))
    assert page.evaluate("window.__marker") == 1  # the page was not reloaded
    expect(page.get_by_text("1 apprenant", exact=True)).to_be_visible()

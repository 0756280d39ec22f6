"""The Content-Security-Policy in a real browser: a coordinator goes through the main pages, htmx
at work, and Chromium reports no violation; the header's project switcher (a static script now,
no inline handler) still changes project."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: installed in every document before its own scripts: each violation is sent to the test
ECOUTE = """
document.addEventListener("securitypolicyviolation", function (e) {
  window.signalerViolation([e.violatedDirective, e.blockedURI, e.sourceFile + ":" + e.lineNumber, document.location.pathname].join(" "));
});
"""


@pytest.fixture
def violations(page):
    """The policy violations, and Chromium's complaints about the Permissions-Policy header (a
    feature it does not know)."""
    recues = []

    def signaler(violation):
        recues.append(violation)

    page.expose_function("signalerViolation", signaler)
    page.add_init_script(ECOUTE)
    page.on("console", lambda message: "Permissions-Policy" in message.text and recues.append(message.text))
    return recues


@pytest.fixture
def deux_projets():
    adhesion = f.AdhesionFactory(coordinateur=True, user__username="camille", projet__nom="Icifornie")
    projet = adhesion.projet
    coteaux = f.AdhesionFactory(coordinateur=True, user=adhesion.user, projet__nom="Tiers-lieu des Coteaux").projet
    for i in range(6):
        f.EtapeFactory(parcours__apprenant__projet=projet, parcours__apprenant__nom=f"Nom{i}", parcours__apprenant__prenom="Ana")
    fin = f.FinancementFactory(projet=projet, programme="Deffinov", intitule="Conciergerie", plafonne=True)
    f.DepenseFactory(ligne__financement=fin, montant=Decimal("1000.00"))
    return {"projet": projet, "coteaux": coteaux, "financement": fin}


def _attendre(page, ms=300):
    """Reports reach the test through the exposed function, asynchronously."""
    page.wait_for_timeout(ms)


def test_the_main_pages_raise_no_violation(connecter, live_server, violations, deux_projets):
    projet, fin = deux_projets["projet"], deux_projets["financement"]
    page = connecter("camille")
    page.set_default_timeout(10_000)
    expect(page.get_by_role("heading", level=1)).to_have_text("Icifornie")
    # htmx read its configuration from the meta (no eval, no inserted styles)
    assert page.evaluate("[htmx.config.allowEval, htmx.config.includeIndicatorStyles, htmx.config.historyCacheSize]") == [False, False, 0]

    chemins = [
        reverse("mes_projets"),
        reverse("apprenant_create", args=[projet.pk]),
        reverse("tableau_de_bord", args=[projet.pk]),
        reverse("finances", args=[projet.pk]),
        reverse("financement_detail", args=[projet.pk, fin.pk]),
        reverse("organisation_list", args=[projet.pk]),
        reverse("sessionformation_list", args=[projet.pk]),
        reverse("recit_list", args=[projet.pk]),
        reverse("copil_list", args=[projet.pk]),
        reverse("bilan_projet", args=[projet.pk]),
    ]
    for chemin in chemins:
        response = page.goto(f"{live_server.url}{chemin}")
        assert response.status == 200, chemin
        assert "default-src 'self'" in response.headers["content-security-policy"], chemin
    # what is drawn: the volunteer gauge, the dashboard's charts (SVG with presentation attributes)
    page.goto(f"{live_server.url}{reverse('financement_detail', args=[projet.pk, fin.pk])}")
    expect(page.locator("figure.jauge svg")).to_be_visible()
    page.goto(f"{live_server.url}{reverse('tableau_de_bord', args=[projet.pk])}")
    expect(page.locator("figure.graphique svg").first).to_be_visible()

    # the learners: htmx sorts in place; the back button asks the page again (htmx keeps no copy
    # of it in sessionStorage); htmx filters in place
    page.goto(f"{live_server.url}{reverse('apprenant_list', args=[projet.pk])}")
    expect(page.locator("#resultats tbody tr")).to_have_count(6)
    page.evaluate("window.__marqueur = 1")
    page.locator("#resultats thead a").first.click()
    expect(page).to_have_url(re.compile(r"tri="))
    assert page.evaluate("window.__marqueur") == 1  # swapped by htmx, not reloaded
    page.go_back()
    expect(page).not_to_have_url(re.compile(r"tri="))
    expect(page.locator("#resultats tbody tr")).to_have_count(6)
    assert page.evaluate("window.__marqueur") is None  # reloaded
    assert page.evaluate("sessionStorage.getItem('htmx-history-cache')") is None
    page.locator("#id_q").fill("Nom3")
    expect(page.locator("#resultats tbody tr")).to_have_count(1)
    page.get_by_role("link", name="Nom3 Ana").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ana Nom3")
    _attendre(page)
    assert violations == []

    # the listener does hear a violation: an inline script is refused
    page.evaluate("() => { const s = document.createElement('script'); s.textContent = 'window.__x = 1'; document.body.append(s); }")
    _attendre(page)
    assert page.evaluate("window.__x") is None
    assert len(violations) == 1 and violations[0].startswith("script-src"), violations


def test_the_project_switcher_changes_project(connecter, violations, deux_projets):
    page = connecter("camille")
    page.set_default_timeout(10_000)
    expect(page.get_by_role("heading", level=1)).to_have_text("Icifornie")
    page.get_by_label("Projet").select_option(label="Tiers-lieu des Coteaux — Coordination")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tiers-lieu des Coteaux")
    expect(page).to_have_url(re.compile(rf"/p/{deux_projets['coteaux'].pk}/$"))
    page.get_by_label("Projet").select_option(label="Icifornie — Coordination")
    expect(page.get_by_role("heading", level=1)).to_have_text("Icifornie")
    _attendre(page)
    assert violations == []


def test_the_admin_site_works_under_the_policy(connecter, live_server, violations):
    """Django's admin has no inline script; django-simple-history's history page has one style
    attribute (a paginator's top border), refused and harmless."""
    f.UserFactory(username="root", is_staff=True, is_superuser=True)
    apprenant = f.ApprenantFactory(nom="Marchand", prenom="Léa")
    page = connecter("root")
    page.set_default_timeout(10_000)
    for chemin in (
        "/admin/",
        reverse("admin:parcours_apprenant_changelist"),
        reverse("admin:parcours_apprenant_change", args=[apprenant.pk]),
    ):
        assert page.goto(f"{live_server.url}{chemin}").status == 200, chemin
    expect(page.locator("#apprenant_form")).to_be_visible()
    _attendre(page)
    assert violations == []
    page.goto(f"{live_server.url}{reverse('admin:parcours_apprenant_history', args=[apprenant.pk])}")
    _attendre(page)
    assert [v.split()[0] for v in violations] == ["style-src-attr"], violations

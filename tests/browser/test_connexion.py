import pytest
from playwright.sync_api import expect

from tests import factories as f
from tests.browser.conftest import code_affiche

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_logs_in_and_reaches_project_home(connecter, live_server):
    adhesion = f.AdhesionFactory(coordinateur=True, user__username="camille", projet__nom="Icifornie")
    f.ApprenantFactory(projet=adhesion.projet, prenom="Léa", nom="Marchand")
    page = connecter("camille")
    expect(page.get_by_role("heading", level=1)).to_have_text("Icifornie")
    page.get_by_role("link", name="Apprenants").click()
    expect(page.get_by_role("link", name="Marchand Léa")).to_be_visible()


def test_wrong_password_shows_french_error(connecter):
    f.UserFactory(username="camille")
    page = connecter("camille", password="faux")
    expect(page.get_by_role("alert")).to_contain_text("Identifiant ou mot de passe incorrect")  # the label's word


def test_an_administrator_sets_up_the_second_factor_at_first_login(connecter):
    """After the password, an administrator without an authenticator application gets the
    enrolment page only (a QR code and the key as text), and reaches the project once a first
    code is confirmed."""
    f.AdhesionFactory(administrateur=True, user__username="dominique", projet__nom="Icifornie")
    page = connecter("dominique", second_facteur=False)
    expect(page.get_by_role("heading", level=1)).to_have_text("Activer la double authentification")
    expect(page.locator(".code-qr svg")).to_be_visible()
    expect(page.get_by_role("link", name="Apprenants")).to_have_count(0)
    page.get_by_label("Code à 6 chiffres").fill("000000" if code_affiche(page) != "000000" else "111111")
    page.get_by_role("button", name="Confirmer").click()
    expect(page.locator(".errorlist")).to_contain_text("Code incorrect ou expiré")
    page.get_by_label("Code à 6 chiffres").fill(code_affiche(page))
    page.get_by_role("button", name="Confirmer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Icifornie")
    page.get_by_role("link", name="Sécurité du compte").click()
    expect(page.get_by_text("Activée", exact=True)).to_be_visible()

import pytest
from playwright.sync_api import expect

from tests import factories as f

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
    expect(page.get_by_role("alert")).to_contain_text("Saisissez un nom d’utilisateur et un mot de passe valides")

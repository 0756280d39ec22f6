"""Searching in a real browser (issue 19): the récit form's learner picker (a coordinator types part
of a name, picks the learner among the proposals, removes another, and the récit names the one
kept) and the header's global search, used with the keyboard."""

import re

import pytest
from playwright.sync_api import expect

from recits.models import Recit
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_types_a_name_and_picks_the_learner(connecter, live_server):
    adhesion = f.AdhesionFactory(coordinateur=True, user__username="camille")
    projet = adhesion.projet
    helene = f.ApprenantFactory(projet=projet, prenom="Hélène", nom="Lefèvre", consentant=True)
    marc = f.ApprenantFactory(projet=projet, prenom="Marc", nom="Durand", consentant=True)
    for i in range(30):  # a project's many learners: none of them is listed until searched for
        f.ApprenantFactory(projet=projet, nom=f"Autre{i:02d}", prenom="Zoé")

    page = connecter("camille")
    page.set_default_timeout(10_000)
    page.get_by_role("link", name="Récits").first.click()
    page.get_by_role("link", name="Nouveau récit").click()
    # with JavaScript the plain select is replaced by the search field
    expect(page.locator("select[name=apprenants]")).to_be_hidden()
    recherche = page.get_by_label("Chercher un apprenant à nommer")
    recherche.press_sequentially("lefev", delay=30)
    page.get_by_role("button", name=re.compile(r"^Choisir Hélène Lefèvre")).click()
    expect(page.locator("[data-puces]")).to_contain_text("Hélène Lefèvre")
    # a second one, then removed again
    recherche.fill("")
    recherche.press_sequentially("durand", delay=30)
    page.get_by_role("button", name=re.compile(r"^Choisir Marc Durand")).click()
    expect(page.locator("[data-puces]")).to_contain_text("Marc Durand")
    page.get_by_role("button", name=re.compile(r"^Retirer Marc Durand")).click()
    expect(page.locator("[data-puces]")).not_to_contain_text("Marc Durand")

    page.get_by_label("Titre").fill("Le premier jour d'Hélène")
    page.get_by_label("Type").select_option(index=1)
    page.get_by_label("Date").fill("2025-04-10")
    page.get_by_label("Texte").fill("Un beau moment.")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Le premier jour d'Hélène")
    recit = Recit.objects.get(titre="Le premier jour d'Hélène")
    assert list(recit.apprenants.all()) == [helene]
    assert marc not in recit.apprenants.all()


def test_header_search_with_the_keyboard(connecter):
    """The header's global search: typed into, sent with Enter, a result followed."""
    adhesion = f.AdhesionFactory(coordinateur=True, user__username="camille")
    projet = adhesion.projet
    f.ApprenantFactory(projet=projet, prenom="Hélène", nom="Lefèvre")
    f.OrganisationFactory(projet=projet, nom="Lefèvre Formation")

    page = connecter("camille")
    page.set_default_timeout(10_000)
    page.get_by_role("link", name="Apprenants").first.click()
    champ = page.get_by_role("searchbox", name="Recherche globale")
    champ.fill("lefevre")
    champ.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Recherche")
    expect(page.get_by_role("heading", name=re.compile(r"^Apprenants \(1\)"))).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(r"^Organisations \(1\)"))).to_be_visible()
    page.get_by_role("link", name="Hélène Lefèvre").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hélène Lefèvre")

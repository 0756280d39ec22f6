"""Phones and tablets (issue 19): on every main page of each role (tests/browser/pages_principales.py)
at 390×844 (a phone) and 820×1180 (a tablet), no page is wider than the screen; the navigation is
folded behind the « Menu » button, which unfolds it; a list's filters are in a folded panel; the
header stays small."""

import pytest
from playwright.sync_api import expect

from tests.browser.pages_principales import ROLES, USERNAMES, creer_donnees, pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TELEPHONE = {"width": 390, "height": 844}
TABLETTE = {"width": 820, "height": 1180}
LARGEUR = "[document.documentElement.scrollWidth, window.innerWidth]"


def trop_larges(page) -> list[str]:
    """The elements that stick out on the right: what to fix when the page is too wide."""
    return page.evaluate(
        """() => {
          const w = window.innerWidth, out = [];
          for (const e of document.querySelectorAll('body *')) {
            const r = e.getBoundingClientRect();
            if (r.right > w + 1 && getComputedStyle(e).position !== 'absolute') {
              out.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\\s+/).join('.') : '') + ' ' + Math.round(r.right));
            }
          }
          return out.slice(0, 6);
        }"""
    )


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": TELEPHONE}


@pytest.mark.parametrize("role", ROLES)
def test_no_main_page_is_wider_than_a_phone_or_a_tablet(role, connecter, live_server):
    donnees = creer_donnees()
    page = connecter(USERNAMES[role])
    page.set_default_timeout(15_000)
    echecs = []
    for taille in (TELEPHONE, TABLETTE):
        page.set_viewport_size(taille)
        for nom, chemin in pages(role, donnees):
            reponse = page.goto(live_server.url + chemin)
            assert reponse.status == 200, f"{nom} ({chemin}) : {reponse.status}"
            largeur, ecran = page.evaluate(LARGEUR)
            if largeur > ecran:
                echecs.append(f"{taille['width']} px — {nom} ({chemin}) : {largeur} px ; {trop_larges(page)}")
    assert not echecs, f"{role} — pages plus larges que l'écran :\n" + "\n".join(echecs)


def test_the_phone_navigation_is_folded_behind_the_menu_button(connecter, live_server):
    donnees = creer_donnees()
    page = connecter("coord")
    page.goto(live_server.url + pages("coordinateur", donnees)[2][1])  # the learners list
    navigation = page.get_by_role("navigation", name="Navigation principale")
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(navigation.get_by_role("link", name="Apprenants")).to_be_hidden()
    entete = page.locator("header.entete").bounding_box()
    assert entete["height"] <= 120, f"l'en-tête fait {entete['height']} px de haut sur un téléphone"

    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    lien = navigation.get_by_role("link", name="Apprenants")
    expect(lien).to_be_visible()
    expect(lien).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("navigation", name="Votre compte").get_by_role("button", name="Se déconnecter")).to_be_visible()

    navigation.get_by_role("link", name="Finances").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Finances")
    expect(page.get_by_role("button", name="Menu")).to_have_attribute("aria-expanded", "false")


def test_the_navigation_is_unfolded_on_a_wide_screen(connecter, live_server):
    creer_donnees()
    page = connecter("coord")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.reload()
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Apprenants")).to_be_visible()
    expect(page.get_by_role("navigation", name="Navigation principale").locator("a[aria-current]")).to_have_count(1)


def test_the_filters_of_a_list_fold_on_a_phone_and_filter_once_unfolded(connecter, live_server):
    donnees = creer_donnees()
    page = connecter("coord")
    page.goto(live_server.url + pages("coordinateur", donnees)[2][1])
    filtres = page.locator("details.panneau-filtres")
    expect(filtres).not_to_have_attribute("open", "")
    expect(page.get_by_label("Nom ou prénom")).to_be_hidden()
    page.get_by_text("Filtres", exact=True).click()
    expect(page.get_by_role("group", name="Entrée dans la conciergerie").get_by_label("du")).to_be_visible()
    page.get_by_label("Nom ou prénom").fill("Marchand")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.locator("#resultats")).to_contain_text("Marchand")
    expect(page.locator("#resultats")).not_to_contain_text("ICI-000")
    # a learner's row is a card: each value after its column's name (set on the swapped-in table)
    expect(page.locator("#resultats table.tableau[data-cartes]")).to_have_count(1)
    expect(page.locator("#resultats table.tableau td[data-label]").first).to_be_visible()
    assert page.evaluate(LARGEUR)[0] <= 390

    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(live_server.url + pages("coordinateur", donnees)[2][1])
    expect(page.locator("details.panneau-filtres")).to_have_attribute("open", "")

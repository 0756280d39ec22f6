from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _saisir(page, heures, personne):
    page.get_by_role("link", name="Saisir du temps bénévole").click()
    page.get_by_label("Date").fill("2025-03-03")
    page.get_by_label("Bénévole").fill(personne)
    page.get_by_label("Activité").fill("Accueil du tiers-lieu")
    page.get_by_label("Heures").fill(heures)
    page.get_by_label("Valorisé (compté dans le cofinancement)").check()
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()


def test_coordinateur_franchit_le_plafond_de_benevolat(connecter):
    adhesion = f.AdhesionFactory(coordinateur=True, user__username="camille", projet__nom="Icifornie")
    fin = f.FinancementFactory(projet=adhesion.projet, programme="Deffinov", intitule="Conciergerie", plafonne=True)
    # 1 000 € spent, 30 % cap: at most 428,57 € of volunteer time can be counted
    f.DepenseFactory(ligne__financement=fin, montant=Decimal("1000.00"))
    page = connecter("camille")
    page.get_by_role("link", name="Finances").click()
    page.get_by_role("link", name="Deffinov — Conciergerie").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Deffinov — Conciergerie")

    _saisir(page, "20", "Jeanne")  # 300 € : 70 % of the limit
    expect(page.get_by_text("20 h enregistrées pour Jeanne")).to_be_visible()
    expect(page.locator("figure.jauge")).to_have_class("jauge jauge-ok")
    expect(page.get_by_text("Plafond dépassé")).to_have_count(0)

    _saisir(page, "10", "Paul")  # 450 € > 428,57 €
    jauge = page.locator("figure.jauge")
    expect(jauge).to_have_class("jauge jauge-rouge")
    expect(page.get_by_role("status")).to_contain_text("Plafond dépassé : 21,43\u00a0€ au-delà du plafond")
    expect(jauge.locator("dd.au-dela")).to_have_text("21,43\u00a0€")

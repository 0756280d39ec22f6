"""A person double-clicks « Enregistrer » on a creation form: the browser sends the form twice
(the second click while the first request is still being saved); one expense is made and
the page says the form was already sent."""

import time
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from finances import services as services_finances
from finances.models import Depense
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_double_clic_sur_enregistrer_une_seule_depense(connecter, monkeypatch):
    adhesion = f.AdhesionFactory(coordinateur=True, user__username="camille", projet__nom="Icifornie")
    fin = f.FinancementFactory(projet=adhesion.projet, programme="Deffinov", intitule="Conciergerie")
    f.LigneBudgetFactory(financement=fin, libelle="Restauration")
    original = services_finances.enregistrer_depense

    def lent(**kwargs):  # the server takes a moment: the second click lands while it saves
        time.sleep(0.6)
        return original(**kwargs)

    monkeypatch.setattr(services_finances, "enregistrer_depense", lent)
    page = connecter("camille")
    page.get_by_role("link", name="Finances").click()
    page.get_by_role("link", name="Deffinov — Conciergerie").click()
    page.get_by_role("link", name="Nouvelle dépense").click()
    page.get_by_label("Ligne de budget").select_option(label="Personnel — Restauration")
    page.get_by_label("Date").fill("2025-03-04")
    page.get_by_label("Libellé").fill("Traiteur")
    page.get_by_label("Montant").fill("123,45")
    envois = []
    page.on("request", lambda r: envois.append(r) if r.method == "POST" and "/depenses/nouvelle/" in r.url else None)

    page.get_by_role("button", name="Enregistrer").dblclick(delay=150)
    expect(page.get_by_role("heading", level=1)).to_have_text("Deffinov — Conciergerie")
    expect(page.get_by_text("Ce formulaire a déjà été envoyé.")).to_be_visible()

    assert len(envois) == 2  # the browser did send the form twice
    assert list(Depense.objects.values_list("libelle", "montant")) == [("Traiteur", Decimal("123.45"))]

import pytest
from playwright.sync_api import expect

from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_funder_opens_the_roll_up_and_sees_no_learner_name(connecter):
    user = f.UserFactory(username="eugenie")
    noms = []
    for nom, n in (("Icifornie", 6), ("Coteaux", 3)):
        adhesion = f.AdhesionFactory(user=user, projet__nom=nom, financeur=True)
        for i in range(n):
            etape = f.EtapeFactory(parcours__apprenant__projet=adhesion.projet, parcours__apprenant__nom=f"Secret{nom}{i}")
            noms.append(etape.parcours.apprenant.nom)
    page = connecter("eugenie")
    expect(page.get_by_role("heading", level=1)).to_have_text("Icifornie")  # her first project opens
    page.get_by_role("link", name="Tableau de bord").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tableau de bord")
    page.get_by_role("link", name="Synthèse de mes projets").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Synthèse de mes projets")
    tableau = page.locator("#projets")
    expect(tableau.get_by_role("row")).to_have_count(4)  # header, two projects, total
    # Coteaux's 3 learners are masked; Icifornie's 6 reads as on its own dashboard; the total
    # (9), with that 6, would give Coteaux's 3 back: hidden for the statistical secret
    expect(tableau.get_by_role("row", name="Icifornie").get_by_role("cell").first).to_have_text("6")
    expect(tableau.get_by_role("row", name="Coteaux").get_by_role("cell").first).to_have_text("< 5")
    expect(tableau.locator("tfoot").get_by_role("cell").first).to_have_text("s")
    contenu = page.content()
    assert all(nom not in contenu for nom in noms)
    assert "« s » : secret statistique" in contenu

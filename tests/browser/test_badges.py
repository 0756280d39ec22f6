"""A coordinator issues an Open Badge from a learner's page, then anyone opens its public page
(issue 18): what a user clicks, in a real browser."""

import pytest
from playwright.sync_api import expect

from badges.models import Badge
from competences.models import Niveau
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_un_coordinateur_delivre_un_badge_que_chacun_verifie(connecter, live_server, page, browser):
    adhesion = f.AdhesionFactory(coordinateur=True, user__username="camille", projet__nom="Collectif tapisserie")
    projet = adhesion.projet
    competence = f.CompetenceFactory(bloc__referentiel__projet=projet, code="T1", libelle="Coudre une assise")
    f.BadgeClasseFactory(projet=projet, nom="Couture d'assise", competences=[(competence, Niveau.ACQUIS)])
    eleve = f.ApprenantFactory(projet=projet, prenom="Zéphyrine", nom="Quenouille", email="zq@example.org")
    evaluation = f.EvaluationFactory(apprenant=eleve, referentiel=competence.bloc.referentiel, sortie=True)
    f.NiveauEvaluationFactory(evaluation=evaluation, competence=competence, niveau=Niveau.MAITRISE)

    page = connecter("camille")
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/p/{projet.pk}/apprenants/{eleve.pk}/")
    section = page.locator("#badges")
    expect(section).to_contain_text("Critères atteints")
    section.get_by_role("button", name="Proposer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Couture d'assise")
    page.get_by_role("link", name="Délivrer").click()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".messages")).to_contain_text("délivré à Zéphyrine Quenouille et signé")
    expect(page.locator(".verdict")).to_contain_text("Badge valide")

    badge = Badge.objects.get()
    anonyme = browser.new_context(locale="fr-FR").new_page()
    anonyme.goto(badge.url_publique.replace("http://127.0.0.1:8000", live_server.url))
    expect(anonyme.locator(".verdict").first).to_contain_text("Badge valide")
    expect(anonyme.locator("main")).not_to_contain_text("Quenouille")
    expect(anonyme.locator("main")).not_to_contain_text("Zéphyrine")
    altere = badge.jwt[:-10] + ("A" if badge.jwt[-10] != "A" else "B") + badge.jwt[-9:]
    anonyme.get_by_label("Attestation à vérifier (JWT)").fill(altere)
    anonyme.get_by_role("button", name="Vérifier").click()
    expect(anonyme.locator("main")).to_contain_text("Attestation invalide")

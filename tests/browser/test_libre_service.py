"""Self-service in the browser (issue 16): a platform user creates a project, invites a
coordinator; the coordinator chooses a password from the e-mail's link, logs in, lands on the
project, enters a cohort of 24 learners with their path, step and outcome in one file, and the
dashboard counts 24 accompanied."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from playwright.sync_api import expect

from tests import factories as f
from tests.browser.conftest import code_affiche
from tests.browser.test_import_cohorte import cohorte

pytestmark = pytest.mark.django_db(transaction=True)

MOT_DE_PASSE = "Une-phrase-de-passe-solide-42"


def test_a_platform_user_sets_up_a_project_and_its_coordinator_enters_a_cohort(connecter, live_server, page):
    plateforme = f.UserFactory(username="equipe.region")
    plateforme.user_permissions.add(Permission.objects.get(codename="creer_projet"))

    connecter("equipe.region")
    page.goto(f"{live_server.url}/projets/")
    page.get_by_role("link", name="Créer un projet").click()
    page.get_by_label("Nom du projet").fill("Conciergerie du Tursan")
    page.get_by_label("Territoire").fill("Tursan")
    page.get_by_label(re.compile(r"^Début")).fill("2025-01-01")
    page.get_by_label(re.compile(r"^Organisation chef de file")).fill("Tiers-lieu du Tursan")
    page.get_by_label("Type de l'organisation chef de file").select_option(label="Tiers-lieu")
    page.get_by_role("button", name="Créer le projet").click()

    # now an administrator of the project: the second factor first, then the members page
    expect(page).to_have_url(re.compile(r"/compte/double-facteur/activer/"))
    page.get_by_label("Code à 6 chiffres").fill(code_affiche(page))
    page.get_by_role("button", name="Confirmer").click()
    expect(page.get_by_role("heading", name="Membres du projet")).to_be_visible()

    mail.outbox.clear()
    page.get_by_role("link", name="Inviter un membre").click()
    page.get_by_label("Prénom").fill("Camille")
    page.get_by_label(re.compile(r"^Nom\b")).fill("Lafitte")
    page.get_by_label("E-mail").fill("camille@exemple.test")
    page.get_by_label("Rôle").select_option("coordinateur")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Invitation envoyée à camille@exemple.test")).to_be_visible()
    expect(page.get_by_role("cell", name="Invitation en attente")).to_be_visible()

    (message,) = mail.outbox
    assert message.to == ["camille@exemple.test"]
    lien = re.search(r"https?://\S+(/invitation/\S+/)", message.body).group(1)

    page.get_by_role("button", name="Se déconnecter").click()
    page.goto(f"{live_server.url}{lien}")
    expect(page.get_by_role("heading", name="Bienvenue dans le projet Conciergerie du Tursan")).to_be_visible()
    page.get_by_label(re.compile(r"^Mot de passe")).fill(MOT_DE_PASSE)
    page.get_by_label("Confirmation").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Enregistrer mon mot de passe").click()

    expect(page.get_by_text("Votre mot de passe est enregistré")).to_be_visible()
    page.get_by_label("Identifiant").fill("camille@exemple.test")
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    # a coordinator needs no second factor: straight to the project
    expect(page.get_by_role("heading", level=1)).to_have_text("Conciergerie du Tursan")
    expect(page.get_by_text("Camille Lafitte · Coordination")).to_be_visible()

    # the coordinator enters the cohort in one file (steps at the project's lead organisation)
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Imports").click()
    page.get_by_role("link", name="Importer : apprenants").click()
    page.get_by_label("Fichier à importer").set_input_files(cohorte("Tiers-lieu du Tursan"))
    page.get_by_role("button", name="Vérifier le fichier").click()
    expect(page.locator(".chiffres div", has_text="À créer").locator("dd")).to_have_text("24")
    page.get_by_role("button", name="Confirmer l'import (24 lignes)").click()
    expect(page.get_by_text("Import terminé (apprenants) : 24 créé(s), 0 modifié(s), 0 inchangé(s).")).to_be_visible()
    page.get_by_role("link", name="Tableau de bord").click()
    expect(page.locator("[data-indicateur=accompagnes]")).to_have_text("24")
    expect(page.locator("[data-indicateur=sortis]")).to_have_text("24")

    # the link cannot be used twice
    page.goto(f"{live_server.url}{lien}")
    expect(page.get_by_text("Ce lien a déjà servi")).to_be_visible()

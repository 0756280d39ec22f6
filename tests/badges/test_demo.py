"""The demo (issue 18): the CASMAU-like AFEST's learner holds one Open Badge, issued and signed,
whose public page verifies and names the learner by first name only.

The demo's framework and evaluations are those of wip-comp's demo data (demo/donnees/icifornie.json,
commit cc22332): this test passes once they are in the same tree."""

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from badges.credential import Verdict, verifier_jwt
from badges.models import Badge, StatutBadge
from conciergerie.models import Projet

pytestmark = pytest.mark.django_db


def test_la_demo_delivre_un_badge_qui_se_verifie(client):
    with override_settings(DEBUG=True):
        call_command("charger_demo")
    icifornie = Projet.objects.get(nom="Icifornie")
    (badge,) = Badge.objects.filter(projet=icifornie)
    assert badge.statut == StatutBadge.DELIVRE and verifier_jwt(badge.jwt).etat == Verdict.VALIDE
    assert badge.classe.requises.count() >= 1
    page = client.get(reverse("badge_public", args=[badge.slug])).content.decode()
    assert "Badge valide" in page and badge.apprenant.prenom in page and badge.apprenant.nom not in page
    assert not Badge.objects.exclude(projet=icifornie).exists()
    with override_settings(DEBUG=True):
        call_command("charger_demo")  # loaded already: nothing more
    assert Badge.objects.count() == 1

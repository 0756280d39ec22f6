"""The privacy notice (« Protection des données »): public, linked from every page's footer,
printable, naming the controller and the contact set by the settings; docs/rgpd.md exists and
says the same retention periods."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests import factories as f

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_anyone_reads_the_notice_without_logging_in(client, settings):
    settings.RGPD_RESPONSABLE = "Association Icifornie, 12 place de la Mairie, 40250 Mugron"
    settings.RGPD_CONTACT = "dpo@icifornie.example.org"
    response = client.get(reverse("protection_donnees"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Association Icifornie, 12 place de la Mairie, 40250 Mugron" in page
    assert "dpo@icifornie.example.org" in page
    for attendu in [
        "Pourquoi gardons-nous des informations sur vous ?",  # purposes
        "Base légale",  # legal bases
        "Qui peut les voir ?",  # recipients
        "24 mois",  # retention
        "30 jours",
        "12 mois",
        "droit d'accès",  # rights
        "réclamation à la CNIL",
        "n'est jamais enregistré",  # the social-security number
    ]:
        assert attendu in page, attendu


@pytest.mark.django_db
def test_without_settings_the_notice_still_says_who_to_ask(client, settings):
    settings.RGPD_RESPONSABLE = settings.RGPD_CONTACT = ""
    page = client.get(reverse("protection_donnees")).content.decode()
    assert "la structure porteuse du consortium qui vous accompagne" in page
    assert "écrivez à\n      la structure responsable" in page or "la structure responsable (ci-dessus)" in page


@pytest.mark.django_db
def test_every_page_links_the_notice_in_its_footer(client, login):
    lien = f'<footer class="pied">\n    <a href="{reverse("protection_donnees")}">Protection des données</a>'
    assert lien in client.get(reverse("connexion")).content.decode()  # anonymous
    adhesion = f.AdhesionFactory(coordinateur=True)
    page = login(adhesion.user).get(reverse("projet_accueil", args=[adhesion.projet_id])).content.decode()
    assert lien in page
    assert 'href="/protection-des-donnees/"' in client.get("/une-page-qui-n-existe-pas/").content.decode()  # error pages


def test_the_notice_prints_without_the_header_menus_and_footer():
    css = (ROOT / "static/css/app.css").read_text(encoding="utf-8")
    impression = re.search(r"@media print \{(.*?)\n\}", css, re.S)
    assert impression, "pas de feuille d'impression dans app.css"
    masques = re.search(r"([^{}]*)\{\s*display: none;", impression.group(1)).group(1)
    for selecteur in (".entete", ".pied", ".ecran-seulement"):
        assert selecteur in masques


def test_the_register_and_the_aipd_exist_with_the_same_retention_periods():
    rgpd = (ROOT / "docs/rgpd.md").read_text(encoding="utf-8")
    for titre in ("Registre des traitements", "Analyse d'impact", "Accès illégitime", "Modification non désirée", "Disparition"):
        assert titre in rgpd, titre
    for duree in ("24 mois", "30 jours", "12 mois"):
        assert duree in rgpd, duree

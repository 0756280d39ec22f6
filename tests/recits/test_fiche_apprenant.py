"""The learner's page (parcours) as the recits app completes it (issue 19): the consent shown in
the identity card, the récits naming the learner — linked, or named in their text without a link
(recits/consentement.py) — to the roles that read récits only."""

from datetime import date

import pytest
from django.test import RequestFactory
from django.urls import reverse

from recits.selectors import section_apprenant
from tests import factories as f
from tests.parcours.outils import bloc

pytestmark = pytest.mark.django_db


@pytest.fixture
def projet_samuel(db, login):
    coord = f.AdhesionFactory(coordinateur=True)
    projet = coord.projet
    samuel = f.ApprenantFactory(
        projet=projet, prenom="Samuel", nom="Tessier", commune="Mugron", date_naissance=date(2005, 9, 1), consentant=True
    )
    autre = f.ApprenantFactory(projet=projet, prenom="Rose", nom="Lacoste", consentant=True)
    lie = f.RecitFactory(projet=projet, titre="Un récit lié", texte="Une belle journée.")
    lie.apprenants.add(samuel)
    nomme = f.RecitFactory(projet=projet, titre="Un récit qui le nomme", texte="Ce matin, **Samuel Tessier** a signé son contrat.")
    d_autrui = f.RecitFactory(projet=projet, titre="Le récit de Rose", texte="Rose Lacoste a trouvé un stage.")
    d_autrui.apprenants.add(autre)
    ailleurs = f.RecitFactory(titre="Récit d'un autre projet", texte="Samuel Tessier, ailleurs.")
    return {
        "projet": projet,
        "coord": coord,
        "samuel": samuel,
        "lie": lie,
        "nomme": nomme,
        "ailleurs": ailleurs,
        "client": login(coord.user),
    }


def _url(apprenant):
    return reverse("apprenant_detail", args=[apprenant.projet_id, apprenant.pk])


def test_the_page_lists_linked_and_named_recits_only(projet_samuel):
    s = projet_samuel
    html = s["client"].get(_url(s["samuel"])).content.decode()
    liste = bloc(html, "ul", "recits-apprenant")
    # newest first (same date: the latest written first)
    assert [e.split(" (")[0] for e in liste.elements] == ["Un récit qui le nomme", "Un récit lié"], liste.elements
    assert "nommé dans le texte, sans lien" in bloc(html, "li", None, ident=f"recit-{s['nomme'].pk}").texte
    assert "sans lien" not in bloc(html, "li", None, ident=f"recit-{s['lie'].pk}").texte
    assert reverse("recit_detail", args=[s["projet"].pk, s["nomme"].pk]) in html
    assert "Le récit de Rose" not in html  # another learner's récit
    assert "Récit d'un autre projet" not in html  # another project's, though it names a Samuel Tessier


@pytest.mark.parametrize(
    "consentement, attendu",
    [
        ({}, "Aucun"),
        (
            {"consentement_portee": "interne", "consentement_date": date(2025, 1, 15)},
            "Interne (l'équipe de la conciergerie), donné le 15 janvier 2025",
        ),
        (
            {"consentement_portee": "copil", "consentement_date": date(2025, 1, 15), "consentement_retire_le": date(2025, 3, 2)},
            "COPIL (partenaires et financeurs), donné le 15 janvier 2025 — retiré le 2 mars 2025",
        ),
    ],
)
def test_the_identity_card_shows_the_consent(projet_samuel, consentement, attendu):
    apprenant = f.ApprenantFactory(projet=projet_samuel["projet"], **consentement)
    html = projet_samuel["client"].get(_url(apprenant)).content.decode()
    assert bloc(html, "dd", None, ident="consentement").texte == attendu


def test_a_partner_does_not_see_the_recits(projet_samuel, login):
    s = projet_samuel
    organisation = f.OrganisationFactory(projet=s["projet"])
    f.EtapeFactory(parcours__apprenant=s["samuel"], organisation=organisation)
    partenaire = f.AdhesionFactory(projet=s["projet"], role="partenaire", organisation=organisation)
    response = login(partenaire.user).get(_url(s["samuel"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Samuel" in html  # the page itself
    assert "Un récit lié" not in html and "Un récit qui le nomme" not in html


@pytest.mark.parametrize("role, lit", [("coordinateur", True), ("administrateur", True), ("partenaire", False), ("financeur", False)])
def test_the_section_gives_recits_only_to_roles_reading_them(projet_samuel, role, lit):
    """The section's context itself, whatever the page around it: a role without ``recits.modifier``
    gets no récit."""
    s = projet_samuel
    adhesion = f.AdhesionFactory(projet=s["projet"], role=role, organisation=f.OrganisationFactory(projet=s["projet"]))
    request = RequestFactory().get("/")
    request.user, request.adhesion = adhesion.user, adhesion
    contexte = section_apprenant({"apprenant": s["samuel"], "request": request, "projet": s["projet"]})
    assert contexte["recits_lisibles"] is lit
    assert bool(contexte["recits_apprenant"]) is lit

"""The home to-do about partners: conventions ending and Qualiopi certificates expiring within 60
days (or expired), each line a link to where it is dealt with; a partner sees its own only."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conciergerie.formats import date_longue
from tests import factories as f

pytestmark = pytest.mark.django_db


def _accueil(client, projet):
    return client.get(reverse("projet_accueil", args=[projet.pk])).content.decode()


def _bloc(html):
    debut = html.index('id="todo-partenaires"')
    return html[debut : html.index("</section>", debut)]


@pytest.fixture
def consortium(monde):
    projet = monde["A"]
    today = timezone.localdate()
    of_partenaire = monde["adhesions"]["partenaire"].organisation
    of_partenaire.type, of_partenaire.qualiopi_expiration = "organisme_formation", today + timedelta(days=20)
    of_partenaire.save()
    return {
        "projet": projet,
        "today": today,
        "of_partenaire": of_partenaire,
        "bientot": f.OrganisationFactory(projet=projet, of=True, nom="OF Bientôt", qualiopi_expiration=today + timedelta(days=59)),
        "expire": f.OrganisationFactory(projet=projet, of=True, nom="OF Expiré", qualiopi_expiration=today - timedelta(days=3)),
        "tranquille": f.OrganisationFactory(projet=projet, of=True, nom="OF Tranquille", qualiopi_expiration=today + timedelta(days=61)),
        "ailleurs": f.OrganisationFactory(of=True, nom="OF Ailleurs", qualiopi_expiration=today + timedelta(days=5)),
        "convention_bientot": f.ConventionFactory(
            projet=projet, intitule="Sous-traitance AFEST", date_fin=today + timedelta(days=60), parties=[of_partenaire]
        ),
        "convention_autre": f.ConventionFactory(projet=projet, intitule="Partenariat Fablab", date_fin=today + timedelta(days=10)),
        "convention_loin": f.ConventionFactory(projet=projet, intitule="Convention lointaine", date_fin=today + timedelta(days=61)),
        "convention_finie": f.ConventionFactory(projet=projet, intitule="Convention terminée", date_fin=today - timedelta(days=1)),
    }


def test_coordinator_sees_what_expires_within_60_days_with_links(consortium, monde, login):
    c, projet = consortium, consortium["projet"]
    bloc = _bloc(_accueil(login(monde["users"]["coordinateur"]), projet))
    for nom in ("OF Bientôt", "OF Expiré", c["of_partenaire"].nom, "Sous-traitance AFEST", "Partenariat Fablab"):
        assert nom in bloc, nom
    for nom in ("OF Tranquille", "OF Ailleurs", "Convention lointaine", "Convention terminée"):
        assert nom not in bloc, nom
    assert reverse("organisation_detail", args=[projet.pk, c["expire"].pk]) in bloc
    assert reverse("convention_detail", args=[projet.pk, c["convention_bientot"].pk]) in bloc
    assert "expiré" in bloc and "bientôt" in bloc
    assert date_longue(c["today"] + timedelta(days=59)) in bloc


def test_partner_sees_only_its_certificate_and_the_conventions_it_signed(consortium, monde, login):
    c = consortium
    bloc = _bloc(_accueil(login(monde["users"]["partenaire"]), c["projet"]))
    assert c["of_partenaire"].nom in bloc and "Sous-traitance AFEST" in bloc
    for nom in ("OF Bientôt", "OF Expiré", "Partenariat Fablab"):
        assert nom not in bloc, nom


def test_nothing_due_says_so(monde, login):
    bloc = _bloc(_accueil(login(monde["users"]["coordinateur"]), monde["A"]))
    assert "Aucune convention ni certificat Qualiopi n'arrive à échéance dans les 60 jours." in bloc


def test_funder_has_no_partner_block(consortium, monde, login):
    assert 'id="todo-partenaires"' not in _accueil(login(monde["users"]["financeur"]), consortium["projet"])

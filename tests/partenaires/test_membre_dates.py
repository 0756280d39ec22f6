"""Consortium membership dates (issue 16): editable on the organisation's page, validated, and
the COPIL counts the members of its period."""

from datetime import date

import pytest
from django.urls import reverse

from partenaires.models import MembreConsortium
from pilotage.indicateurs import Periode, calculer
from tests import factories as f

pytestmark = pytest.mark.django_db


def _url(monde, organisation):
    return reverse("membre_consortium_dates", args=[monde["A"].pk, organisation.pk])


def test_copil_of_an_earlier_period_counts_members_after_dates_edited(monde, login):
    coord = login(monde["users"]["coordinateur"])
    copil = f.CopilFactory(projet=monde["A"], periode_debut=date(2024, 9, 1), periode_fin=date(2025, 6, 30))
    periode = Periode(copil.periode_debut, copil.periode_fin)
    org = f.OrganisationFactory(projet=monde["A"])
    # created today through the organisation form: dated today, after the COPIL's period
    reponse = coord.post(
        reverse("organisation_update", args=[monde["A"].pk, org.pk]),
        {"nom": org.nom, "type": org.type, "commune": org.commune, "role_consortium": "membre"},
    )
    assert reponse.status_code == 302, reponse.content.decode()[:3000]
    avant = calculer([monde["A"]], periode).partenaires.membres_consortium
    detail = coord.get(reverse("organisation_detail", args=[monde["A"].pk, org.pk])).content.decode()
    assert _url(monde, org) in detail
    reponse = coord.post(_url(monde, org), {"date_entree": "2024-10-01", "date_sortie": ""})
    assert reponse.status_code == 302
    membre = MembreConsortium.objects.get(organisation=org)
    assert membre.date_entree == date(2024, 10, 1) and membre.date_sortie is None
    assert calculer([monde["A"]], periode).partenaires.membres_consortium == avant + 1
    # left before the period began: not counted
    coord.post(_url(monde, org), {"date_entree": "2023-01-01", "date_sortie": "2024-06-30"})
    assert calculer([monde["A"]], periode).partenaires.membres_consortium == avant


def test_exit_before_entry_is_refused_in_french(monde, login):
    coord = login(monde["users"]["coordinateur"])
    membre = f.MembreConsortiumFactory(projet=monde["A"], date_entree=date(2024, 1, 1), date_sortie=None)
    reponse = coord.post(_url(monde, membre.organisation), {"date_entree": "2024-05-01", "date_sortie": "2024-04-01"})
    assert reponse.status_code == 200
    assert "La date de sortie doit être le jour de l&#x27;entrée ou après." in reponse.content.decode()
    membre.refresh_from_db()
    assert membre.date_entree == date(2024, 1, 1) and membre.date_sortie is None


def test_not_a_member_is_404(monde, login):
    org = f.OrganisationFactory(projet=monde["A"])
    assert login(monde["users"]["coordinateur"]).get(_url(monde, org)).status_code == 404

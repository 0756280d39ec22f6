"""Model invariants: constraints hold in the database and clean() speaks French."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from conciergerie.validators import validate_code_rncp, validate_siret
from parcours.models import StatutEtape, TypeEtape, date_suivi_6_mois
from tests import factories as f


@pytest.mark.parametrize("siret", ["73282932000074", "356 000 000 12346"])
def test_valid_sirets(siret):
    validate_siret(siret)


@pytest.mark.parametrize(
    ("siret", "message"), [("7328293200007", "14 chiffres"), ("73282932000075", "clé"), ("ABCDEFGHIJKLMN", "14 chiffres")]
)
def test_invalid_sirets(siret, message):
    with pytest.raises(ValidationError, match=message):
        validate_siret(siret)


@pytest.mark.parametrize("code", ["RNCP37873", "RS5659"])
def test_valid_rncp(code):
    validate_code_rncp(code)


@pytest.mark.parametrize("code", ["37873", "RNCP", "rncp123", "RNCP12A", "RS"])
def test_malformed_rncp(code):
    with pytest.raises(ValidationError, match="mal formé"):
        validate_code_rncp(code)


@pytest.mark.django_db
def test_step_rules_in_clean():
    etape = f.EtapeFactory.build(
        parcours=f.ParcoursFactory(),
        organisation=None,
        type=TypeEtape.FORMATION_CERTIFIANTE,
        code_rncp="",
        statut=StatutEtape.BLOQUEE,
        motif="",
        date_debut=date(2025, 3, 1),
        date_fin=date(2025, 2, 1),
    )
    etape.projet = etape.parcours.projet
    with pytest.raises(ValidationError) as exc:
        etape.full_clean()
    errors = exc.value.message_dict
    assert "doit suivre son début" in errors["date_fin"][0]
    assert "code RNCP" in errors["code_rncp"][0]
    assert "motif" in errors["motif"][0]


@pytest.mark.django_db
def test_step_at_another_projects_organisation_is_refused():
    parcours = f.ParcoursFactory()
    etape = f.EtapeFactory.build(parcours=parcours, projet=parcours.projet, organisation=f.OrganisationFactory())
    with pytest.raises(ValidationError, match="n'appartient pas à ce projet"):
        etape.full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields",
    [
        {"heures_prevues": Decimal("-1")},
        {"statut": StatutEtape.ABANDONNEE, "motif": ""},
        {"type": TypeEtape.FORMATION_DIPLOMANTE, "code_rncp": ""},
        {"date_debut": date(2025, 3, 1), "date_fin": date(2025, 1, 1)},
    ],
)
def test_step_constraints_hold_in_the_database(fields):
    parcours = f.ParcoursFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        f.EtapeFactory(parcours=parcours, **fields)


@pytest.mark.django_db
def test_consent_needs_a_date():
    with pytest.raises(IntegrityError), transaction.atomic():
        f.ApprenantFactory(consentement_portee="copil", consentement_date=None)


@pytest.mark.django_db
def test_partner_membership_needs_an_organisation():
    with pytest.raises(IntegrityError), transaction.atomic():
        f.AdhesionFactory(role="partenaire", organisation=None)


@pytest.mark.django_db
def test_one_lead_per_consortium():
    projet = f.ProjetFactory()
    f.MembreConsortiumFactory(projet=projet, chef_de_file=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        f.MembreConsortiumFactory(projet=projet, chef_de_file=True)


@pytest.mark.django_db
def test_one_outcome_per_moment():
    sortie = f.SortieFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        f.SortieFactory(parcours=sortie.parcours)


def test_six_month_follow_up_date():
    assert date_suivi_6_mois(date(2025, 8, 31)) == date(2026, 2, 28)


@pytest.mark.django_db
def test_str_of_every_model_is_readable():
    objs = [
        f.ApprenantFactory(prenom="Léa", nom="Marchand"),
        f.EtapeFactory(bloquee=True),
        f.FreinFactory(),
        f.SortieFactory(),
        f.SessionFormationFactory(),
        f.ConventionFactory(),
        f.MembreConsortiumFactory(),
        f.ContactFactory(),
        f.AdhesionFactory(),
        f.DepenseFactory(),
        f.VersementFactory(),
        f.TempsBenevoleFactory(),
        f.PartageValeurFactory(),
        f.RecitFactory(),
        f.ActiviteFactory(),
        f.RapportCopilFactory(),
    ]
    for obj in objs:
        assert str(obj) and "object (" not in str(obj)
    assert str(objs[0]) == "Léa Marchand"

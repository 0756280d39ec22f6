"""conciergerie/recherche.py: accents and case ignored, the same in Python and in SQL."""

import pytest

from conciergerie.recherche import ACCENTS, SANS_ACCENTS, contient, sans_accents
from partenaires.models import Organisation
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("texte", "attendu"),
    [
        ("Hélène", "helene"),
        ("ÈVE", "eve"),
        ("Fab’Num", "fab'num"),
        ("Ça Œuvre", "ca Œuvre"),  # ligatures and non-ASCII capitals outside the table are kept
        ("", ""),
        (None, None),
    ],
)
def test_sans_accents(texte, attendu):
    assert sans_accents(texte) == attendu


def test_table_pairs_one_for_one():
    assert len(ACCENTS) == len(SANS_ACCENTS)
    assert all(c.isascii() for c in SANS_ACCENTS)


@pytest.mark.parametrize(
    ("recherche", "trouves"),
    [
        ("helene", {"Hélène Médiation"}),
        ("HÉLÈNE", {"Hélène Médiation"}),
        ("mediation", {"Hélène Médiation", "MEDIATION Sud"}),
        ("médiation sud", {"MEDIATION Sud"}),
        ("fab'num", {"Fab’Num"}),
        ("zzz", set()),
        ("", {"Hélène Médiation", "MEDIATION Sud", "Fab’Num"}),
    ],
)
def test_contient_in_sql(recherche, trouves):
    projet = f.ProjetFactory()
    for nom in ("Hélène Médiation", "MEDIATION Sud", "Fab’Num"):
        f.OrganisationFactory(projet=projet, nom=nom, commune="")
    lignes = Organisation.objects.filter(projet=projet).filter(contient(["nom", "commune"], recherche))
    assert set(lignes.values_list("nom", flat=True)) == trouves

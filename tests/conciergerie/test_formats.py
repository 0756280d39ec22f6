"""One way to write each figure (conciergerie/formats.py and its filters, formats_fr): the table
of cases of docs/architecture.md, "Writing figures"."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.template import Context, Template

from conciergerie import formats
from pilotage.masquage import Effectif, Moyenne, Taux

NBSP = "\u00a0"  # before a unit, € and %
FINE = "\u202f"  # between thousands (narrow no-break space)

CAS = [
    # (function, arguments, expected)
    (formats.nombre, (0,), "0"),
    (formats.nombre, (999,), "999"),
    (formats.nombre, (1234567,), f"1{FINE}234{FINE}567"),
    (formats.nombre, (-1234,), f"-1{FINE}234"),
    (formats.nombre, (Decimal("2.5"),), "3"),  # half-up, not half-even
    (formats.nombre, (None,), "—"),
    (formats.nombre, (Effectif(3, masque=True),), "< 5"),
    (formats.nombre, (Effectif(12, masque=True, secret=True),), "s"),
    (formats.nombre_fixe, (Decimal("2"),), "2,0"),
    (formats.nombre_fixe, (Moyenne(Decimal("1234.56")),), f"1{FINE}234,6"),
    (formats.effectif, (0, "apprenant"), f"0{NBSP}apprenant"),
    (formats.effectif, (1, "apprenant"), f"1{NBSP}apprenant"),
    (formats.effectif, (2, "apprenant"), f"2{NBSP}apprenants"),
    (formats.effectif, (12000, "apprenant"), f"12{FINE}000{NBSP}apprenants"),
    (formats.effectif, (2, "travail", "travaux"), f"2{NBSP}travaux"),
    (formats.effectif, (Effectif(7), "étape"), f"7{NBSP}étapes"),
    (formats.effectif, (Effectif(1), "étape"), f"1{NBSP}étape"),
    (formats.effectif, (Effectif(3, masque=True), "apprenant"), "< 5"),
    (formats.effectif, ("< 5", "apprenant"), "< 5"),
    (formats.pluriel, (0, "apprenant"), "apprenant"),
    (formats.pluriel, (3, "apprenant"), "apprenants"),
    (formats.taux, (Decimal("8.3"),), f"8,3{NBSP}%"),
    (formats.taux, (Decimal("8.25"),), f"8,3{NBSP}%"),  # half-up, one decimal
    (formats.taux, (Decimal("50.0"),), f"50{NBSP}%"),  # never "50,0 %"
    (formats.taux, (Decimal("116.67"),), f"116,7{NBSP}%"),
    (formats.taux, (Decimal("1250"),), f"1{FINE}250{NBSP}%"),
    (formats.taux, (Taux(1, 12),), f"8,3{NBSP}%"),
    (formats.taux, (Taux(1, 12, masque=True),), "s"),  # a rate is never written with a count's mark
    (formats.taux, (Taux(0, 0),), "—"),
    (formats.taux, ("s",), "s"),
    (formats.effectif_taux, (8, Decimal("8.3")), f"8 (8,3{NBSP}%)"),
    (formats.effectif_taux, (Effectif(1), Taux(1, 12)), f"1 (8,3{NBSP}%)"),  # never "1 · 8,3 %"
    (formats.effectif_taux, (Effectif(3, masque=True), Taux(3, 12, masque=True)), "< 5"),  # never "< 5 · < 5"
    (formats.effectif_taux, (Effectif(12), Taux(12, 3, masque=True)), "12 (s)"),
    (formats.effectif_taux, (Effectif(0), Taux(0, 0)), "0"),  # never "0 · —"
    (formats.effectif_taux, (Effectif(8), Taux(8, 96), "apprenant"), f"8{NBSP}apprenants (8,3{NBSP}%)"),
    (formats.heures, (7,), f"7{NBSP}h"),  # never "7"
    (formats.heures, (Decimal("3.50"),), f"3,5{NBSP}h"),  # never "3,50"
    (formats.heures, (Decimal("2.0"),), f"2{NBSP}h"),  # never "2,0 h"
    (formats.heures, (Decimal("2.25"),), f"2,25{NBSP}h"),
    (formats.heures, (Decimal("1234.5"),), f"1{FINE}234,5{NBSP}h"),
    (formats.heures, (None,), "—"),
    (formats.euros, (Decimal("85000"),), f"85{FINE}000,00{NBSP}€"),
    (formats.euros, (Decimal("12345.67"),), f"12{FINE}345,67{NBSP}€"),
    (formats.euros, (Decimal("0.005"),), f"0,01{NBSP}€"),  # half-up to the cent
    (formats.euros, (Decimal("-0.5"),), f"-0,50{NBSP}€"),
    (formats.euros, ("12.5",), f"12,50{NBSP}€"),
    (formats.euros, (None,), "—"),
    (formats.euros, ("pas un nombre",), "—"),
    (formats.date_courte, (date(2026, 12, 24),), "24 déc. 2026"),
    (formats.date_courte, (date(2027, 1, 8),), "8 janv. 2027"),  # never "08/01/2027"
    (formats.date_courte, (date(2026, 5, 1),), "1 mai 2026"),
    (formats.date_courte, (None,), ""),
    (formats.date_longue, (date(2026, 12, 24),), "24 décembre 2026"),
    (formats.date_longue, (date(2024, 9, 1),), "1er septembre 2024"),
    (formats.date_longue, (date(2026, 2, 11),), "11 février 2026"),
    (formats.date_longue, (None,), ""),
    (formats.date_heure, (datetime(2026, 12, 24, 13, 5, tzinfo=UTC),), "24 déc. 2026 à 14:05"),  # Europe/Paris
    (formats.date_heure, (datetime(2026, 7, 1, 22, 30, tzinfo=UTC),), "2 juil. 2026 à 00:30"),  # the Paris day
    (formats.date_courte, (datetime(2026, 7, 1, 22, 30, tzinfo=UTC),), "2 juil. 2026"),
    (formats.date_heure, (date(2026, 12, 24),), "24 déc. 2026"),
]


@pytest.mark.parametrize(("fonction", "arguments", "attendu"), CAS, ids=[f"{f.__name__}{a!r}" for f, a, _ in CAS])
def test_cas(fonction, arguments, attendu):
    assert fonction(*arguments) == attendu


def test_les_objets_du_masquage_s_ecrivent_avec_le_module():
    assert str(Effectif(12345)) == formats.nombre(12345) == f"12{FINE}345"
    assert str(Taux(1, 3)) == formats.taux(Decimal("33.3")) == f"33,3{NBSP}%"
    assert str(Taux(3, 3)) == f"100{NBSP}%"
    assert str(Moyenne(Decimal("2"))) == "2,0"


FILTRES = [
    ('{{ n|effectif:"apprenant" }}', {"n": 0}, f"0{NBSP}apprenant"),
    ('{{ n|effectif:"apprenant" }}', {"n": 2}, f"2{NBSP}apprenants"),
    ("{{ n|effectif_taux:t }}", {"n": Effectif(8), "t": Taux(8, 96)}, f"8 (8,3{NBSP}%)"),
    ("{{ t|taux }}", {"t": Decimal("8.3")}, f"8,3{NBSP}%"),
    ("{{ t|pourcent }}", {"t": Decimal("30.00")}, f"30{NBSP}%"),
    ("{{ h|heures }}", {"h": Decimal("3.50")}, f"3,5{NBSP}h"),
    ("{{ m|euros }}", {"m": Decimal("85000")}, f"85{FINE}000,00{NBSP}€"),
    ("{{ n|nombre }}", {"n": 1234}, f"1{FINE}234"),
    ("{{ d|date_courte }}", {"d": date(2026, 12, 24)}, "24 déc. 2026"),
    ("{{ d|date_longue }}", {"d": date(2026, 12, 24)}, "24 décembre 2026"),
    ("{{ d|date_heure }}", {"d": datetime(2026, 12, 24, 13, 5, tzinfo=UTC)}, "24 déc. 2026 à 14:05"),
    ('{{ n }} {{ n|pluriel:"étape" }}', {"n": 1}, "1 étape"),
    ("{{ n|effectif_taux:t }}", {"n": Effectif(2, masque=True), "t": Taux(2, 9, masque=True)}, "&lt; 5"),  # escaped, unchanged
]


@pytest.mark.parametrize(("gabarit", "contexte", "attendu"), FILTRES)
def test_filtres(gabarit, contexte, attendu):
    assert Template("{% load formats_fr %}" + gabarit).render(Context(contexte)) == attendu

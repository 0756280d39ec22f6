"""French display filters (conciergerie/templatetags/formats_fr.py)."""

from datetime import date
from decimal import Decimal

import pytest

from conciergerie.templatetags.formats_fr import date_longue, euros, nombre, pourcent

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("valeur", "attendu"),
    [(date(2024, 9, 1), "1er septembre 2024"), (date(2025, 7, 22), "22 juillet 2025"), (date(2026, 2, 11), "11 février 2026"), (None, "")],
)
def test_date_longue(valeur, attendu):
    assert date_longue(valeur) == attendu


def test_nombres_et_montants():
    assert nombre(1234567) == f"1{NBSP}234{NBSP}567"
    assert nombre(None) == "—"
    assert euros(Decimal("12345.67")) == f"12{NBSP}345,67{NBSP}€"
    assert euros(Decimal("-0.5")) == f"-0,50{NBSP}€"
    assert pourcent(Decimal("33.30")) == f"33,3{NBSP}%"
    assert pourcent(Decimal("30")) == f"30{NBSP}%"

"""The volunteer valuation of ``finances.selectors.syntheses`` summed in the database
(PostgreSQL) or in Python (SQLite): the same rounding rule and the same figures."""

from decimal import Decimal as Dec

import pytest

from finances.selectors import cumuler_benevolat, syntheses
from tests import factories as f


@pytest.mark.django_db
def test_la_synthese_arrondit_chaque_ligne_avant_de_sommer():
    """``syntheses`` sums in the database on PostgreSQL, in Python elsewhere: the same rule —
    each line rounded half-up to the cent, then summed — and the same figures."""
    fin = f.FinancementFactory()
    autre = f.FinancementFactory(projet=fin.projet)
    lignes = [  # (heures, taux, valorisé): every line ends on a half-cent or a fraction of one
        (Dec("1.01"), Dec("12.50"), True),  # 12.625 → 12.63
        (Dec("1.01"), Dec("12.50"), True),
        (Dec("1.01"), Dec("12.50"), True),
        (Dec("0.01"), Dec("0.50"), True),  # 0.005 → 0.01
        (Dec("0.33"), Dec("15.01"), True),  # 4.9533 → 4.95
        (Dec("2.50"), Dec("10.01"), False),  # 25.025 → 25.03
        (Dec("0.03"), Dec("0.50"), False),  # 0.015 → 0.02
    ]
    for heures, taux, valorise in lignes:
        f.TempsBenevoleFactory(projet=fin.projet, financement=fin, heures=heures, taux_horaire=taux, valorise=valorise)
    f.TempsBenevoleFactory(projet=fin.projet, financement=autre, heures=Dec("0.01"), taux_horaire=Dec("0.50"), valorise=False)
    f.TempsBenevoleFactory(projet=fin.projet, financement=None, heures=Dec("7"), taux_horaire=Dec("10"))  # no funding: not summed

    par_financement = {s.financement.pk: s.benevolat for s in syntheses([fin, autre, f.FinancementFactory(projet=fin.projet)])}
    b = par_financement[fin.pk]
    assert (b.heures_valorisees, b.valorise) == (Dec("3.37"), Dec("12.63") * 3 + Dec("0.01") + Dec("4.95"))  # 42.85, not 42.84
    assert (b.heures_donnees, b.donne_en_plus) == (Dec("2.53"), Dec("25.05"))
    assert b == cumuler_benevolat(lignes)
    assert (par_financement[autre.pk].valorise, par_financement[autre.pk].donne_en_plus) == (Dec("0.00"), Dec("0.01"))
    assert [v for k, v in par_financement.items() if k not in (fin.pk, autre.pk)][0] == cumuler_benevolat([])

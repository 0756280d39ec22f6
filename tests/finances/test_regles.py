"""The money rules (finances.selectors), with exact Decimal expectations."""

from decimal import Decimal as Dec

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from finances.selectors import Niveau, appliquer_plafond, controler_ingenierie, cumuler_benevolat, syntheses, valorisation
from finances.templatetags.finances_tags import euros, pourcent
from tests import factories as f


def test_exemple_du_copil():
    p = appliquer_plafond(valorise=Dec("40000"), depenses=Dec("70000"), plafond=Dec("30"))
    assert p.compte == Dec("30000.00")
    assert p.au_dela == Dec("10000.00")
    assert p.limite == Dec("30000.00")
    assert p.part == Dec("30.00")
    assert p.niveau == Niveau.ROUGE
    assert p.depasse


def test_sans_depense_rien_n_est_compte():
    p = appliquer_plafond(valorise=Dec("500"), depenses=Dec("0"), plafond=Dec("30"))
    assert (p.compte, p.au_dela, p.part) == (Dec("0.00"), Dec("500"), Dec("0.00"))
    assert p.niveau == Niveau.ROUGE
    assert p.utilisation is None


def test_sans_depense_ni_benevolat_tout_va_bien():
    p = appliquer_plafond(valorise=Dec("0"), depenses=Dec("0"), plafond=Dec("30"))
    assert (p.compte, p.au_dela, p.niveau) == (Dec("0.00"), Dec("0.00"), Niveau.OK)


def test_plafond_zero():
    p = appliquer_plafond(valorise=Dec("1234.56"), depenses=Dec("70000"), plafond=Dec("0"))
    assert p.compte == Dec("0.00")
    assert p.au_dela == Dec("1234.56")


def test_plafond_cent_pour_cent_sans_limite():
    p = appliquer_plafond(valorise=Dec("40000"), depenses=Dec("0"), plafond=Dec("100"))
    assert p.compte == Dec("40000")
    assert p.au_dela == Dec("0")
    assert p.limite is None
    assert p.niveau == Niveau.OK


def test_sans_plafond_tout_est_compte():
    p = appliquer_plafond(valorise=Dec("40000"), depenses=Dec("10"), plafond=None)
    assert (p.compte, p.au_dela, p.limite) == (Dec("40000"), Dec("0"), None)


def test_limite_arrondie_au_centime_inferieur():
    # 30/70 × 100 = 42.857142… → 42.85: the cap is a maximum, never exceeded by half a cent
    p = appliquer_plafond(valorise=Dec("100"), depenses=Dec("100"), plafond=Dec("30"))
    assert p.limite == Dec("42.85")
    assert p.compte == Dec("42.85")
    assert p.au_dela == Dec("57.15")


def test_niveaux_de_la_jauge():
    # limit 30 000: orange from 27 000 (90 %), red above 30 000
    def niveau(v):
        return appliquer_plafond(valorise=Dec(v), depenses=Dec("70000"), plafond=Dec("30")).niveau

    assert niveau("26999.99") == Niveau.OK
    assert niveau("27000") == Niveau.ORANGE
    assert niveau("30000") == Niveau.ORANGE
    assert niveau("30000.01") == Niveau.ROUGE
    assert appliquer_plafond(valorise=Dec("27000"), depenses=Dec("70000"), plafond=Dec("30")).utilisation == Dec("90.00")


def test_arrondi_a_la_ligne():
    assert valorisation(Dec("1.333"), Dec("15.00")) == Dec("20.00")  # 19.995 → 20.00 (half-up)
    assert valorisation(Dec("0.33"), Dec("15.00")) == Dec("4.95")
    assert valorisation(Dec("1.01"), Dec("12.50")) == Dec("12.63")  # 12.625 → 12.63
    b = cumuler_benevolat([(Dec("1.01"), Dec("12.50"), True)] * 3 + [(Dec("2"), Dec("15"), False)])
    # rounded per line: 3 × 12.63 = 37.89 (not round(37.875) = 37.88)
    assert b.valorise == Dec("37.89")
    assert b.heures_valorisees == Dec("3.03")
    assert b.donne_en_plus == Dec("30.00")


def test_ingenierie_au_dela_du_plafond():
    i = controler_ingenierie(depenses=Dec("25000"), montant_accorde=Dec("100000"), plafond=Dec("20"))
    assert (i.limite, i.au_dela, i.part, i.depasse) == (Dec("20000.00"), Dec("5000.00"), Dec("25.00"), True)
    i = controler_ingenierie(depenses=Dec("15000"), montant_accorde=Dec("100000"), plafond=Dec("20"))
    assert (i.au_dela, i.depasse) == (Dec("0.00"), False)
    assert controler_ingenierie(depenses=Dec("15000"), montant_accorde=Dec("100000"), plafond=None).limite is None


def test_euros_a_la_francaise():
    assert euros(Dec("12345.67")) == "12\u202f345,67\u00a0€"  # narrow no-break space between thousands
    assert euros(Dec("0")) == "0,00\u00a0€"
    assert euros(Dec("1234567.5")) == "1\u202f234\u202f567,50\u00a0€"
    assert euros(None) == "—"
    assert pourcent(Dec("30.00")) == "30\u00a0%"
    assert pourcent(Dec("33.33")) == "33,3\u00a0%"  # a rate: one decimal


@pytest.mark.django_db
def test_synthese_d_un_financement():
    fin = f.FinancementFactory(plafonne=True, montant_accorde=Dec("100000"))
    perso = f.LigneBudgetFactory(financement=fin, montant_prevu=Dec("60000"))
    inge = f.LigneBudgetFactory(financement=fin, ingenierie=True, montant_prevu=Dec("25000"))
    f.DepenseFactory(ligne=perso, montant=Dec("45000"))
    f.DepenseFactory(ligne=inge, montant=Dec("25000"))
    # 40 000 € of valorised time: 2 000 h × 20 €, plus time given on top
    f.TempsBenevoleFactory(projet=fin.projet, financement=fin, heures=Dec("2000"), taux_horaire=Dec("20"))
    f.TempsBenevoleFactory(projet=fin.projet, financement=fin, donne_en_plus=True, heures=Dec("10"))
    f.VersementFactory(financement=fin, recu=True, montant=Dec("30000"))
    f.VersementFactory(financement=fin, montant=Dec("20000"), date_demande=f.TODAY)
    f.VersementFactory(financement=fin, type="solde", montant=Dec("10000"))
    s = syntheses([fin])[0]
    assert (s.prevu, s.depense) == (Dec("85000"), Dec("70000"))
    assert (s.plafond.compte, s.plafond.au_dela) == (Dec("30000.00"), Dec("10000.00"))
    assert s.benevolat.donne_en_plus == Dec("150.00")
    assert (s.ingenierie.au_dela, s.ingenierie.depasse) == (Dec("5000.00"), True)
    t = s.tresorerie
    assert (t.accorde, t.recu, t.demande, t.a_demander) == (Dec("100000"), Dec("30000"), Dec("20000"), Dec("50000"))
    assert [v.montant for v in t.echeances] == [Dec("10000")]


montants = st.decimals(min_value=Dec("0"), max_value=Dec("10000000"), places=2, allow_nan=False, allow_infinity=False)
plafonds = st.one_of(st.none(), st.decimals(min_value=Dec("0"), max_value=Dec("100"), places=2, allow_nan=False, allow_infinity=False))


@settings(max_examples=200, deadline=None)
@given(valorise=montants, depenses=montants, plafond=plafonds)
def test_compte_plus_au_dela_egale_valorise(valorise, depenses, plafond):
    p = appliquer_plafond(valorise=valorise, depenses=depenses, plafond=plafond)
    assert p.compte + p.au_dela == valorise
    assert Dec("0") <= p.compte <= valorise
    assert p.au_dela >= 0


@settings(max_examples=200, deadline=None)
@given(valorise=montants, depenses=montants, plafond=st.decimals(min_value=Dec("0"), max_value=Dec("99.99"), places=2))
def test_le_compte_ne_depasse_jamais_le_plafond(valorise, depenses, plafond):
    p = appliquer_plafond(valorise=valorise, depenses=depenses, plafond=plafond)
    # counted ≤ cap/(1−cap) × D exactly (the limit is rounded down), i.e. its share of
    # (D + counted) never exceeds the cap
    assert p.compte * (100 - plafond) <= plafond * depenses
    if depenses + p.compte:
        assert p.compte * 100 <= plafond * (depenses + p.compte)

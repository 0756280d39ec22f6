"""The roll-up's faster paths print and count exactly what the plain ones did."""

from datetime import date

import pytest
from django.utils import translation
from django.utils.formats import number_format

from conciergerie.models import Projet
from parcours.models import Apprenant, Parcours, Sortie, TypeSortie
from pilotage.indicateurs import Effectif, Periode, Taux, _bruts
from tests.demo.test_generateur import generer


@pytest.fixture(autouse=True)
def _francais():
    with translation.override("fr"):
        yield


def test_un_effectif_s_affiche_comme_number_format():
    """Grouped by a narrow no-break space (conciergerie.formats, CLDR's French), the fast path
    below 1 000 included."""
    for n in [*range(-1005, 1005), 9_999, 10_000, 60_000, 123_456, 1_234_567, -25_000]:
        assert str(Effectif(n)) == number_format(n, force_grouping=True).replace("\u00a0", "\u202f"), n


def test_un_effectif_groupe_les_milliers_et_se_masque():
    assert str(Effectif(60000)) == "60\u202f000"
    assert str(Effectif.de(3, masquer=True)) == "< 5"
    assert str(Effectif.de(3, masquer=False)) == "3"


def test_un_taux_s_affiche_comme_avant():
    """The former display: ``number_format(valeur, decimal_pos=1)`` without a trailing ",0"."""
    for denominateur in (1, 3, 7, 9, 11, 40, 101, 917, 60_000):
        for numerateur in range(0, denominateur + 1, max(1, denominateur // 97)):
            taux = Taux(numerateur, denominateur)
            attendu = number_format(taux.valeur, decimal_pos=1).replace(",0", "").replace("\u00a0", "\u202f") + "\u00a0%"
            assert str(taux) == attendu, (numerateur, denominateur)
    assert str(Taux(1, 3)) == "33,3\u00a0%"
    assert str(Taux(3, 3)) == "100\u00a0%"
    assert str(Taux(0, 0)) == "—"
    assert str(Taux.de(2, 40, masquer=True)) == "s"  # a masked rate: never a count's mark
    assert str(Taux(25, 2)) == "1\u202f250\u00a0%"  # above 1 000 %: grouped


# ---------------------------------------------------------------- actifs / sortis, against the definition


def _selon_la_definition(periode: Periode) -> dict[int, dict[str, int]]:
    """*accompagnés*, *actifs* and *sortis* per project, computed row by row in Python from the
    definitions in ``pilotage.indicateurs``'s docstring (no query shape involved)."""
    debut, fin = periode.debut, periode.fin
    parcours = list(Parcours.objects.values("apprenant_id", "date_debut", "date_fin"))
    chevauchant = {p["apprenant_id"] for p in parcours if p["date_debut"] <= fin and (p["date_fin"] is None or p["date_fin"] >= debut)}
    ouvert = {
        p["apprenant_id"]
        for p in parcours
        if p["apprenant_id"] in chevauchant and p["date_debut"] <= fin and (p["date_fin"] is None or p["date_fin"] > fin)
    }
    sorti = set(Sortie.objects.filter(type=TypeSortie.SORTIE, date__range=(debut, fin)).values_list("parcours__apprenant_id", flat=True))
    resultat: dict[int, dict[str, int]] = {}
    for pk, projet_id, entree in Apprenant.objects.values_list("pk", "projet_id", "date_entree"):
        if not (debut <= entree <= fin or pk in chevauchant):
            continue
        compte = resultat.setdefault(projet_id, {"accompagnes": 0, "actifs": 0, "sortis": 0})
        compte["accompagnes"] += 1
        compte["actifs"] += pk in ouvert
        compte["sortis"] += pk in sorti
    return resultat


@pytest.mark.django_db
def test_actifs_et_sortis_suivent_la_definition_sur_un_jeu_genere():
    """The grouped query (paths narrowed by their own project too) counts what the definition says,
    for one project, several, and periods that cut paths and outcomes in the middle."""
    generer("--projets", "3", "--apprenants", "240", "--graine", "5", "--au", "2025-06-30")
    ids = list(Projet.objects.order_by("pk").values_list("pk", flat=True))
    periodes = [
        Periode(date(2022, 1, 1), date(2025, 6, 30)),
        Periode(date(2024, 1, 1), date(2024, 6, 30)),
        Periode(date(2025, 3, 1), date(2025, 3, 31)),
    ]
    for periode in periodes:
        attendu = _selon_la_definition(periode)
        assert any(c["actifs"] for c in attendu.values()) and any(c["sortis"] for c in attendu.values()), periode
        for projets in (ids, ids[:1]):
            bruts = _bruts(projets, periode)
            for projet_id in projets:
                compte = attendu.get(projet_id, {"accompagnes": 0, "actifs": 0, "sortis": 0})
                assert {cle: bruts[projet_id].n[cle] for cle in compte} == compte, (periode, projet_id)

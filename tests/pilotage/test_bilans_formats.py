"""The Excel bilans write figures as the pages do (conciergerie.formats): whole hours « 7 h », not
« 7,0 h »; « 3,5 h »; rates « 8,3 % » and « 50 % »; money with its cents; a masked figure as its
mark."""

import io
from decimal import Decimal

import openpyxl

from pilotage.bilans.cellules import ENTIER, EUROS, HEURES, POURCENT, TEXTE, Colonne, Feuille, _classeur
from pilotage.masquage import Effectif, Taux


def _relire(ecrire) -> openpyxl.Workbook:
    classeur = _classeur()
    ecrire(classeur)
    tampon = io.BytesIO()
    classeur.save(tampon)
    return openpyxl.load_workbook(io.BytesIO(tampon.getvalue()))


def test_heures_et_taux_entiers_sans_decimale_les_autres_avec():
    def ecrire(classeur):
        feuille = Feuille(classeur, "Test", [Colonne("Qui"), Colonne("Heures", HEURES), Colonne("Montant", EUROS)])
        feuille.ajouter(("a", Decimal("7.00"), Decimal("85000")))
        feuille.ajouter(("b", Decimal("3.50"), Decimal("0.5")))
        feuille.ajouter(("c", Decimal("2.25"), None))
        synthese = Feuille(classeur, "Synthèse", [Colonne("Indicateur"), Colonne("Valeur")])
        synthese.ajouter(("Taux", Taux(1, 12)), types=(TEXTE, POURCENT))
        synthese.ajouter(("Taux entier", Taux(1, 2)), types=(TEXTE, POURCENT))
        synthese.ajouter(("Taux masqué", Taux(1, 12, masque=True)), types=(TEXTE, POURCENT))
        synthese.ajouter(("Effectif masqué", Effectif(3, masque=True)), types=(TEXTE, ENTIER))
        synthese.ajouter(("Heures", Decimal("12.0")), types=(TEXTE, HEURES))

    classeur = _relire(ecrire)
    ws = classeur["Test"]
    heures = [ws.cell(row=r, column=2) for r in (2, 3, 4)]
    assert [c.value for c in heures] == [7, 3.5, 2.25]
    assert [c.number_format for c in heures] == ['#,##0\\ "h"', '#,##0.0#\\ "h"', '#,##0.0#\\ "h"']
    assert ws.cell(row=2, column=3).number_format == '#,##0.00\\ "€"'
    s = classeur["Synthèse"]
    assert (s.cell(row=2, column=2).value, s.cell(row=2, column=2).number_format) == (8.3, '#,##0.0\\ "%"')
    assert (s.cell(row=3, column=2).value, s.cell(row=3, column=2).number_format) == (50, '#,##0\\ "%"')
    assert s.cell(row=4, column=2).value == "s"  # a masked rate: never a count's mark
    assert s.cell(row=5, column=2).value == "< 5"
    assert (s.cell(row=6, column=2).value, s.cell(row=6, column=2).number_format) == (12, '#,##0\\ "h"')

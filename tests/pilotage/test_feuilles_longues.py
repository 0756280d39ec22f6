"""A bilan's table longer than Excel's 1 048 576 rows (a national *Séances et présences*: about
2,6 million attendance rows) goes on in continuation sheets, each with its header and filters,
instead of a file Excel refuses to open. The limit is lowered to 3 rows to watch it."""

import io

import openpyxl

from pilotage.bilans import cellules
from pilotage.bilans.cellules import DATE, ENTIER, Colonne, Feuille, _classeur


def test_a_table_past_excel_s_limit_goes_on_in_continuation_sheets(monkeypatch):
    monkeypatch.setattr(cellules, "LIGNES_PAR_FEUILLE", 3)
    classeur = _classeur()
    colonnes = [Colonne("Apprenant (référence)"), Colonne("Heures", ENTIER), Colonne("Date", DATE)]
    feuille = Feuille(classeur, "Séances et présences", colonnes)
    for i in range(7):
        feuille.ajouter((f"REF-{i}", i, None))
    feuille.fermer()
    Feuille(classeur, "Un titre bien plus long que trente et un caractères", colonnes[:1]).fermer()
    tampon = io.BytesIO()
    classeur.save(tampon)

    lu = openpyxl.load_workbook(io.BytesIO(tampon.getvalue()))
    assert lu.sheetnames == [
        "Séances et présences",
        "Séances et présences (2)",
        "Séances et présences (3)",
        "Un titre bien plus long que tre",
    ]
    lignes = [[r for r in lu[nom].iter_rows(values_only=True)] for nom in lu.sheetnames[:3]]
    assert [len(li) for li in lignes] == [4, 4, 2]  # each with its header
    assert all(li[0] == ("Apprenant (référence)", "Heures", "Date") for li in lignes)
    assert [r[0] for li in lignes for r in li[1:]] == [f"REF-{i}" for i in range(7)]  # none lost, none twice
    assert [lu[nom].auto_filter.ref for nom in lu.sheetnames[:3]] == ["A1:C4", "A1:C4", "A1:C2"]
    assert feuille.lignes == 7

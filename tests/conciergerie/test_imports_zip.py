"""Zip bombs in an xlsx import (conciergerie.imports.lecture.verifier_zip): refused before openpyxl
reads anything, with a French message, quickly and within little memory, and nothing imported.

Each bomb is a real workbook (openpyxl's) whose entries are rewritten: blank rows by the hundred
thousand, shared strings by the million, one entry compressed more than a hundred times, declared
sizes beyond the limit, an archive of too many entries.
"""

import io
import time
import tracemalloc
import zipfile

import openpyxl
import pytest

from conciergerie import imports
from conciergerie.imports import lecture
from parcours.models import Apprenant

from .test_imports import ENTETES, _importer, projet_admin, xlsx_bytes  # noqa: F401

pytestmark = pytest.mark.django_db

LIGNE_VALIDE = ["REF-1", "Léa", "Martin", "01/02/1990", "rsa", "", "non", "definitif"]


def _reecrire(remplacements: dict[str, bytes], ajouts: dict[str, bytes] | None = None) -> bytes:
    """A valid workbook of one row whose entries ``remplacements`` are replaced (and ``ajouts``
    added), deflated at the highest level."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([LIGNE_VALIDE])))
    sortie = io.BytesIO()
    with zipfile.ZipFile(sortie, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for info in source.infolist():
            archive.writestr(info.filename, remplacements.get(info.filename, source.read(info.filename)))
        for nom, contenu in (ajouts or {}).items():
            archive.writestr(nom, contenu)
    return sortie.getvalue()


def _feuille(lignes: bytes) -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' + lignes + b"</sheetData></worksheet>"
    )


def bombe_lignes_vides() -> bytes:
    lignes = b"".join(b'<row r="%d"/>' % n for n in range(1, lecture.LIGNES_BRUTES_MAX + 50))
    return _reecrire({"xl/worksheets/sheet1.xml": _feuille(lignes)})


def bombe_chaines() -> bytes:
    n = lecture.CHAINES_MAX + 10
    chaines = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">' % (n, n)
    chaines += b"<si><t>a</t></si>" * n + b"</sst>"
    return _reecrire({}, {"xl/sharedStrings.xml": chaines})


def bombe_ratio() -> bytes:
    cellule = b'<row r="1"><c r="A1" t="inlineStr"><is><t>' + b"A" * (8 * 1024 * 1024) + b"</t></is></c></row>"
    return _reecrire({"xl/worksheets/sheet1.xml": _feuille(cellule)})


def bombe_taille() -> bytes:
    """Declared sizes over the limit (zeros: a few kilobytes compressed)."""
    return _reecrire({}, {f"xl/media/zero{i}.bin": b"\0" * (20 * 1024 * 1024) for i in range(3)})


def bombe_entrees() -> bytes:
    return _reecrire({}, {f"xl/media/{i}.bin": b"" for i in range(lecture.ENTREES_MAX + 1)})


@pytest.mark.parametrize(
    ("fabrique", "message"),
    [
        (bombe_lignes_vides, "lignes, vides comprises"),
        (bombe_chaines, "textes différents"),
        (bombe_ratio, "anormalement compressé"),
        (bombe_taille, "Le classeur décompressé dépasserait 50 Mo"),
        (bombe_entrees, "nombre anormal d'éléments"),
    ],
    ids=["lignes-vides", "chaines-partagees", "ratio", "taille", "entrees"],
)
def test_une_bombe_zip_est_refusee_vite_avec_un_message_et_rien_n_est_importe(projet_admin, fabrique, message):  # noqa: F811
    contenu = fabrique()
    assert len(contenu) < lecture.TAILLE_MAX, "la bombe passe la limite de taille du dépôt"
    tracemalloc.start()
    debut = time.perf_counter()
    try:
        resultat = _importer(projet_admin, contenu, nom="bombe.xlsx", confirmer=True)
        duree = time.perf_counter() - debut
        _, pic = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert not resultat.valide and not resultat.confirme
    assert [e.message for e in resultat.erreurs_fichier] and message in resultat.erreurs_fichier[0].message
    assert duree < 1.0, f"{duree:.2f} s"
    assert pic < 100 * 1024 * 1024, f"{pic / 1e6:.0f} Mo"
    assert not Apprenant.objects.exists()


def test_la_lecture_directe_refuse_aussi():
    with pytest.raises(imports.ImportRefuse, match="vides comprises"):
        imports.lire(bombe_lignes_vides(), nom="bombe.xlsx")


def test_un_classeur_normal_de_20_000_lignes_passe_le_controle():
    classeur = openpyxl.Workbook(write_only=True)
    feuille = classeur.create_sheet()
    feuille.append(ENTETES)
    for n in range(imports.LIGNES_MAX):
        feuille.append([f"REF-{n}", f"Prénom {n}", f"Nom {n % 997}", "01/02/1990", "rsa", "", "non", "definitif"])
    sortie = io.BytesIO()
    classeur.save(sortie)
    lecture.verifier_zip(sortie.getvalue())  # no refusal
    nom, tableau = imports.lire(sortie.getvalue(), nom="grand.xlsx")
    assert len(tableau.lignes) == imports.LIGNES_MAX


def test_le_compte_des_balises_ne_double_pas_a_la_frontiere_des_blocs():
    lignes = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (n, n) for n in range(1, 60_001))
    contenu = _reecrire({"xl/worksheets/sheet1.xml": _feuille(lignes)})
    archive = zipfile.ZipFile(io.BytesIO(contenu))
    assert lecture._compter(archive, archive.getinfo("xl/worksheets/sheet1.xml"), lecture._ROW, 10**9) == 60_000

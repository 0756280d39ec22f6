"""The cells, sheets and workbook of the Excel bilans (openpyxl write-only).

- the kinds of cell (``TEXTE``, ``ENTIER``, ``NOMBRE``, ``HEURES``, ``EUROS``, ``POURCENT``,
  ``DATE``, and ``ENTETE`` for headers) and their named styles, written as the pages write them
  (conciergerie.formats): ``7 h``, ``3,5 h``, ``8,3 %``, ``50 %``, ``85 000,00 €`` — a whole
  number of hours or a whole rate takes its ``_entier`` style (Excel has no "at most one
  decimal" format: ``0.#`` prints "7,"); dates stay ``DD/MM/YYYY`` (a cell is data, which the
  imports read back);
- ``Colonne`` and ``Feuille``: one sheet, a header row (frozen, with filters), then typed rows;
- ``_valeur``: Python values as Excel wants them (masked figures as text, rates and counts as
  numbers, texts cut to Excel's limit and cleared of the characters XML forbids);
- ``_classeur``: a write-only workbook with the styles; ``_abandonner``: its temporary files
  deleted after a failure.

Every text cell that starts with ``= + - @``, a tab or a carriage return is written as text
(type ``s``, with Excel's quote prefix), never as a formula.

Speed: openpyxl's own cell writer is the floor. A row of a table sheet carries its texts as plain
values (no style: written as openpyxl writes any string) and, for each formatted column (dates,
amounts, hours, counts), one styled ``WriteOnlyCell`` made when the sheet is opened and reused from
row to row (only its value changes): no cell object nor named-style lookup per cell. Column-level
number formats would not do: Excel applies a ``<col>`` style only to cells that do not exist, a
written cell without a style shows as General (a date as a serial number).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill
from openpyxl.utils import get_column_letter

from conciergerie.exports import DEBUTS_DANGEREUX, TEXTE_MAX, TYPE_XLSX

from ..masquage import Effectif, Moyenne, Taux

# what makes a spreadsheet cell a formula, Excel's limit for one cell, the xlsx MIME type: the
# same for the bilans as for the lists' downloads (conciergerie.exports)
TYPE_MIME = TYPE_XLSX

# cell kinds -> named style
TEXTE, ENTIER, NOMBRE, EUROS, POURCENT, DATE, ENTETE = "texte", "entier", "nombre", "euros", "pourcent", "date", "entete"
HEURES = "heures"
ENTIERS = frozenset({HEURES, POURCENT})  # kinds with a style of their own for whole values


def _style(type_: str, valeur) -> str:
    if type_ in ENTIERS and type(valeur) in (int, float) and valeur == int(valeur):
        return f"bilan_{type_}_entier"
    return f"bilan_{type_}"


def _styles() -> list[NamedStyle]:
    styles = []
    for nom, format_ in (
        (TEXTE, "@"),
        (ENTIER, "#,##0"),
        (NOMBRE, "#,##0.0#"),
        (HEURES, '#,##0.0#\\ "h"'),
        (f"{HEURES}_entier", '#,##0\\ "h"'),
        (EUROS, '#,##0.00\\ "€"'),
        (POURCENT, '#,##0.0\\ "%"'),
        (f"{POURCENT}_entier", '#,##0\\ "%"'),
        (DATE, "DD/MM/YYYY"),
    ):
        style = NamedStyle(name=f"bilan_{nom}")
        style.number_format = format_
        styles.append(style)
    entete = NamedStyle(name=f"bilan_{ENTETE}")
    entete.font = Font(bold=True, color="FFFFFF")
    entete.fill = PatternFill("solid", fgColor="2F6F8F")
    entete.alignment = Alignment(wrap_text=True, vertical="top")
    styles.append(entete)
    return styles


@dataclass(frozen=True)
class Colonne:
    titre: str
    type: str = TEXTE
    largeur: int = 16


#: Excel's rows per sheet (1 048 576), the header included: a sheet with more rows would not open
LIGNES_PAR_FEUILLE = 1_048_575
#: Excel's length of a sheet's name
TITRE_MAX = 31


class Feuille:
    """One sheet: a header row (frozen, with filters), then typed rows. A table longer than
    Excel's limit goes on in continuation sheets, « <titre> (2) », « (3) »…, each with its header
    and filters (a national bilan's *Séances et présences* holds millions of rows)."""

    def __init__(self, classeur: Workbook, titre: str, colonnes: list[Colonne]):
        self.classeur, self.titre = classeur, titre
        self.colonnes = colonnes
        self.lignes = 0  # every row written, over the continuation sheets
        self.feuilles = 0
        self._ouvrir()

    def _ouvrir(self) -> None:
        self.feuilles += 1
        suffixe = f" ({self.feuilles})" if self.feuilles > 1 else ""
        titre = self.titre[: TITRE_MAX - len(suffixe)] + suffixe
        self.ws = self.classeur.create_sheet(titre)
        self.lignes_feuille = 0
        for i, colonne in enumerate(self.colonnes, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = colonne.largeur
        self.ws.freeze_panes = "A2"
        self.ws.append([self._cellule(c.titre, ENTETE) for c in self.colonnes])
        # per column: None for text (plain values), else its styled cell, reused by every row
        self._gabarits = [None if c.type == TEXTE else self._cellule(None, c.type, styler=True) for c in self.colonnes]
        # hours and rates: a second cell for whole values ("7 h", not "7,0 h")
        self._gabarits_entiers = [
            self._cellule(None, c.type, styler=True, style=f"bilan_{c.type}_entier") if c.type in ENTIERS else None for c in self.colonnes
        ]

    def _cellule(self, valeur, type_: str, *, styler: bool = False, style: str | None = None):
        cellule = WriteOnlyCell(self.ws, value=_valeur(valeur))
        if cellule.value is not None or styler:
            cellule.style = style or _style(type_, cellule.value)
        if isinstance(cellule.value, str) and cellule.value.startswith(DEBUTS_DANGEREUX):
            cellule.data_type = "s"  # text, never a formula
            cellule.quotePrefix = True  # and Excel keeps it text when the cell is edited
        return cellule

    def ajouter(self, valeurs: Iterable, types: Iterable[str] | None = None) -> None:
        """One row; ``types`` overrides the columns' cell types (a sheet of mixed figures)."""
        if self.lignes_feuille == LIGNES_PAR_FEUILLE:
            self._filtres()
            self._ouvrir()
        if types is not None:
            self.ws.append([self._cellule(v, t) for v, t in zip(valeurs, types, strict=True)])
        else:
            self.ws.append(self._rangee(valeurs))
        self.lignes += 1
        self.lignes_feuille += 1

    def _rangee(self, valeurs: Iterable) -> list:
        """A table row, fast: texts as plain values, the other cells through their column's
        reused cell (openpyxl writes each cell of the row before it reads the next value)."""
        rangee = []
        for valeur, gabarit, entier in zip(valeurs, self._gabarits, self._gabarits_entiers, strict=True):
            valeur = _valeur(valeur)
            if entier is not None and type(valeur) in (int, float) and valeur == int(valeur):
                gabarit = entier
            if valeur is None:
                rangee.append(None)
            elif type(valeur) is str:
                rangee.append(self._cellule(valeur, TEXTE) if valeur.startswith(DEBUTS_DANGEREUX) else valeur)
            elif gabarit is None:
                rangee.append(valeur)
            else:
                gabarit.value = valeur
                rangee.append(gabarit)
        return rangee

    def _filtres(self) -> None:
        self.ws.auto_filter.ref = f"A1:{get_column_letter(len(self.colonnes))}{self.lignes_feuille + 1}"

    def fermer(self) -> None:
        """The filters cover the header and every row written (of the last sheet; the others
        got theirs when they were full)."""
        self._filtres()


def _valeur(valeur):
    """Python values as Excel wants them: masked figures as text, rates and counts as numbers."""
    type_ = type(valeur)
    if type_ is str:  # the common case first
        if not valeur.isprintable():  # characters XML forbids would make the file unreadable
            valeur = ILLEGAL_CHARACTERS_RE.sub("", valeur)
        return valeur[:TEXTE_MAX] or None  # an empty text is an empty cell
    if valeur is None or type_ is int or type_ is date or type_ is float:
        return valeur
    if type_ is Decimal:
        return float(valeur)
    if isinstance(valeur, Effectif):
        return str(valeur) if valeur.masque else valeur.valeur
    if isinstance(valeur, Moyenne):
        return str(valeur) if valeur.masque else float(valeur.valeur)
    if isinstance(valeur, Taux):
        return str(valeur) if valeur.masque else (float(valeur.valeur) if valeur.valeur is not None else None)
    if isinstance(valeur, Decimal):
        return float(valeur)
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    if isinstance(valeur, datetime):
        return valeur.replace(tzinfo=None)
    if isinstance(valeur, Promise | str):
        return _valeur(str(valeur))
    return valeur


def _classeur() -> Workbook:
    classeur = Workbook(write_only=True)
    for style in _styles():
        classeur.add_named_style(style)
    return classeur


def _abandonner(classeur: Workbook) -> None:
    """After a failure: close each streamed sheet and delete its temporary file now (openpyxl
    would only delete them when the process exits, and they may hold personal data)."""
    for ws in classeur.worksheets:
        writer = getattr(ws, "_writer", None)
        if writer is None:
            continue
        for fermer in (getattr(ws._rows, "close", None), writer.close, writer.cleanup):
            if fermer is None:
                continue
            with contextlib.suppress(OSError, ValueError, RuntimeError, StopIteration):  # already closed or removed
                fermer()

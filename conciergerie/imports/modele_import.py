"""The template to download for a kind of import (``modele-import-<type>.xlsx|csv``): the
headers and one example row; the xlsx adds an "Aide" sheet describing each column."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import tablib

from .registre import type_import
from .widgets import ChiffresWidget, Colonne, ProjetForeignKeyWidget, TexteWidget

TYPES_CONTENU = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def _valeur_exemple(colonne: Colonne, valeur, natif: bool):
    if valeur is None:
        return None if natif else ""
    if natif and isinstance(valeur, date | Decimal | int | float) and not isinstance(valeur, bool):
        return valeur
    if isinstance(colonne.widget, ProjetForeignKeyWidget):
        return str(valeur)
    return colonne.widget.render(valeur)


def modele(type: str, format: str) -> tuple[bytes, str, str]:
    """The template of a kind of import: headers and one example row. Returns (content,
    content type, file name). xlsx: a "Données" sheet and an "Aide" sheet describing each column."""
    definition = type_import(type)
    resource_class = definition.resource
    colonnes = resource_class.colonnes_declarees()
    nom_fichier = f"modele-import-{definition.cle}.{format}"
    if format == "csv":
        dataset = tablib.Dataset(headers=[c.column_name for c in colonnes])
        dataset.append([_valeur_exemple(c, resource_class.exemple.get(c.attribute), natif=False) for c in colonnes])
        texte = dataset.export("csv", delimiter=";")
        return ("\ufeff" + texte).encode("utf-8"), TYPES_CONTENU["csv"], nom_fichier
    if format != "xlsx":
        raise KeyError(format)
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    classeur = Workbook()
    donnees = classeur.active
    donnees.title = "Données"
    donnees.append([c.column_name for c in colonnes])
    donnees.append([_valeur_exemple(c, resource_class.exemple.get(c.attribute), natif=True) for c in colonnes])
    for index, colonne in enumerate(colonnes, start=1):
        entete = donnees.cell(row=1, column=index)
        entete.font = Font(bold=True)
        cellule = donnees.cell(row=2, column=index)
        if isinstance(cellule.value, date):
            cellule.number_format = "DD/MM/YYYY"
        elif isinstance(colonne.widget, ChiffresWidget | TexteWidget):
            cellule.number_format = "@"  # text: keeps leading zeros of codes
        donnees.column_dimensions[get_column_letter(index)].width = max(12, min(40, len(colonne.column_name) + 4))
    donnees.freeze_panes = "A2"
    aide = classeur.create_sheet("Aide")
    aide.append(["Colonne", "Obligatoire", "Format ou valeurs acceptées"])
    for cellule in aide[1]:
        cellule.font = Font(bold=True)
    for colonne in colonnes:
        aide.append([colonne.column_name, "oui" if colonne.obligatoire else "non", colonne.aide])
    aide.column_dimensions["A"].width = 30
    aide.column_dimensions["B"].width = 12
    aide.column_dimensions["C"].width = 90
    sortie = io.BytesIO()
    classeur.save(sortie)
    return sortie.getvalue(), TYPES_CONTENU["xlsx"], nom_fichier

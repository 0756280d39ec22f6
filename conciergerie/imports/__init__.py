"""Spreadsheet imports (xlsx, csv) into one project, for administrators.

The core does not import the apps: each app describes its kind of import with a
django-import-export ``Resource`` built on :class:`ProjetResource` (in ``<app>/resources.py``)
and registers it in its ``AppConfig.ready()`` with :func:`register`, as the home page does.

One service, :func:`importer`, reads a file, checks it and imports it, with or without writing:

- **dry run** (``confirmer=False``): every row is read, cleaned by the French widgets below and
  validated (``full_clean`` without per-row queries, uniqueness checked in memory against the
  project's rows loaded once); nothing is written;
- **confirm** (``confirmer=True``): the same pass, then the rows are written in bulk
  (``bulk_create``/``bulk_update``, with django-simple-history's bulk helpers where the model
  keeps a history, so the history records who imported) in one transaction; a single error
  anywhere rolls everything back.

Rows go into the given project only: the project is set by the import, never read from the
file; existing rows (natural keys) and foreign keys (an organisation named in a column) are
looked up among ``Model.objects.visible_to(by, projet=projet)`` only.
"""

from __future__ import annotations

import io
import logging
import re
from datetime import date
from decimal import Decimal

import tablib

from .execution import ACTIONS, ErreurImport, LigneImport, ResultatImport, importer, preparer
from .lecture import EXTENSIONS, LIGNES_MAX, TAILLE_MAX, TAILLE_MAX_LIBELLE, ImportRefuse, Tableau, extension, lire, verifier_extension
from .lot import enregistrer_lot
from .registre import TypeImport, register, type_import, types_import
from .resource import ProjetInstanceLoader, ProjetResource
from .texte import MESSAGE_NIR_VALEUR, NIR_ENTETE, NIR_VALEUR, cle_texte, normaliser, ressemble_a_un_nir
from .widgets import (
    BooleenFrWidget,
    ChiffresWidget,
    ChoixWidget,
    Colonne,
    DateFrWidget,
    DecimalFrWidget,
    ProjetForeignKeyWidget,
    TexteWidget,
)

__all__ = [
    "ACTIONS",
    "DEPOT",
    "EXTENSIONS",
    "LIGNES_MAX",
    "MESSAGE_NIR_VALEUR",
    "NIR_ENTETE",
    "NIR_VALEUR",
    "TAILLE_MAX",
    "TAILLE_MAX_LIBELLE",
    "TYPES_CONTENU",
    "BooleenFrWidget",
    "ChiffresWidget",
    "ChoixWidget",
    "Colonne",
    "DateFrWidget",
    "DecimalFrWidget",
    "ErreurImport",
    "ImportRefuse",
    "LigneImport",
    "ProjetForeignKeyWidget",
    "ProjetInstanceLoader",
    "ProjetResource",
    "ResultatImport",
    "Tableau",
    "TexteWidget",
    "TypeImport",
    "cle_texte",
    "deposer",
    "enregistrer_lot",
    "extension",
    "importer",
    "lire",
    "modele",
    "normaliser",
    "oublier_tout",
    "preparer",
    "register",
    "ressemble_a_un_nir",
    "reprendre",
    "type_import",
    "types_import",
    "verifier_extension",
]

logger = logging.getLogger(__name__)

TYPES_CONTENU = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


# --------------------------------------------------------------------------------------------
# Templates to download


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


# --------------------------------------------------------------------------------------------
# The uploaded file kept between the dry run and the confirmation
#
# After a dry run without errors the file is stored under MEDIA_ROOT at
# imports/<projet>/<user>/<type>/<random token>.<ext>: the folder is built on the server from
# the project, the user and the kind, and the client only sends back the token (checked
# against a strict pattern), so nobody confirms another user's file nor names a path. One
# pending file per user, project and kind: a new upload replaces it; confirming deletes it.

DEPOT = re.compile(r"[A-Za-z0-9_-]{32}\.(xlsx|csv)")


def _dossier_depot(*, type: str, projet, by) -> str:
    type_import(type)  # a registered kind only: the folder name is never the client's text
    return f"imports/{projet.pk}/{by.pk}/{type}"


def deposer(*, contenu: bytes, nom: str, type: str, projet, by) -> str:
    """Keep an uploaded file for its confirmation; returns its token (``<token>.<ext>``)."""
    import secrets

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    ext = verifier_extension(nom)
    dossier = _dossier_depot(type=type, projet=projet, by=by)
    oublier_tout(type=type, projet=projet, by=by)
    depot = f"{secrets.token_urlsafe(24)}.{ext}"
    default_storage.save(f"{dossier}/{depot}", ContentFile(contenu))
    return depot


def reprendre(*, depot: str, type: str, projet, by) -> bytes | None:
    """The kept file named by ``depot`` for this user, project and kind, or ``None``."""
    from django.core.files.storage import default_storage

    if not DEPOT.fullmatch(depot or ""):
        return None
    chemin = f"{_dossier_depot(type=type, projet=projet, by=by)}/{depot}"
    if not default_storage.exists(chemin):
        return None
    with default_storage.open(chemin, "rb") as fichier:
        return fichier.read()


def oublier_tout(*, type: str, projet, by) -> None:
    from django.core.files.storage import default_storage

    dossier = _dossier_depot(type=type, projet=projet, by=by)
    try:
        _, fichiers = default_storage.listdir(dossier)
    except FileNotFoundError:
        return
    for nom in fichiers:
        default_storage.delete(f"{dossier}/{nom}")

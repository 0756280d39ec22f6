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
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError
from django.utils import translation
from import_export.results import RowResult

from ..roles import peut
from ..scoping import adhesion_for
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
# Results


@dataclass(frozen=True)
class ErreurImport:
    ligne: int | None  # spreadsheet line (1 = headers); None for the whole file
    colonne: str  # "" for the whole row or file
    message: str


@dataclass(frozen=True)
class LigneImport:
    ligne: int
    action: str  # "creation", "modification", "inchangee"
    libelle: str


ACTIONS = {
    RowResult.IMPORT_TYPE_NEW: "creation",
    RowResult.IMPORT_TYPE_UPDATE: "modification",
    RowResult.IMPORT_TYPE_SKIP: "inchangee",
}


@dataclass
class ResultatImport:
    type: str
    nom_fichier: str = ""
    confirme: bool = False  # True once the rows are written
    total: int = 0
    creations: int = 0
    modifications: int = 0
    inchangees: int = 0
    erreurs: list[ErreurImport] = field(default_factory=list)
    lignes: list[LigneImport] = field(default_factory=list)
    colonnes_ignorees: list[str] = field(default_factory=list)

    @property
    def valide(self) -> bool:
        return not self.erreurs

    @property
    def a_ecrire(self) -> int:
        return self.creations + self.modifications

    @property
    def erreurs_fichier(self) -> list[ErreurImport]:
        return [e for e in self.erreurs if e.ligne is None]

    @property
    def erreurs_lignes(self) -> list[ErreurImport]:
        return [e for e in self.erreurs if e.ligne is not None]

    @property
    def lignes_en_erreur(self) -> int:
        return len({e.ligne for e in self.erreurs_lignes})


def preparer(resource: ProjetResource, tableau: Tableau) -> tuple[tablib.Dataset, list[str]]:
    """Map the file's headers onto the resource's columns (accents, case and spaces ignored),
    refuse a social-security-number column, a duplicated or missing required column; return the
    dataset with the known columns only and the ignored headers."""
    connues = {}
    for colonne in resource.colonnes():
        connues[normaliser(colonne.column_name)] = colonne
        connues.setdefault(normaliser(colonne.attribute), colonne)
    positions, vues, ignorees = [], {}, []
    for position, entete in enumerate(tableau.entetes):
        cle = normaliser(entete)
        colonne = connues.get(cle)
        if colonne is None:
            if cle and NIR_ENTETE.search(cle):
                raise ImportRefuse(
                    f"Le fichier contient une colonne « {entete} » : le numéro de sécurité sociale ne doit jamais être "
                    "importé ni conservé. Retirez cette colonne (seul son statut peut être importé, colonne "
                    "« Statut sécurité sociale »)."
                )
            if entete:
                ignorees.append(entete)
                # an ignored column is not imported, but the file is kept until its confirmation:
                # it must not carry a social-security number either
                for valeurs, numero in zip(tableau.lignes, tableau.numeros, strict=True):
                    if position < len(valeurs) and ressemble_a_un_nir(valeurs[position]):
                        raise ImportRefuse(f"Ligne {numero}, colonne « {entete} » : {MESSAGE_NIR_VALEUR} Retirez cette colonne.")
            continue
        if colonne.column_name in vues:
            raise ImportRefuse(f"La colonne « {colonne.column_name} » apparaît deux fois dans le fichier.")
        vues[colonne.column_name] = position
        positions.append((colonne.column_name, position))
    manquantes = [c.column_name for c in resource.colonnes() if c.obligatoire and c.column_name not in vues]
    if manquantes:
        noms = ", ".join(f"« {n} »" for n in manquantes)
        raise ImportRefuse(f"Colonnes obligatoires absentes : {noms}. Téléchargez le modèle pour voir les colonnes attendues.")
    if not tableau.lignes:
        raise ImportRefuse("Le fichier ne contient aucune ligne à importer (seulement les en-têtes).")
    dataset = tablib.Dataset(headers=[nom for nom, _ in positions])
    for valeurs in tableau.lignes:
        dataset.append([valeurs[p] if p < len(valeurs) else None for _, p in positions])
    return dataset, ignorees


# --------------------------------------------------------------------------------------------
# The service


def _verifier_droit(by, projet):
    adhesion = adhesion_for(by, projet)
    if adhesion is None or not peut(adhesion.role, "imports.faire"):
        raise PermissionDenied("Seul un administrateur du projet peut importer des fichiers.")


def _libelle_colonne(resource, attribut) -> str:
    if attribut == NON_FIELD_ERRORS:
        return ""
    for colonne in resource.colonnes():
        if colonne.attribute == attribut:
            return colonne.column_name
    return str(attribut)


def _resultat(resource, result, resultat: ResultatImport) -> None:
    for erreur in result.base_errors:
        logger.warning("Import %s : erreur d'enregistrement : %r", resultat.type, erreur.error)
        if isinstance(erreur.error, IntegrityError):
            message = "Une autre saisie a enregistré les mêmes fiches pendant l'import : rien n'a été importé, relancez la vérification."
        elif isinstance(erreur.error, ValidationError):
            message = f"L'enregistrement a échoué, rien n'a été importé : {' '.join(erreur.error.messages)}"
        else:  # a technical error: its text (often English) goes to the server log only
            message = (
                "L'enregistrement a échoué sur une erreur technique, rien n'a été importé ; elle est consignée dans le journal du serveur."
            )
        resultat.erreurs.append(ErreurImport(None, "", message))
    for ligne in result.invalid_rows:
        numero = resource.numero_fichier(ligne.number)
        for attribut, messages in ligne.error_dict.items():
            for message in messages:
                resultat.erreurs.append(ErreurImport(numero, _libelle_colonne(resource, attribut), str(message)))
    for ligne in result.error_rows:
        numero = resource.numero_fichier(ligne.number)
        for erreur in ligne.errors:
            logger.warning("Import %s, ligne %s : %r", resultat.type, numero, erreur.error)
            if isinstance(erreur.error, ValidationError):
                message = f"Ligne illisible : {' '.join(erreur.error.messages)}"
            else:  # a technical error: its text (often English) goes to the server log only
                message = "Ligne illisible : une de ses valeurs n'a pas pu être lue ; vérifiez-la d'après le modèle à télécharger."
            resultat.erreurs.append(ErreurImport(numero, "", message))
    resultat.erreurs.sort(key=lambda e: (e.ligne or 0,))
    for position, row_result in enumerate(result.rows, start=1):
        action = ACTIONS.get(row_result.import_type)
        if action:
            resultat.lignes.append(LigneImport(resource.numero_fichier(position), action, row_result.object_repr or ""))
    resultat.total = result.total_rows
    resultat.creations = result.totals[RowResult.IMPORT_TYPE_NEW]
    resultat.modifications = result.totals[RowResult.IMPORT_TYPE_UPDATE]
    resultat.inchangees = result.totals[RowResult.IMPORT_TYPE_SKIP]


def importer(*, type: str, fichier, projet, by, confirmer: bool = False, nom: str | None = None) -> ResultatImport:
    """Import ``fichier`` (a path, bytes or an uploaded file; ``nom`` gives its name when it
    is bytes) as rows of kind ``type`` (``"apprenants"``, ``"organisations"``, ``"benevolat"``)
    into ``projet``, for ``by`` (who must hold ``imports.faire`` there, else ``PermissionDenied``).

    ``confirmer=False`` is the dry run: nothing is written. ``confirmer=True`` validates the
    same way and writes everything in one transaction — or nothing if any row has an error.
    Bad input never raises: the result lists every error (line, column, French message).
    """
    _verifier_droit(by, projet)
    definition = type_import(type)
    resultat = ResultatImport(type=type)
    with translation.override("fr"):
        try:
            resultat.nom_fichier, tableau = lire(fichier, nom)
            resource = definition.resource(projet=projet, user=by)
            dataset, resultat.colonnes_ignorees = preparer(resource, tableau)
        except ImportRefuse as refus:
            resultat.erreurs.append(ErreurImport(None, "", str(refus)))
            return resultat
        resource.numeros_de_ligne = tableau.numeros
        resource.confirmer = confirmer
        result = resource.import_data(
            dataset,
            dry_run=not confirmer,
            use_transactions=True,
            rollback_on_validation_errors=True,
            raise_errors=False,
        )
        _resultat(resource, result, resultat)
    resultat.confirme = confirmer and resultat.valide
    return resultat


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

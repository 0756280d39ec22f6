"""The service: :func:`importer` reads a file, checks it and imports it, with or without writing.

- **dry run** (``confirmer=False``): every row is read, cleaned by the French widgets and
  validated (``full_clean`` without per-row queries, uniqueness checked in memory against the
  project's rows loaded once); nothing is written;
- **confirm** (``confirmer=True``): the same pass, then the rows are written in bulk
  (``bulk_create``/``bulk_update``, with django-simple-history's bulk helpers where the model
  keeps a history, so the history records who imported) in one transaction; a single error
  anywhere rolls everything back.

:func:`preparer` maps the file's headers onto the resource's columns first; the outcome is a
:class:`ResultatImport` listing what each row would do (or did) and every error by line and column.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError
from django.utils import translation
from import_export.results import RowResult

from ..scoping import exiger
from .lecture import ImportRefuse, Tableau, lire
from .registre import type_import
from .resource import ProjetResource
from .texte import MESSAGE_NIR_VALEUR, NIR_ENTETE, normaliser, ressemble_a_un_nir

logger = logging.getLogger(__name__)

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


# --------------------------------------------------------------------------------------------
# The file's headers onto the resource's columns


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
    exiger(by, projet, "imports.faire", "Seul un administrateur du projet peut importer des fichiers.")


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


def importer(
    *,
    type: str,
    fichier,
    projet,
    by,
    confirmer: bool = False,
    nom: str | None = None,
    progression: Callable[[int, int], None] | None = None,
) -> ResultatImport:
    """Import ``fichier`` (a path, bytes or an uploaded file; ``nom`` gives its name when it
    is bytes) as rows of kind ``type`` (``"apprenants"``, ``"organisations"``, ``"benevolat"``)
    into ``projet``, for ``by`` (who must hold ``imports.faire`` there, else ``PermissionDenied``).

    ``confirmer=False`` is the dry run: nothing is written. ``confirmer=True`` validates the
    same way and writes everything in one transaction — or nothing if any row has an error.
    Bad input never raises: the result lists every error (line, column, French message).
    ``progression(lignes_faites, lignes_total)``, if given, is called once the file is read (0 of
    the total) and then every ``PAS_PROGRESSION`` rows (the worker's job shows it).
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
        resource.lignes_total = len(dataset)
        if progression is not None:
            resource.progression = progression
            progression(0, len(dataset))
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
